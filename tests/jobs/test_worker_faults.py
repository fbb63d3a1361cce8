"""Issue 20, finding 2: a worker killed with SIGKILL takes its children and its database session with it,
and a restarted worker finishes the job; between jobs a worker holds no transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.models import Match
from tests.jobs.conftest import FLASK, ROOT, wait_until

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

APP_NAME = "mm-test-worker"  # libpq names the worker's sessions so pg_stat_activity can pick them out


@pytest.fixture
def on_postgres(queued_app):
    if make_url(queued_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("sessions left idle in transaction are a PostgreSQL matter")
    return queued_app


@pytest.fixture
def long_worker(worker_env):
    """`flask worker` as `make run` starts it: scheduler on, warm-up on, in its own process group."""
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [FLASK, "--app", "matchmaker", "worker"],
            cwd=ROOT,
            env=worker_env | {"PGAPPNAME": APP_NAME},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the worker and anything it left behind
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


def _world(make_organisation, count: int = 6) -> None:
    for n in range(count):
        make_organisation("startup", ["energy"], description=f"Battery storage startup number {n}")
    make_organisation("partner", ["energy"], description="Energy storage pilots")
    db.session.commit()


def _worker_sessions(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT state, left(query, 80) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name"
                ),
                {"name": APP_NAME},
            )
            return [(row[0] or "", row[1] or "") for row in rows]
    finally:
        engine.dispose()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # A zombie (the killed worker, not yet reaped by us) still counts; look for living members.
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_a_worker_killed_mid_job_leaves_no_child_or_session_and_a_restart_finishes_it(
    on_postgres, make_organisation, long_worker, run_worker
):
    url = on_postgres.config["SQLALCHEMY_DATABASE_URI"]
    _world(make_organisation)
    job_id = jobs.enqueue("rematch", description="recompute every match").id
    assert job_id is not None
    holder = create_engine(url)
    connection = holder.connect()
    transaction = connection.begin()
    connection.execute(text("LOCK TABLE matches IN EXCLUSIVE MODE"))  # the job's writes wait here
    worker = long_worker()
    try:
        wait_until(lambda: jobs.fetch(job_id).state == "started", message="the worker never started the job")
        time.sleep(1.5)  # inside the rematch, waiting to write matches
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer or `kill -9 <pid>` does
    finally:
        transaction.rollback()
        connection.close()
        holder.dispose()
    worker.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _group_alive(worker.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(worker.pid), "a child of the killed worker is still running"
    wait_until(lambda: not _worker_sessions(url), timeout=10, message=str(_worker_sessions(url)))

    restarted = run_worker(timeout=90)  # before: waited forever on the orphan's lock
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert "1 abandoned job(s) given back" in restarted.stdout
    assert jobs.fetch(job_id).state == "finished"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Match)) == 6


def test_a_worker_holds_no_transaction_between_jobs(on_postgres, make_organisation, long_worker):
    url = on_postgres.config["SQLALCHEMY_DATABASE_URI"]
    _world(make_organisation, count=3)
    long_worker()
    job_id = jobs.enqueue("rematch", description="recompute every match").id
    assert job_id is not None
    wait_until(lambda: jobs.fetch(job_id).state == "finished", message="the worker never finished the job")
    time.sleep(1.0)
    sessions = _worker_sessions(url)
    assert sessions, "the worker keeps no connection at all? the test would prove nothing"
    assert not [s for s in sessions if s[0].startswith("idle in transaction")], sessions
