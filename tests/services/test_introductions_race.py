"""Two people acting on the same introduction at the same moment, on the real PostgreSQL.

Each thread has its own app context, hence its own session and connection. A barrier holds both
threads until each has read the introduction as still 'requested', so the database, not luck,
decides: exactly one wins and the other gets a clear 409.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from matchmaker.errors import ConflictError
from matchmaker.extensions import db
from matchmaker.introductions import capacity
from matchmaker.introductions import requests as intros
from matchmaker.models import Introduction, IntroductionEvent, Organisation, User
from tests.conftest import app_with_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres_url: str, tmp_path: Path) -> Iterator[Flask]:
    with app_with_schema(postgres_url, tmp_path) as application:
        yield application


def _seed(*, staff_count: int = 2) -> dict[str, int]:
    startup = Organisation(kind="startup", slug="voltcell", name="VoltCell", description="EV batteries")
    partner = Organisation(kind="partner", slug="nvidia", name="NVIDIA", description="GPUs")
    db.session.add_all([startup, partner])
    db.session.flush()
    people = [
        User(email=f"staff{i}@complex.example", display_name=f"Staff {i}", role="staff")
        for i in range(staff_count)
    ]
    founder = User(
        email="founder@voltcell.example", display_name="Founder", role="founder", organisation=startup
    )
    manager = User(
        email="manager@nvidia.example", display_name="Manager", role="partner", organisation=partner
    )
    db.session.add_all([*people, founder, manager])
    db.session.commit()
    return {
        "startup": startup.id,
        "partner": partner.id,
        "founder": founder.id,
        "manager": manager.id,
        **{f"staff{i}": u.id for i, u in enumerate(people)},
    }


def _race(app: Flask, actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread and app context; return each result or the exception raised."""
    results: list[object] = [None] * len(actions)

    def run(index: int) -> None:
        with app.app_context():
            try:
                results[index] = actions[index]()
            except Exception as exc:  # collected and asserted by the test
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread hung: a lock was never released"
    return results


def test_two_staff_approving_at_once_exactly_one_wins(pg_app, monkeypatch):
    ids = _seed()
    manager = db.session.get(User, ids["manager"])
    intro_id = intros.request_introduction(manager, ids["startup"]).id
    db.session.remove()  # the main thread holds no transaction while the threads race

    barrier = threading.Barrier(2, timeout=10)
    original_lock = capacity.lock_organisation

    def lock_after_both_read(organisation_id: int):
        barrier.wait()  # both threads have loaded and checked the request as 'requested'
        return original_lock(organisation_id)

    monkeypatch.setattr(capacity, "lock_organisation", lock_after_both_read)

    def approve_as(key: str) -> Callable[[], object]:
        return lambda: intros.approve(db.session.get(User, ids[key]), intro_id, f"approved by {key}").id

    results = _race(pg_app, [approve_as("staff0"), approve_as("staff1")])
    wins = [r for r in results if r == intro_id]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].status_code == 409
    assert "at the same moment" in conflicts[0].message and "approved" in conflicts[0].message
    introduction = db.session.get(Introduction, intro_id)
    assert introduction.state == "approved"
    approvals = db.session.scalar(
        select(func.count())
        .select_from(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == intro_id, IntroductionEvent.to_state == "approved")
    )
    assert approvals == 1  # one audit row: the loser wrote nothing


def test_approve_and_reject_at_once_leave_one_decision(pg_app, monkeypatch):
    ids = _seed()
    manager = db.session.get(User, ids["manager"])
    intro_id = intros.request_introduction(manager, ids["startup"]).id
    db.session.remove()
    barrier = threading.Barrier(2, timeout=10)
    original_load = intros._load

    def load_then_wait(introduction_id: int):
        introduction = original_load(introduction_id)
        barrier.wait()  # both have read 'requested' before either writes
        return introduction

    monkeypatch.setattr(intros, "_load", load_then_wait)
    results = _race(
        pg_app,
        [
            lambda: intros.approve(db.session.get(User, ids["staff0"]), intro_id).state,
            lambda: intros.reject(db.session.get(User, ids["staff1"]), intro_id, "no").state,
        ],
    )
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    final = db.session.get(Introduction, intro_id)
    assert final.state in {"approved", "rejected"}
    assert [r for r in results if isinstance(r, str)] == [final.state]
    assert len(final.events) == 2  # requested + the one decision


def test_two_requests_for_the_same_pair_at_once_open_one(pg_app, monkeypatch):
    ids = _seed()
    barrier = threading.Barrier(2, timeout=10)
    original = intros._refuse_dismissed

    def check_then_wait(startup_id: int, counterpart_id: int) -> None:
        original(startup_id, counterpart_id)
        barrier.wait()

    monkeypatch.setattr(intros, "_refuse_dismissed", check_then_wait)
    results = _race(
        pg_app,
        [
            lambda: intros.request_introduction(db.session.get(User, ids["founder"]), ids["partner"]).id,
            lambda: intros.request_introduction(db.session.get(User, ids["manager"]), ids["startup"]).id,
        ],
    )
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 1
