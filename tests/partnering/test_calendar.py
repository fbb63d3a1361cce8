"""Meeting calendar files, parsed back with `icalendar`: UID, SEQUENCE, time zone and cancellation."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from matchmaker.partnering.calendar import SEOUL, CalendarEvent, feed_ics, meeting_ics, meeting_uid


def event(**changes: object) -> CalendarEvent:
    base = CalendarEvent(
        uid=meeting_uid(42, "matchmaker.example"),
        sequence=0,
        start=datetime(2027, 5, 13, 10, 0, tzinfo=SEOUL),
        end=datetime(2027, 5, 13, 10, 20, tzinfo=SEOUL),
        summary="Rising Tide Fund × Voltline",
        location="Startup building, room 301, table 2",
        attendees=("partner@risingtide.example", "founder@voltline.example"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def only_event(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    return calendar, events[0]


def test_an_invitation_carries_a_stable_uid_sequence_and_seoul_time() -> None:
    calendar, vevent = only_event(meeting_ics(event()))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == "partnering-meeting-42@matchmaker.example"
    assert int(vevent["SEQUENCE"]) == 0
    start = vevent.decoded("DTSTART")
    assert start == datetime(2027, 5, 13, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
    assert vevent["DTSTART"].params["TZID"] == "Asia/Seoul"
    timezones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert timezones == ["Asia/Seoul"]
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert [str(a) for a in vevent.get("ATTENDEE")] == [
        "mailto:partner@risingtide.example",
        "mailto:founder@voltline.example",
    ]


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence() -> None:
    moved = event(sequence=1, start=event().start + timedelta(hours=2), end=event().end + timedelta(hours=2))
    _, before = only_event(meeting_ics(event()))
    _, after = only_event(meeting_ics(moved))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=2)


def test_a_cancelled_meeting_cancels_the_same_uid() -> None:
    calendar, vevent = only_event(meeting_ics(event(sequence=2, cancelled=True)))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["UID"]) == meeting_uid(42, "matchmaker.example")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 2


def test_a_feed_lists_every_meeting_with_one_time_zone() -> None:
    second = event(uid=meeting_uid(43, "matchmaker.example"), cancelled=True, sequence=1)
    calendar = icalendar.Calendar.from_ical(feed_ics([event(), second], "Partnering day"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Partnering day"
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert statuses == {
        meeting_uid(42, "matchmaker.example"): "CONFIRMED",
        meeting_uid(43, "matchmaker.example"): "CANCELLED",
    }
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    empty = icalendar.Calendar.from_ical(feed_ics([], "Nothing yet"))
    assert [str(tz["TZID"]) for tz in empty.walk("VTIMEZONE")] == ["Asia/Seoul"]


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        meeting_ics(event(start=datetime(2027, 5, 13, 10, 0)))
