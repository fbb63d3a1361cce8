"""Meetings after generation: staff move, lock, remove and add them (conflicts explained), publish the
schedule, and both sides record attendance, which opens or advances the introduction.

Mail goes to each member in their own language; calendar files come from `partnering.calendar`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.routing import BuildError

from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import N_
from matchmaker.mail import notifications
from matchmaker.models import (
    Introduction,
    IntroductionEvent,
    IntroState,
    OutboxMessage,
    User,
    utcnow,
)
from matchmaker.models.introductions import OPEN_STATES, Side
from matchmaker.models.partnering import (
    Attendance,
    DayState,
    MeetingStatus,
    Participant,
    PartneringDay,
    PartneringMeeting,
    Presence,
    Role,
)
from matchmaker.partnering import problem as P
from matchmaker.partnering.calendar import CalendarEvent, feed_ics, meeting_ics, meeting_uid
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


def get_meeting(meeting_id: int) -> PartneringMeeting:
    meeting = db.session.get(PartneringMeeting, meeting_id) if 0 < meeting_id < 2**31 else None
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    return meeting


def slot_label(day: PartneringDay, slot_id: int) -> str:
    slot = next((s for s in day.slots if s.id == slot_id), None)
    if slot is None:
        return "?"
    return slot.starts_at.astimezone(SEOUL).strftime("%m-%d %H:%M")


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


# ----------------------------------------------------------------------------------------- agenda


@dataclass
class AgendaItem:
    meeting: PartneringMeeting
    other: Participant
    when: str
    room: str


def agenda(participant: Participant, include_provisional: bool = False) -> list[AgendaItem]:
    statuses = {MeetingStatus.PUBLISHED.value} | (
        {MeetingStatus.PROVISIONAL.value} if include_provisional else set()
    )
    column = (
        PartneringMeeting.visitor_id if participant.role == Role.VISITOR else PartneringMeeting.startup_id
    )
    meetings = db.session.scalars(
        select(PartneringMeeting).where(column == participant.id, PartneringMeeting.status.in_(statuses))
    ).all()
    items = [
        AgendaItem(
            m,
            m.startup if participant.role == Role.VISITOR else m.visitor,
            slot_label(participant.day, m.slot_id),
            m.room.name,
        )
        for m in meetings
    ]
    return sorted(items, key=lambda item: item.meeting.slot.starts_at)


def _link(endpoint: str, fallback: str, **values: Any) -> str:
    try:
        return url_for(endpoint, _external=True, **values)
    except (RuntimeError, BuildError):
        return fallback


def agenda_link(day_id: int) -> str:
    return _link("partnering.agenda", f"/partnering/{day_id}/agenda", day_id=day_id)


def ics_link(meeting_id: int) -> str:
    return _link("partnering.meeting_ics", f"/partnering/meetings/{meeting_id}.ics", meeting_id=meeting_id)


FEED_SALT = "partnering-feed"


def feed_token(participant_id: int) -> str:
    """The key in a personal feed's address (calendar apps cannot sign in)."""
    return str(URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT).dumps(participant_id))


def participant_of_token(token: str) -> Participant | None:
    try:
        participant_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT).loads(token)
    except BadSignature:
        return None
    return db.session.get(Participant, int(participant_id)) if isinstance(participant_id, int) else None


def feed_link(participant_id: int) -> str:
    token = feed_token(participant_id)
    return _link("partnering.feed", f"/partnering/feed/{token}.ics", token=token)


def can_see(user: User, meeting: PartneringMeeting) -> bool:
    if user.is_staff:
        return True
    own = user.organisation_id
    return own in (meeting.visitor.organisation_id, meeting.startup.organisation_id) and meeting.was_published


def _domain() -> str:
    return str(current_app.config.get("SERVER_NAME") or "matchmaker.local").split(":")[0]


def calendar_event(meeting: PartneringMeeting, language: str | None = None) -> CalendarEvent:
    day = meeting.day
    lang = language or "en"
    return CalendarEvent(
        uid=meeting_uid(meeting.id, _domain()),
        sequence=meeting.sequence,
        start=meeting.slot.starts_at,
        end=meeting.slot.ends_at,
        summary=f"{meeting.visitor.organisation.name} × {meeting.startup.organisation.name}",
        location=f"{meeting.room.name} ({day.name(lang)})",
        description=day.name(lang),
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        url=agenda_link(day.id),
    )


def ics_for_meeting(user: User, meeting_id: int) -> bytes:
    meeting = get_meeting(meeting_id)
    if not can_see(user, meeting):
        raise NotFound(_("There is no such meeting."))
    return meeting_ics(calendar_event(meeting, user.language))


def feed_for(participant: Participant, language: str | None = None) -> bytes:
    rows = db.session.scalars(
        select(PartneringMeeting).where(
            (PartneringMeeting.visitor_id == participant.id)
            | (PartneringMeeting.startup_id == participant.id),
            PartneringMeeting.was_published.is_(True),
        )
    ).all()
    return feed_ics([calendar_event(m, language) for m in rows], participant.day.name(language or "en"))


# ----------------------------------------------------------------------------------------- after


