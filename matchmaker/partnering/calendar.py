"""Calendar files for partnering meetings (the `icalendar` package): one per meeting, and a feed.

Pure code: plain data in, bytes out. What keeps calendars from duplicating a moved meeting:
- the UID is the meeting's own and never changes (`meeting_uid`), whatever moves;
- SEQUENCE rises with every change the attendees should see (the service counts it);
- a cancellation is METHOD:CANCEL with the same UID and a higher SEQUENCE, STATUS:CANCELLED;
- times are Asia/Seoul wall-clock times with the VTIMEZONE included, so every client agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

SEOUL = ZoneInfo("Asia/Seoul")
PRODUCT_ID = "-//Gwangju AI Complex//matchmaker partnering//EN"


def meeting_uid(meeting_id: int, domain: str) -> str:
    """The meeting's calendar identity for its whole life: moves and cancellations keep it."""
    return f"partnering-meeting-{meeting_id}@{domain}"


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as a calendar sees it. `start` and `end` are aware datetimes (any zone)."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False
    url: str | None = None
    organiser: str | None = None  # an e-mail address
    attendees: tuple[str, ...] = ()  # e-mail addresses
    stamp: datetime | None = None  # DTSTAMP; now when None


def _event(event: CalendarEvent) -> icalendar.Event:
    if event.start.tzinfo is None or event.end.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", max(0, event.sequence))
    vevent.add("dtstamp", (event.stamp or datetime.now(UTC)).astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(SEOUL))
    vevent.add("dtend", event.end.astimezone(SEOUL))
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organiser:
        vevent.add("organizer", f"mailto:{event.organiser}")
    for attendee in event.attendees:
        vevent.add("attendee", f"mailto:{attendee}")
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return vevent


def _calendar(method: str, events: Sequence[CalendarEvent], name: str | None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Seoul")
    for event in events:
        calendar.add_component(_event(event))
    calendar.add_missing_timezones()
    if not calendar.timezones:  # an empty feed still names its zone
        calendar.add_component(icalendar.Timezone.from_tzid("Asia/Seoul"))
    result: bytes = calendar.to_ical()
    return result


def meeting_ics(event: CalendarEvent) -> bytes:
    """The invitation for one meeting: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled."""
    return _calendar("CANCEL" if event.cancelled else "REQUEST", [event], None)


def feed_ics(events: Sequence[CalendarEvent], name: str) -> bytes:
    """A person's calendar feed: every meeting of theirs, cancelled ones marked STATUS:CANCELLED."""
    return _calendar("PUBLISH", list(events), name)
