"""The agenda and a meeting's ICS on the JSON API, for the meeting's sides and staff only."""

from __future__ import annotations

from typing import Any

import icalendar
from flask import Flask

from matchmaker.accounts import tokens as api_tokens
from matchmaker.partnering import days, meetings
from tests.partnering.test_days import world  # noqa: F401  (the fixture)


def _get(app: Flask, user: Any, url: str) -> Any:
    secret = api_tokens.create_token(user, "partnering test")[1]
    return app.test_client().get(url, headers={"Authorization": f"Bearer {secret}"})


def test_the_agenda_and_its_ics_on_the_api(world: Any, app: Flask, make_user: Any) -> None:  # noqa: F811
    day, staff = world["day"], world["staff"]
    days.invite_from_matches(staff, day)
    days.generate(day.id, staff.id, time_limit=2)
    meetings.mark_reviewed(staff, day.id)
    meetings.publish(staff, day.id)
    response = _get(app, world["partner"], f"/api/v1/partnering/{day.id}/agenda")
    assert response.status_code == 200
    agenda = response.get_json()
    assert agenda["day_name"] == {"en": "Rising Tide Fund in Gwangju", "ko": "라이징 타이드 펀드 광주 방문"}
    names = {m["with_name"] for m in agenda["meetings"]}
    assert names == {"Voltline", "Gridwise", "Medilens"}
    voltline = next(m for m in agenda["meetings"] if m["with_name"] == "Voltline")
    ics = _get(app, world["founder"], voltline["ics_url"])
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"partnering-meeting-{voltline['id']}@")
    assert int(event["SEQUENCE"]) == voltline["sequence"]
    # Somebody else's meeting, or a day one's organisation is not part of, is not found.
    stranger = make_user("founder")
    assert _get(app, stranger, voltline["ics_url"]).status_code == 404
    assert _get(app, stranger, f"/api/v1/partnering/{day.id}/agenda").status_code == 404
    assert _get(app, staff, f"/api/v1/partnering/{day.id}/agenda?participant=x").status_code == 400