def _advance_introduction(meeting: PartneringMeeting, actor: User | None) -> Introduction:
    """A held meeting with a follow-up wanted: the pair's introduction reaches "met"."""
    startup_org, counterpart_org = meeting.startup.organisation_id, meeting.visitor.organisation_id
    note = _("Met at the partnering day %(name)s.", name=meeting.day.name_en)
    now = utcnow()
    introduction = db.session.scalar(
        select(Introduction).where(
            Introduction.startup_id == startup_org,
            Introduction.counterpart_id == counterpart_org,
            Introduction.state.in_([s.value for s in OPEN_STATES]),
        )
    )
    if introduction is None:
        introduction = Introduction(
            startup_id=startup_org,
            counterpart_id=counterpart_org,
            requested_by_id=actor.id if actor else None,
            requested_by_side=Side.COUNTERPART.value,
            state=IntroState.MET.value,
            open_pair=f"{startup_org}:{counterpart_org}",
            message=note,
            approved_at=now,
            accepted_at=now,
            introduced_at=now,
            met_at=now,
        )
        db.session.add(introduction)
        db.session.flush()
        db.session.add(
            IntroductionEvent(
                introduction_id=introduction.id,
                actor_id=actor.id if actor else None,
                from_state=None,
                to_state=IntroState.MET.value,
                note=note,
            )
        )
    elif introduction.state != IntroState.MET:
        source = introduction.state
        introduction.state, introduction.state_changed_at = IntroState.MET.value, now
        for milestone in ("approved_at", "accepted_at", "introduced_at", "met_at"):
            if getattr(introduction, milestone) is None:
                setattr(introduction, milestone, now)
        db.session.add(
            IntroductionEvent(
                introduction_id=introduction.id,
                actor_id=actor.id if actor else None,
                from_state=source,
                to_state=IntroState.MET.value,
                note=note,
            )
        )
    meeting.introduction_id = introduction.id
    return introduction


def record_attendance(
    actor: User, meeting_id: int, presence: str, follow_up: bool, participant_id: int | None = None
) -> PartneringMeeting:
    """One side says whether the meeting was held and whether it wants a follow-up."""
    meeting = get_meeting(meeting_id)
    if presence not in {p.value for p in Presence}:
        raise ValidationError({"presence": _("Say whether the meeting was held or nobody came.")})
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ConflictError(_("Only a published meeting can be marked."))
    sides = {
        meeting.visitor.organisation_id: meeting.visitor,
        meeting.startup.organisation_id: meeting.startup,
    }
    if participant_id is not None and actor.is_staff:
        side = next((p for p in sides.values() if p.id == participant_id), None)
    else:
        side = sides.get(actor.organisation_id) if actor.organisation_id else None
    if side is None:
        raise PermissionDenied(_("Only the two sides of a meeting can mark it."))
    row = db.session.get(Attendance, (meeting.id, side.id))
    if row is None:
        row = Attendance(meeting_id=meeting.id, participant_id=side.id, presence=presence)
        db.session.add(row)
    row.presence, row.follow_up, row.recorded_by_id, row.recorded_at = presence, follow_up, actor.id, utcnow()
    db.session.flush()
    db.session.refresh(meeting)
    held = [a for a in meeting.attendance if a.presence == Presence.HELD]
    if (
        held
        and any(a.follow_up for a in held)
        and not any(a.presence == Presence.NO_SHOW for a in meeting.attendance)
    ):
        _advance_introduction(meeting, actor)
    _audit(actor, "partnering.attendance", meeting.id, side=side.id, presence=presence, follow_up=follow_up)
    db.session.commit()
    return meeting


# ----------------------------------------------------------------------------------------- report


def report(day: PartneringDay) -> dict[str, Any]:
    """Meetings booked against held, no-shows and follow-ups; per slot for the chart."""
    live = [m for m in day.meetings if m.status != MeetingStatus.CANCELLED]
    held = no_show = follow_ups = 0
    per_slot: Counter[str] = Counter()
    held_per_slot: Counter[str] = Counter()
    for m in live:
        label = slot_label(day, m.slot_id)
        per_slot[label] += 1
        presences = {a.presence for a in m.attendance}
        if Presence.NO_SHOW in presences:
            no_show += 1
        elif Presence.HELD in presences:
            held += 1
            held_per_slot[label] += 1
        follow_ups += any(a.follow_up for a in m.attendance)
    labels = sorted(per_slot)
    return {
        "booked": len(live),
        "held": held,
        "no_show": no_show,
        "unmarked": len(live) - held - no_show,
        "follow_ups": follow_ups,
        "cancelled": sum(1 for m in day.meetings if m.status == MeetingStatus.CANCELLED),
        "labels": labels,
        "booked_per_slot": [per_slot[x] for x in labels],
        "held_per_slot": [held_per_slot[x] for x in labels],
    }


def export_rows(day: PartneringDay) -> list[list[Any]]:
    """The schedule as rows for CSV/XLSX: a header, then one row per live meeting in time order."""
    header = ["slot", "room", "building", "visitor", "startup", "interpreter", "status", "locked"]
    rows: list[list[Any]] = [header]
    live = sorted(
        (m for m in day.meetings if m.status != MeetingStatus.CANCELLED),
        key=lambda m: (m.slot.starts_at, m.room.name),
    )
    for m in live:
        rows.append(
            [
                slot_label(day, m.slot_id),
                m.room.name,
                m.room.building,
                m.visitor.organisation.name,
                m.startup.organisation.name,
                m.interpreter or "",
                m.status,
                "yes" if m.locked else "",
            ]
        )
    return rows


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
