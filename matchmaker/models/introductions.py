"""Introductions between a startup and a partner or investor, their audit log, dismissed pairs and mail.

The rules (who may move an introduction from which state to which) live in
``matchmaker.introductions.requests``; these models only store the result and refuse impossible rows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.organisations import Organisation
    from matchmaker.models.users import User


class IntroState(enum.StrEnum):
    """Where an introduction stands. ``accepted`` is passed through on the way to ``introduced``."""

    REQUESTED = "requested"
    WAITLISTED = "waitlisted"  # approved by staff, waiting for the counterpart's monthly capacity
    APPROVED = "approved"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    INTRODUCED = "introduced"
    MET = "met"
    OUTCOME_RECORDED = "outcome_recorded"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# An open introduction blocks a second one for the same pair; closed ones do not.
OPEN_STATES = frozenset(
    {
        IntroState.REQUESTED,
        IntroState.WAITLISTED,
        IntroState.APPROVED,
        IntroState.ACCEPTED,
        IntroState.INTRODUCED,
        IntroState.MET,
    }
)
# From these on, both sides see each other's contact details.
CONTACT_STATES = frozenset({IntroState.INTRODUCED, IntroState.MET, IntroState.OUTCOME_RECORDED})


class Side(enum.StrEnum):
    """Which side of the pair asked for the introduction."""

    STARTUP = "startup"
    COUNTERPART = "counterpart"


class Outcome(enum.StrEnum):
    PILOT = "pilot"
    INVESTMENT = "investment"
    COLLABORATION = "collaboration"
    NO_FIT = "no_fit"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.PILOT: "Pilot or proof of concept",
    Outcome.INVESTMENT: "Investment",
    Outcome.COLLABORATION: "Other collaboration",
    Outcome.NO_FIT: "No fit",
}


class DismissalKind(enum.StrEnum):
    NOT_INTERESTED = "not_interested"
    ALREADY_MET = "already_met"

    @property
    def label(self) -> str:
        return "Not interested" if self is DismissalKind.NOT_INTERESTED else "Already met"


NOTE_MAX = 2000
REASON_MAX = 500


def _in_list(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Introduction(Base):
    """A request that a startup and a partner or investor be introduced, and how far it got.

    ``open_pair`` is ``"<startup>:<counterpart>"`` while the introduction is open and NULL once it is
    closed; its unique constraint lets at most one open introduction exist per pair, even when two
    people ask at the same moment.
    """

    __tablename__ = "introductions"
    __table_args__ = (
        CheckConstraint(_in_list("state", IntroState), name="state_allowed"),
        CheckConstraint(_in_list("requested_by_side", Side), name="side_allowed"),
        CheckConstraint(f"outcome IS NULL OR {_in_list('outcome', Outcome)}", name="outcome_allowed"),
        CheckConstraint("startup_id <> counterpart_id", name="distinct_sides"),
        Index("ix_introductions_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    counterpart_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by_side: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(20), default=IntroState.REQUESTED.value)
    open_pair: Mapped[str | None] = mapped_column(String(40), unique=True)
    message: Mapped[str] = mapped_column(Text, default="")
    staff_note: Mapped[str] = mapped_column(Text, default="")
    answer_note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Milestones, set once when first reached; the funnel and the capacity count read them.
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    startup: Mapped[Organisation] = relationship(foreign_keys=[startup_id])
    counterpart: Mapped[Organisation] = relationship(foreign_keys=[counterpart_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    events: Mapped[list[IntroductionEvent]] = relationship(
        back_populates="introduction",
        cascade="all, delete-orphan",
        order_by="IntroductionEvent.id",
    )

    @property
    def state_enum(self) -> IntroState:
        return IntroState(self.state)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def requesting_organisation_id(self) -> int:
        return self.startup_id if self.requested_by_side == Side.STARTUP else self.counterpart_id

    @property
    def answering_organisation_id(self) -> int:
        return self.counterpart_id if self.requested_by_side == Side.STARTUP else self.startup_id

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    def __repr__(self) -> str:
        return f"<Introduction {self.id} {self.startup_id}->{self.counterpart_id} {self.state}>"


class IntroductionEvent(Base):
    """One transition of an introduction: who moved it, when, from which state to which, and why."""

    __tablename__ = "introduction_events"
    __table_args__ = (
        CheckConstraint(f"from_state IS NULL OR {_in_list('from_state', IntroState)}", name="from_allowed"),
        CheckConstraint(_in_list("to_state", IntroState), name="to_allowed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    introduction: Mapped[Introduction] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Dismissal(Base):
    """'Not interested' (one side about the other) or 'already met' (the pair): never suggest it again."""

    __tablename__ = "dismissals"
    __table_args__ = (
        UniqueConstraint("organisation_id", "other_id", name="uq_dismissals_pair"),
        CheckConstraint(_in_list("kind", DismissalKind), name="kind_allowed"),
        CheckConstraint("organisation_id <> other_id", name="distinct_sides"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    other: Mapped[Organisation] = relationship(foreign_keys=[other_id])

    @property
    def kind_label(self) -> str:
        return DismissalKind(self.kind).label


class OutboxMessage(Base):
    """Every e-mail the app writes. In development it is the only copy (staff read it in the app)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The body with its secret (a set-password or reset link) removed: what everyone but the recipient sees.
    redacted_body: Mapped[str | None] = mapped_column(Text)
    introduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("introductions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DigestEntry(Base):
    """A pair already mentioned in a user's digest, so the next digest only brings new matches."""

    __tablename__ = "digest_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "startup_id", "counterpart_id", name="uq_digest_entries_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
