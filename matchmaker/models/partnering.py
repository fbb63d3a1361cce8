"""Partnering days: visitors meet invited startups in a grid of slots, rooms and tables.

A day has one or more dates, each cut into slots (`PartneringSlot`, with a grid position: breaks
and nights leave gaps in the positions, so the optimiser knows who would wait idle); rooms with a
number of tables; participants (the visiting partners and investors, and the invited startups);
the slots each participant cannot make; each side's must-meet / meet / no about the other; and the
meetings, which staff lock, move and publish. Attendance is recorded per side after the meeting.
The rules live in ``matchmaker.partnering``; these models store the result and refuse impossible rows.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.introductions import Introduction
    from matchmaker.models.organisations import Organisation


def _in_list(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class DayState(enum.StrEnum):
    DRAFT = "draft"  # staff set it up; participants mark availability and preferences
    PROVISIONAL = "provisional"  # a schedule was generated (or changed since the review); staff review it
    REVIEWED = "reviewed"  # staff checked it: it can be published
    PUBLISHED = "published"  # participants see their agenda and get invitations
    CLOSED = "closed"  # the day is over: attendance only


class Building(enum.StrEnum):
    STARTUP = "startup"
    DEMONSTRATION = "demonstration"
    ONLINE = "online"


class Role(enum.StrEnum):
    VISITOR = "visitor"
    STARTUP = "startup"


class InvitedBy(enum.StrEnum):
    MATCH = "match"  # top N of a visitor's matches above the day's score
    STAFF = "staff"


class Choice(enum.StrEnum):
    MUST = "must"
    MEET = "meet"
    NEUTRAL = "neutral"
    NO = "no"


class MeetingStatus(enum.StrEnum):
    PROVISIONAL = "provisional"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Presence(enum.StrEnum):
    HELD = "held"
    NO_SHOW = "no_show"


class PartneringDay(Base):
    __tablename__ = "partnering_days"
    __table_args__ = (
        CheckConstraint(_in_list("state", DayState), name="state_allowed"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes_range"),
        CheckConstraint("interpreters >= 0", name="interpreters_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=DayState.DRAFT.value, index=True)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    interpreters: Mapped[int] = mapped_column(Integer, default=0)
    invite_top_n: Mapped[int] = mapped_column(Integer, default=20)
    invite_min_score: Mapped[float] = mapped_column(Float, default=0.3)
    max_meetings_startup: Mapped[int | None] = mapped_column(Integer, default=3)
    max_meetings_visitor: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last generation: its job id, status, numbers (objective, bound, seconds) for staff.
    last_solve: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    dates: Mapped[list[PartneringDate]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="PartneringDate.date"
    )
    slots: Mapped[list[PartneringSlot]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="PartneringSlot.position"
    )
    rooms: Mapped[list[PartneringRoom]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="PartneringRoom.id"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="Participant.id"
    )
    meetings: Mapped[list[PartneringMeeting]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="PartneringMeeting.id"
    )

    def name(self, language: str | None) -> str:
        """The name in ``language``; None is the app's default language, Korean."""
        return self.name_en if language == "en" or not self.name_ko else self.name_ko

    def __repr__(self) -> str:
        return f"<PartneringDay {self.id} {self.name_en!r} {self.state}>"


