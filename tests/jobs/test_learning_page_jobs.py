"""With a job queue, the staff learning page never ranks every match or fits a space inside the
request: it queues the work (a worker runs it, with the staff member in the audit trail). When Redis
does not answer, switching still ranks again in the request, and learning the space says it cannot."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import space
from matchmaker.models import AuditEvent, Match
from tests.jobs.test_redis_down import _down
from tests.learning.test_space_service import CONTENT, ENERGY

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def _world(make_organisation, make_user):
    make_organisation("partner", ["energy"], name="에너지파트너", description="전력망 실증 파트너")
    for i, text in enumerate(ENERGY):
        make_organisation("startup", ["energy"], name=f"E{i}", description=text, tags=["Battery"])
    for i, text in enumerate(CONTENT):
        make_organisation("startup", ["content"], name=f"C{i}", description=text, tags=["music"])
    return make_user("staff")


def _matches() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Match)) or 0


def _queued() -> list[tuple[str, tuple]]:
    queue = jobs.job_queue()
    return [(job.func_name.rsplit(".", 1)[-1], tuple(job.args)) for job in queue.get_jobs()]


def test_switches_and_learning_queue_the_work(queued_app, client, login, make_organisation, make_user):
    staff = _world(make_organisation, make_user)
    login(staff)
    response = client.post("/staff/learning/switch", data={"enabled": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert "being ranked again by a background job" in response.get_data(as_text=True)
    assert _matches() == 0  # nothing ranked in the request
    assert ("rematch_everything", ()) in _queued()

    response = client.post("/staff/learning/space/learn", follow_redirects=True)
    assert response.status_code == 200
    assert "being learned by a background job" in response.get_data(as_text=True)
    assert ("learn_space", (staff.id,)) in _queued()
    assert space.space_state() is None  # nothing learned in the request


def test_the_learn_space_job_records_who_asked(queued_app, make_organisation, make_user, monkeypatch):
    from matchmaker.engine import similarity
    from matchmaker.jobs import tasks

    monkeypatch.setattr(similarity, "MIN_SPACE_ORGANISATIONS", 8)
    monkeypatch.setitem(space.SPACE_SETTINGS, "min_class_size", 2)
    staff = _world(make_organisation, make_user)
    result = tasks.learn_space(staff.id)
    assert result["labelled"] == 13 and result["startups"] == 12
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learning.space_fitted"))
    assert event is not None and event.actor_id == staff.id


def test_with_redis_down_switching_ranks_here_and_learning_says_it_cannot(
    queued_app, client, login, make_organisation, make_user
):
    staff = _world(make_organisation, make_user)
    login(staff)
    _down(queued_app)
    response = client.post("/staff/learning/space/switch", data={"enabled": "0"}, follow_redirects=True)
    assert response.status_code == 200
    assert "matches were ranked again" in response.get_data(as_text=True)
    assert _matches() > 0
    response = client.post("/staff/learning/space/learn", follow_redirects=True)
    assert response.status_code == 200
    assert "The job queue cannot be reached" in response.get_data(as_text=True)
    assert space.space_state() is None
