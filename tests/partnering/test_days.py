"""A partnering day end to end through the services and pages: set up, invite, answers, generate,
move, publish, calendar files, attendance and the introduction it advances."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from matchmaker.errors import ConflictError, ValidationError
from matchmaker.extensions import db
from matchmaker.models import Introduction, IntroState, Match, Organisation, OutboxMessage, User
from matchmaker.models.partnering import MeetingStatus, PartneringMeeting, Preference, Role
from matchmaker.partnering import agendas, days, meetings, outcomes
from matchmaker.partnering.calendar import meeting_ics
from matchmaker.partnering.check import check_schedule
from tests.conftest import TEST_PASSWORD

KOREAN = "배터리 관리 시스템과 전기차 충전 인프라를 만드는 광주의 스타트업입니다."


def _match(startup: Organisation, counterpart: Organisation, score: float) -> None:
    db.session.add(
        Match(
            startup_id=startup.id,
            counterpart_id=counterpart.id,
            score=score,
            explanation={},
            model_version="test",
        )
    )
    db.session.commit()


@pytest.fixture
def world(app: Flask, make_organisation: Callable[..., Organisation], make_user: Callable[..., User]) -> Any:
    fund = make_organisation("investor", name="Rising Tide Fund", description="We invest in EV and energy.")
    startups = [
        make_organisation("startup", name="Voltline", description=KOREAN),
        make_organisation("startup", name="Gridwise", description="Grid software for virtual power plants."),
        make_organisation("startup", name="Medilens", description="Radiology AI for hospitals."),
        make_organisation("startup", name="Lowmatch", description="A bakery."),
    ]
    for startup, score in zip(startups, (0.9, 0.7, 0.5, 0.1), strict=True):
        _match(startup, fund, score)
    staff = make_user("staff", language="en")
    founder = make_user("founder", organisation=startups[0], language="ko")
    partner = make_user("investor", organisation=fund, language="en")
    day = days.create_day(
        staff,
        "Rising Tide Fund in Gwangju",
        "라이징 타이드 펀드 광주 방문",
        [days.DateInput("2027-05-13", "09:00", "10:40", [("10:00", "10:20")])],
        [days.RoomInput("Room 301", 2), days.RoomInput("Video room", 1, "online", True)],
        slot_minutes=20,
        interpreters=1,
        invite_top_n=3,
        invite_min_score=0.3,
    )
    days.add_participant(staff, day, fund.id)
    return {
        "fund": fund,
        "startups": startups,
        "staff": staff,
        "founder": founder,
        "partner": partner,
        "day": day,
    }


def _participant(day: Any, organisation: Organisation) -> Any:
    return next(p for p in day.participants if p.organisation_id == organisation.id)


def test_a_day_is_set_up_with_its_grid_and_invites_the_top_matches(world: Any) -> None:
    day = world["day"]
    # 09:00-10:40 in 20-minute slots with a break at 10:00-10:20: positions 0, 1, 2, (3 is the break), 4
    assert [s.position for s in day.slots] == [0, 1, 2, 4]
    assert days.invite_from_matches(world["staff"], day) == 3  # the bakery is below the score
    invited = {p.organisation.name for p in day.participants if p.role == Role.STARTUP}
    assert invited == {"Voltline", "Gridwise", "Medilens"}
    voltline = _participant(day, world["startups"][0])
    assert voltline.languages == ["ko"]
    fund = _participant(day, world["fund"])
    choices = {
        _participant(day, s).organisation.name: p.choice
        for s in world["startups"][:3]
        for p in db.session.query(Preference).filter_by(from_id=fund.id, to_id=_participant(day, s).id)
    }
    assert choices == {"Voltline": "meet", "Gridwise": "meet", "Medilens": "meet"}
    with pytest.raises(ValidationError):
        days.create_day(world["staff"], "", "", [], [])


@pytest.mark.both_databases
def test_generate_move_publish_calendar_and_attendance(world: Any, client: FlaskClient) -> None:
    day, staff = world["day"], world["staff"]
    days.invite_from_matches(staff, day)
    fund = _participant(day, world["fund"])
    voltline, gridwise, medilens = (_participant(day, s) for s in world["startups"][:3])
    # Medilens says no: final. Voltline writes Korean only: its meeting needs the interpreter.
    days.set_preferences(world["staff"], medilens, {fund.id: "no"})
    days.set_availability(world["staff"], gridwise, [day.slots[0].id])
    summary = days.generate(day.id, staff.id, time_limit=5)
    assert summary["violations"] == []
    live = [m for m in day.meetings if m.status == MeetingStatus.PROVISIONAL]
    pairs = {m.startup_id for m in live}
    assert pairs == {voltline.id, gridwise.id}
    assert next(m for m in live if m.startup_id == voltline.id).interpreter == 1
    assert next(m for m in live if m.startup_id == gridwise.id).slot_id != day.slots[0].id
    built = days.build_problem(day)
    assert check_schedule(built.problem, built.problem.existing) == []

    # Moving onto the fund's other meeting is refused with the reason.
    first, second = sorted(live, key=lambda m: m.slot.starts_at)
    with pytest.raises(ConflictError, match="Rising Tide Fund"):
        meetings.move_meeting(staff, second.id, first.slot_id, first.room_id)
    free_slot = next(
        s for s in day.slots if s.id not in {first.slot_id, second.slot_id} and s.id != day.slots[0].id
    )
    meetings.move_meeting(staff, second.id, free_slot.id, second.room_id)
    assert second.locked and second.sequence == 0  # nobody was told of it yet

    with pytest.raises(ConflictError):
        meetings.publish(staff, day.id)  # not reviewed yet
    meetings.mark_reviewed(staff, day.id)
    assert meetings.publish(staff, day.id) == 2
    mail = db.session.query(OutboxMessage).filter_by(recipient=world["founder"].email).all()
    assert mail and "라이징 타이드 펀드" in mail[-1].subject  # the founder reads Korean
    partner_mail = db.session.query(OutboxMessage).filter_by(recipient=world["partner"].email).all()
    assert partner_mail and "Rising Tide Fund in Gwangju" in partner_mail[-1].subject

    # The founder downloads the ICS; a move after publishing keeps the UID and raises SEQUENCE.
    client.post("/login", data={"email": world["founder"].email, "password": TEST_PASSWORD})
    theirs = next(m for m in day.meetings if m.startup_id == voltline.id)
    before = icalendar.Calendar.from_ical(client.get(f"/partnering/meetings/{theirs.id}.ics").data)
    event = before.walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 0 and before.walk("VTIMEZONE")[0]["TZID"] == "Asia/Seoul"
    target = next(s for s in day.slots if s.id not in {m.slot_id for m in day.meetings})
    meetings.move_meeting(staff, theirs.id, target.id, theirs.room_id)
    after = icalendar.Calendar.from_ical(client.get(f"/partnering/meetings/{theirs.id}.ics").data)
    moved = after.walk("VEVENT")[0]
    assert str(moved["UID"]) == str(event["UID"]) and int(moved["SEQUENCE"]) == 1
    changed = db.session.query(OutboxMessage).filter_by(recipient=world["founder"].email).all()[-1]
    assert "변경" in changed.subject or "바뀌" in changed.subject or theirs.room.name in changed.body

    # Both sides mark it held with a follow-up: the introduction reaches "met".
    outcomes.record_attendance(world["founder"], theirs.id, "held", True)
    outcomes.record_attendance(world["partner"], theirs.id, "held", False)
    introduction = db.session.get(Introduction, theirs.introduction_id)
    assert introduction is not None and introduction.state == IntroState.MET
    report = outcomes.report(day)
    assert report["booked"] == 2 and report["held"] == 1 and report["follow_ups"] == 1

    # Cancelling a published meeting cancels the same UID.
    other = next(m for m in day.meetings if m.id != theirs.id)
    meetings.remove_meeting(staff, other.id)
    cancelled = db.session.get(PartneringMeeting, other.id)
    assert cancelled is not None and cancelled.status == MeetingStatus.CANCELLED
    ics = icalendar.Calendar.from_ical(meeting_ics(agendas.calendar_event(cancelled)))
    assert str(ics["METHOD"]) == "CANCEL"
    assert str(ics.walk("VEVENT")[0]["UID"]).startswith(f"partnering-meeting-{other.id}@")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_page_answers_in_both_languages(world: Any, app: Flask, language: str) -> None:
    day, staff = world["day"], world["staff"]
    days.invite_from_matches(staff, day)
    days.generate(day.id, staff.id, time_limit=2)
    meetings.mark_reviewed(staff, day.id)
    meetings.publish(staff, day.id)
    client = app.test_client()
    client.post("/language", data={"language": language, "next": "/"})
    client.post("/login", data={"email": staff.email, "password": TEST_PASSWORD})
    fund = _participant(day, world["fund"])
    for url in (
        "/partnering/",
        f"/partnering/{day.id}",
        f"/partnering/{day.id}/me?participant={fund.id}",
        f"/partnering/{day.id}/agenda?participant={fund.id}",
        f"/partnering/{day.id}/print",
        f"/partnering/{day.id}/report",
        f"/partnering/{day.id}/export.csv",
        f"/partnering/{day.id}/export.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/partnering/{day.id}").get_data(as_text=True)
    title = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert title == ("라이징 타이드 펀드 광주 방문" if language == "ko" else "Rising Tide Fund in Gwangju")
    assert ("Generate the schedule" in page or "Fill unbooked slots" in page) == (language == "en")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_schedule_export_reads_in_the_readers_language_and_runs_no_formula(
    world: Any, app: Flask, language: str
) -> None:
    """Staff read the schedule in their language, at Seoul times; a member's name that looks like a
    formula stays text (CSV guard apostrophe, XLSX string cell)."""
    import csv
    import io

    from openpyxl import load_workbook

    day, staff = world["day"], world["staff"]
    world["startups"][0].name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    days.invite_from_matches(staff, day)
    days.generate(day.id, staff.id, time_limit=2)
    client = app.test_client()
    client.post("/language", data={"language": language, "next": "/"})
    client.post("/login", data={"email": staff.email, "password": TEST_PASSWORD})
    expected = (
        ["시간", "회의실", "건물", "방문자", "스타트업", "통역사", "상태", "고정"]
        if language == "ko"
        else ["Time", "Room", "Building", "Visitor", "Startup", "Interpreter", "Status", "Locked"]
    )
    response = client.get(f"/partnering/{day.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == expected
    assert len(rows) > 1
    assert all(row[1] in {"Room 301", "Video room"} for row in rows[1:])
    assert {row[6] for row in rows[1:]} == {"임시" if language == "ko" else "Provisional"}
    assert rows[1][0].startswith("2027-05-13 09:")  # 09:00 in Seoul, not 00:00 UTC
    names = [cell for row in rows[1:] for cell in row[3:5]]
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    book = load_workbook(io.BytesIO(client.get(f"/partnering/{day.id}/export.xlsx").data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == expected
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row[3:5]]
    evil = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert evil and all(c.data_type == "s" for c in evil)
    assert client.get(f"/partnering/{day.id}/export.pdf").status_code == 404


@pytest.mark.both_databases
def test_after_publishing_only_unbooked_slots_are_filled_and_reminders_go_once(world: Any) -> None:
    from datetime import datetime, timedelta

    day, staff = world["day"], world["staff"]
    days.invite_from_matches(staff, day)
    fund = _participant(day, world["fund"])
    gridwise = _participant(day, world["startups"][1])
    days.set_preferences(staff, fund, {gridwise.id: "no"})
    days.generate(day.id, staff.id, time_limit=2)
    meetings.mark_reviewed(staff, day.id)
    meetings.publish(staff, day.id)
    before = {(m.id, m.slot_id, m.room_id) for m in day.meetings}
    with pytest.raises(ConflictError):
        days.start_generation(staff, day, fill_unbooked_only=False)
    days.set_preferences(staff, fund, {gridwise.id: "must"})
    days.generate(day.id, staff.id, fill_unbooked_only=True, time_limit=2)
    after = {(m.id, m.slot_id, m.room_id) for m in day.meetings}
    assert before < after  # every booked meeting stays where it was; Gridwise is added
    assert any(m.startup_id == gridwise.id and m.status == MeetingStatus.PROVISIONAL for m in day.meetings)

    first = min(
        (m for m in day.meetings if m.status == MeetingStatus.PUBLISHED), key=lambda m: m.slot.starts_at
    )
    start = first.slot.starts_at
    sent_before = db.session.query(OutboxMessage).count()
    assert meetings.reminders_due(start - timedelta(hours=13)) >= 1  # the evening before (Seoul 18:00 on)
    assert meetings.reminders_due(start - timedelta(hours=12)) == 0  # once only
    assert meetings.reminders_due(start - timedelta(minutes=10)) >= 1  # fifteen minutes before
    assert db.session.query(OutboxMessage).count() > sent_before
    assert isinstance(start, datetime)