class PartneringDate(Base):
    """One date of a day with its opening hours and breaks ("HH:MM" pairs, local Seoul time)."""

    __tablename__ = "partnering_dates"
    __table_args__ = (UniqueConstraint("day_id", "date", name="day_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    breaks: Mapped[list[list[str]]] = mapped_column(JSON, default=list)

    day: Mapped[PartneringDay] = relationship(back_populates="dates")


class PartneringSlot(Base):
    """A slot of the grid. `position` counts grid steps: a break or a night leaves a gap."""

    __tablename__ = "partnering_slots"
    __table_args__ = (UniqueConstraint("day_id", "position", name="day_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    day: Mapped[PartneringDay] = relationship(back_populates="slots")


class PartneringRoom(Base):
    """A room or a group of tables: `capacity` meetings at once; `video` rooms can host a remote side."""

    __tablename__ = "partnering_rooms"
    __table_args__ = (
        CheckConstraint(_in_list("building", Building), name="building_allowed"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    building: Mapped[str] = mapped_column(String(16), default=Building.STARTUP.value)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    video: Mapped[bool] = mapped_column(Boolean, default=False)

    day: Mapped[PartneringDay] = relationship(back_populates="rooms")


class Participant(Base):
    """A visiting partner or investor, or an invited startup, on one day."""

    __tablename__ = "partnering_participants"
    __table_args__ = (
        UniqueConstraint("day_id", "organisation_id", name="day_organisation"),
        CheckConstraint(_in_list("role", Role), name="role_allowed"),
        CheckConstraint(_in_list("invited_by", InvitedBy), name="invited_by_allowed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    invited_by: Mapped[str] = mapped_column(String(16), default=InvitedBy.STAFF.value)
    score: Mapped[float | None] = mapped_column(Float)  # the best match score that invited it
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # derived from the profile's text
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    day: Mapped[PartneringDay] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()
    unavailable: Mapped[list[Unavailability]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )


class Unavailability(Base):
    """A slot a participant cannot make."""

    __tablename__ = "partnering_unavailability"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_participants.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_slots.id", ondelete="CASCADE"), primary_key=True
    )

    participant: Mapped[Participant] = relationship(back_populates="unavailable")


class Preference(Base):
    """What one participant says about meeting another (of the other role). "no" is final."""

    __tablename__ = "partnering_preferences"
    __table_args__ = (
        UniqueConstraint("from_id", "to_id", name="from_to"),
        CheckConstraint(_in_list("choice", Choice), name="choice_allowed"),
        CheckConstraint("from_id <> to_id", name="distinct_sides"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("partnering_participants.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_participants.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[str] = mapped_column(String(8), default=Choice.NEUTRAL.value)
    prefilled: Mapped[bool] = mapped_column(Boolean, default=True)  # False once the person chose
    rank: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)  # the match score of the pair
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PartneringMeeting(Base):
    """A meeting of a visitor and a startup in a slot and room.

    `sequence` rises with every change the two sides see (it is the ICS SEQUENCE); the UID is
    derived from `id` and never changes.
    """

    __tablename__ = "partnering_meetings"
    __table_args__ = (
        CheckConstraint(_in_list("status", MeetingStatus), name="status_allowed"),
        CheckConstraint("visitor_id <> startup_id", name="distinct_sides"),
        Index("ix_partnering_meetings_day_slot", "day_id", "slot_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("partnering_days.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_participants.id", ondelete="CASCADE"), index=True
    )
    startup_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_participants.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("partnering_slots.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("partnering_rooms.id", ondelete="CASCADE"))
    interpreter: Mapped[int | None] = mapped_column(Integer)  # 1..day.interpreters
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.PROVISIONAL.value)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    was_published: Mapped[bool] = mapped_column(Boolean, default=False)  # the sides were told of it
    introduction_id: Mapped[int | None] = mapped_column(ForeignKey("introductions.id", ondelete="SET NULL"))
    reminded: Mapped[list[str]] = mapped_column(JSON, default=list)  # "evening", "soon"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    day: Mapped[PartneringDay] = relationship(back_populates="meetings")
    visitor: Mapped[Participant] = relationship(foreign_keys=[visitor_id])
    startup: Mapped[Participant] = relationship(foreign_keys=[startup_id])
    slot: Mapped[PartneringSlot] = relationship()
    room: Mapped[PartneringRoom] = relationship()
    introduction: Mapped[Introduction | None] = relationship()
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class Attendance(Base):
    """One side's record of a meeting: held or no-show, and whether it wants a follow-up."""

    __tablename__ = "partnering_attendance"
    __table_args__ = (CheckConstraint(_in_list("presence", Presence), name="presence_allowed"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("partnering_participants.id", ondelete="CASCADE"), primary_key=True
    )
    presence: Mapped[str] = mapped_column(String(16))
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[PartneringMeeting] = relationship(back_populates="attendance")
