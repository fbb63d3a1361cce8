"""What a participant reads of a partnering day: a meeting by id, slot labels in Seoul time, the personal
agenda, the links mail points to (agenda, calendar file, signed personal feed) and the calendar files
themselves (built by `partnering.calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.routing import BuildError

from matchmaker.errors import NotFound
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.partnering import MeetingStatus, Participant, PartneringDay, PartneringMeeting, Role
from matchmaker.partnering.calendar import CalendarEvent, feed_ics, meeting_ics, meeting_uid
from matchmaker.partnering.grid import SEOUL


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
