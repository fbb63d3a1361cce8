"""After the meetings: both sides record attendance (a held meeting with a follow-up wanted moves the
pair's introduction to "met"), and staff get the day's report and its rows for CSV/XLSX.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.errors import ConflictError, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.models import Introduction, IntroductionEvent, IntroState, User, utcnow
from matchmaker.models.introductions import OPEN_STATES, Side
from matchmaker.models.partnering import Attendance, MeetingStatus, PartneringDay, PartneringMeeting, Presence
from matchmaker.partnering.agendas import get_meeting, slot_label
from matchmaker.partnering.days import _audit
from matchmaker.partnering.grid import SEOUL
from matchmaker.partnering.labels import BUILDINGS, STATES

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
        source = None
    elif introduction.state != IntroState.MET:
        source = introduction.state
        introduction.state, introduction.state_changed_at = IntroState.MET.value, now
        for milestone in ("approved_at", "accepted_at", "introduced_at", "met_at"):
            if getattr(introduction, milestone) is None:
                setattr(introduction, milestone, now)
    else:
        meeting.introduction_id = introduction.id
        return introduction
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


def export_table(day: PartneringDay) -> tuple[list[str], list[list[Any]]]:
    """The schedule for CSV/XLSX in the reader's language: headers, then one row per live meeting in
    time order, its start as a Seoul time (a time cell in XLSX), statuses and buildings as words."""
    headers = [
        _("Time"),
        _("Room"),
        _("Building"),
        _("Visitor"),
        _("Startup"),
        _("Interpreter"),
        _("Status"),
        _("Locked"),
    ]
    live = sorted(
        (m for m in day.meetings if m.status != MeetingStatus.CANCELLED),
        key=lambda m: (m.slot.starts_at, m.room.name),
    )
    rows = [
        [
            m.slot.starts_at.astimezone(SEOUL).replace(tzinfo=None),
            m.room.name,
            str(BUILDINGS.get(m.room.building, m.room.building)),
            m.visitor.organisation.name,
            m.startup.organisation.name,
            m.interpreter or "",
            str(STATES.get(m.status, m.status)),
            _("Yes") if m.locked else "",
        ]
        for m in live
    ]
    return headers, rows
