"""Generating a partnering-day schedule from the staff page is a job on the real queue, with progress."""

from __future__ import annotations

from typing import Any

import pytest

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.models.partnering import MeetingStatus, PartneringDay
from matchmaker.partnering import days
from tests.conftest import TEST_PASSWORD
from tests.partnering.test_days import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def test_generate_is_a_job_that_reports_progress_and_stores_the_schedule(
    queued_app,
    client,
    world: Any,  # noqa: F811
    run_worker,
) -> None:
    day, staff = world["day"], world["staff"]
    days.invite_from_matches(staff, day)
    client.post("/login", data={"email": staff.email, "password": TEST_PASSWORD})
    response = client.post(f"/partnering/{day.id}/generate")
    assert response.status_code == 303
    page = client.get(f"/partnering/{day.id}").get_data(as_text=True)
    assert "being generated" in page
    assert day.meetings == []  # the worker does it
    queued = jobs.fetch(f"partnering-day-{day.id}")
    assert queued is not None and queued.state == "queued"

    finished = run_worker()
    assert finished.returncode == 0, finished.stderr[-2000:]
    done = jobs.fetch(f"partnering-day-{day.id}")
    assert done is not None and done.state == "finished" and done.progress == 1.0
    assert done.meta.get("stage") in {"optimal", "feasible"}
    db.session.expire_all()
    stored = db.session.get(PartneringDay, day.id)
    assert stored is not None and stored.state == "provisional"
    assert len([m for m in stored.meetings if m.status == MeetingStatus.PROVISIONAL]) == 3
    assert stored.last_solve["status"] in {"optimal", "feasible"} and stored.last_solve["violations"] == []
