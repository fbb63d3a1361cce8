"""Meetings after generation: staff move, lock, remove and add them (conflicts explained), review,
publish and close the schedule, and the reminders go out before each meeting.

Mail goes to each member in their own language; what participants read (agendas, calendar files, links)
is in `partnering.agendas`, and attendance and the report in `partnering.attendance`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.errors import ConflictError, ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import N_
from matchmaker.mail import notifications
from matchmaker.models import (
    OutboxMessage,
    User,
    utcnow,
)
from matchmaker.models.partnering import (
    DayState,
    MeetingStatus,
    PartneringDay,
    PartneringMeeting,
    Role,
)
from matchmaker.partnering import problem as P
from matchmaker.partnering.agendas import agenda, agenda_link, feed_link, get_meeting, ics_link, slot_label
from matchmaker.partnering.check import Violation, check_schedule
from matchmaker.partnering.days import _audit, build_problem, get_day, require_staff
from matchmaker.partnering.grid import SEOUL

EXPLAIN = {
    "person-double-booked": N_("%(who)s already has a meeting at %(when)s."),
    "room-over-capacity": N_("%(room)s has no free table at %(when)s."),
    "room-closed": N_("%(room)s is closed at %(when)s."),
    "video-room-needed": N_("Someone joins by video: choose a room with video."),
    "interpreter-double-booked": N_("No interpreter is free at %(when)s."),
    "interpreter-missing": N_("The two sides share no language and no interpreter is free at %(when)s."),
    "interpreter-unavailable": N_("No interpreter is free at %(when)s."),
    "unavailable": N_("%(who)s is not available at %(when)s."),
    "vetoed": N_("One side said no to this meeting."),
    "pair-repeated": N_("These two already have a meeting."),
    "over-max": N_("%(who)s would have more meetings than their maximum."),
    "lock-moved": N_("A locked meeting would move."),
    "fairness": N_("A startup with mutual interest has no meeting yet, so nobody gets a third one."),
    "unknown": N_("That slot or room is not part of this day."),
}


def _explain(day: PartneringDay, violations: list[Violation], positions: dict[int, int]) -> list[str]:
    names = {p.id: p.organisation.name for p in day.participants}
    rooms = {r.id: r.name for r in day.rooms}
    slot_ids = {position: slot_id for slot_id, position in positions.items()}
    out = []
    for v in violations:
        meeting = v.meetings[0] if v.meetings else None
        when = slot_label(day, slot_ids.get(v.slot if v.slot is not None else -1, -1))
        who = names.get(v.person, "") if v.person is not None else ""
        room = rooms.get(meeting.room, "") if meeting is not None else ""
        template = EXPLAIN.get(v.kind)
        out.append(_(template, who=who, when=when, room=room) if template else v.detail)
    return out


def _schedule(
    day: PartneringDay,
    positions: dict[int, int],
    replace: PartneringMeeting | None = None,
    proposed: P.Meeting | None = None,
) -> list[P.Meeting]:
    meetings = []
    for m in day.meetings:
        if m.status == MeetingStatus.CANCELLED or m is replace:
            continue
        meetings.append(
            P.Meeting(m.visitor_id, m.startup_id, positions[m.slot_id], m.room_id, False, m.interpreter)
        )
    if proposed is not None:
        meetings.append(proposed)
    return meetings


def _free_interpreter(day: PartneringDay, slot_id: int, ignore: PartneringMeeting | None) -> int | None:
    taken = {
        m.interpreter
        for m in day.meetings
        if m.slot_id == slot_id and m.status != MeetingStatus.CANCELLED and m is not ignore
    }
    return next((k for k in range(1, day.interpreters + 1) if k not in taken), None)


def conflicts_of(
    day: PartneringDay,
    visitor_id: int,
    startup_id: int,
    slot_id: int,
    room_id: int,
    replace: PartneringMeeting | None = None,
) -> list[str]:
    """Why a meeting of these two at that slot and room would break a rule (empty: it would not)."""
    built = build_problem(day)
    positions = built.position_by_slot
    if slot_id not in positions or room_id not in {r.id for r in day.rooms}:
        message = EXPLAIN["unknown"]
        return [_(message)]
    interpreted = built.problem.needs_interpreter(visitor_id, startup_id)
    interpreter = _free_interpreter(day, slot_id, replace) if interpreted else None
    proposed = P.Meeting(visitor_id, startup_id, positions[slot_id], room_id, interpreted, interpreter)
    # Check against a problem without locks: staff may move a locked meeting on purpose.
    free = P.Problem(
        built.problem.slots,
        built.problem.rooms,
        built.problem.visitors,
        built.problem.startups,
        built.problem.pairs,
        built.problem.interpreters,
    )
    before = {(v.kind, v.detail) for v in check_schedule(free, _schedule(day, positions, replace))}
    after = check_schedule(free, _schedule(day, positions, replace, proposed))
    new = [
        v
        for v in after
        if (v.kind, v.detail) not in before
        and (not v.meetings or proposed in v.meetings or v.kind in {"over-max", "fairness"})
    ]
    return _explain(day, new, positions)


def _touch(meeting: PartneringMeeting) -> None:
    if meeting.was_published:
        meeting.sequence += 1


def _messages_for_change(meeting: PartneringMeeting, template: str) -> list[OutboxMessage]:
    if not meeting.was_published:
        return []
    messages = []
    for side in (meeting.visitor, meeting.startup):
        other = meeting.startup if side is meeting.visitor else meeting.visitor
        for recipient in notifications.member_recipients(side.organisation):
            messages.append(
                notifications.queue_mail(
                    recipient,
                    template,
                    day=meeting.day,
                    meeting=meeting,
                    other=other.organisation,
                    when=slot_label(meeting.day, meeting.slot_id),
                    room=meeting.room.name,
                    agenda_link=agenda_link(meeting.day.id),
                    ics_link=ics_link(meeting.id),
                    lang=recipient.language,
                )
            )
    return messages


def _commit(messages: list[OutboxMessage]) -> None:
    db.session.commit()
    notifications.dispatch(messages)


def move_meeting(actor: User, meeting_id: int, slot_id: int, room_id: int) -> PartneringMeeting:
    """Move a meeting (it is locked there, so generating again keeps it); refuses with the reasons."""
    require_staff(actor)
    meeting = get_meeting(meeting_id)
    day = meeting.day
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConflictError(_("This meeting is cancelled."))
    problems = conflicts_of(day, meeting.visitor_id, meeting.startup_id, slot_id, room_id, replace=meeting)
    if problems:
        raise ConflictError(" ".join(problems))
    before = (meeting.slot_id, meeting.room_id)
    meeting.slot_id, meeting.room_id, meeting.locked = slot_id, room_id, True
    _changed(day)
    if build_problem(day).problem.needs_interpreter(meeting.visitor_id, meeting.startup_id):
        meeting.interpreter = _free_interpreter(day, slot_id, meeting)
    _touch(meeting)
    db.session.flush()
    db.session.refresh(meeting)
    messages = _messages_for_change(meeting, "partnering_changed")
    _audit(actor, "partnering.meeting_moved", meeting.id, before=list(before), after=[slot_id, room_id])
    _commit(messages)
    return meeting


def set_locked(actor: User, meeting_id: int, locked: bool) -> PartneringMeeting:
    require_staff(actor)
    meeting = get_meeting(meeting_id)
    meeting.locked = locked
    _audit(actor, "partnering.meeting_locked" if locked else "partnering.meeting_unlocked", meeting.id)
    db.session.commit()
    return meeting


def remove_meeting(actor: User, meeting_id: int) -> None:
    """A provisional meeting is deleted; a published one is cancelled (its calendar entry too)."""
    require_staff(actor)
    meeting = get_meeting(meeting_id)
    messages: list[OutboxMessage] = []
    if meeting.was_published:
        meeting.status = MeetingStatus.CANCELLED.value
        meeting.sequence += 1
        messages = _messages_for_change(meeting, "partnering_cancelled")
    else:
        db.session.delete(meeting)
    _changed(meeting.day)
    _audit(actor, "partnering.meeting_removed", meeting_id)
    _commit(messages)


def add_meeting(
    actor: User, day_id: int, visitor_id: int, startup_id: int, slot_id: int, room_id: int
) -> PartneringMeeting:
    require_staff(actor)
    day = get_day(day_id)
    roles = {p.id: p.role for p in day.participants}
    if roles.get(visitor_id) != Role.VISITOR or roles.get(startup_id) != Role.STARTUP:
        raise ValidationError({"pair": _("Choose a visitor and a startup of this day.")})
    problems = conflicts_of(day, visitor_id, startup_id, slot_id, room_id)
    if problems:
        raise ConflictError(" ".join(problems))
    interpreted = build_problem(day).problem.needs_interpreter(visitor_id, startup_id)
    meeting = PartneringMeeting(
        day_id=day.id,
        visitor_id=visitor_id,
        startup_id=startup_id,
        slot_id=slot_id,
        room_id=room_id,
        interpreter=_free_interpreter(day, slot_id, None) if interpreted else None,
        locked=True,
        status=(
            MeetingStatus.PUBLISHED if day.state == DayState.PUBLISHED else MeetingStatus.PROVISIONAL
        ).value,
        was_published=day.state == DayState.PUBLISHED,
    )
    db.session.add(meeting)
    _changed(day)
    db.session.flush()
    db.session.refresh(meeting)
    messages = _messages_for_change(meeting, "partnering_changed")
    _audit(actor, "partnering.meeting_added", meeting.id, day=day.id)
    _commit(messages)
    return meeting


def _changed(day: PartneringDay) -> None:
    """A reviewed schedule that staff change goes back to provisional: it is reviewed again."""
    if day.state == DayState.REVIEWED:
        day.state = DayState.PROVISIONAL.value


def mark_reviewed(actor: User, day_id: int) -> PartneringDay:
    """Provisional → reviewed: staff checked the generated schedule."""
    require_staff(actor)
    day = get_day(day_id)
    if day.state != DayState.PROVISIONAL:
        raise ConflictError(_("Only a provisional schedule can be marked reviewed."))
    day.state = DayState.REVIEWED.value
    _audit(actor, "partnering.reviewed", day.id)
    db.session.commit()
    return day


def close_day(actor: User, day_id: int) -> PartneringDay:
    """Published → closed: the day is over; only attendance can still be marked."""
    require_staff(actor)
    day = get_day(day_id)
    if day.state != DayState.PUBLISHED:
        raise ConflictError(_("Only a published day can be closed."))
    day.state = DayState.CLOSED.value
    _audit(actor, "partnering.closed", day.id)
    db.session.commit()
    return day


def publish(actor: User, day_id: int) -> int:
    """Provisional → published; every participant with a meeting gets their agenda by mail."""

    require_staff(actor)
    day = get_day(day_id)
    if day.state == DayState.PROVISIONAL:
        raise ConflictError(_("Review the schedule and mark it reviewed before publishing it."))
    if day.state not in (DayState.REVIEWED, DayState.PUBLISHED):
        raise ConflictError(_("Generate a schedule before publishing it."))
    newly = [m for m in day.meetings if m.status == MeetingStatus.PROVISIONAL]
    for m in newly:
        m.status, m.was_published = MeetingStatus.PUBLISHED.value, True
    day.state, day.published_at = DayState.PUBLISHED.value, day.published_at or utcnow()
    touched = {m.visitor_id for m in newly} | {m.startup_id for m in newly}
    messages = []
    for participant in day.participants:
        if participant.id not in touched:
            continue
        for recipient in notifications.member_recipients(participant.organisation):
            messages.append(
                notifications.queue_mail(
                    recipient,
                    "partnering_published",
                    day=day,
                    agenda=agenda(participant),
                    agenda_link=agenda_link(day.id),
                    feed_link=feed_link(participant.id),
                    lang=recipient.language,
                )
            )
    _audit(actor, "partnering.published", day.id, meetings=len(newly))
    _commit(messages)
    return len(newly)


def reminders_due(now: Any = None, window: timedelta = timedelta(minutes=15)) -> int:
    """Queue the evening-before and 15-minutes-before reminders that are due; returns how many."""

    now = now or utcnow()
    sent = 0
    messages = []
    meetings = db.session.scalars(
        select(PartneringMeeting).where(PartneringMeeting.status == MeetingStatus.PUBLISHED.value)
    ).all()
    for m in meetings:
        start = m.slot.starts_at
        local_start = start.astimezone(SEOUL)
        evening = (local_start - timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
        due = []
        if "evening" not in m.reminded and evening <= now.astimezone(SEOUL) < local_start - timedelta(
            hours=2
        ):
            due.append("evening")
        if "soon" not in m.reminded and start - window <= now < start:
            due.append("soon")
        for kind in due:
            for side in (m.visitor, m.startup):
                other = m.startup if side is m.visitor else m.visitor
                for recipient in notifications.member_recipients(side.organisation):
                    messages.append(
                        notifications.queue_mail(
                            recipient,
                            "partnering_reminder",
                            day=m.day,
                            meeting=m,
                            other=other.organisation,
                            when=slot_label(m.day, m.slot_id),
                            room=m.room.name,
                            soon=kind == "soon",
                            lang=recipient.language,
                        )
                    )
            m.reminded = [*m.reminded, kind]
            sent += 1
    _commit(messages)
    return sent
