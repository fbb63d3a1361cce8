"""What the people who run the service see of a real worker: its heartbeat in /readyz, its job ids in
the log."""

from __future__ import annotations

import os
import signal

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from tests.jobs.conftest import wait_until

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def test_a_killed_worker_turns_readyz_unready(queued_app, start_worker):
    stamp()
    try:
        client = queued_app.test_client()
        assert client.get("/readyz").status_code == 503  # no worker yet
        worker = start_worker(MATCHMAKER_WORKER_HEARTBEAT_TTL="3")
        wait_until(
            lambda: client.get("/readyz").status_code == 200, 60, "the worker's heartbeat never showed"
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        # kill -9: nothing says goodbye; the heartbeat expires within its 3 s lifetime.
        wait_until(lambda: client.get("/readyz").status_code == 503, 15, "readyz stayed ready")
        assert client.get("/readyz").get_json()["checks"]["worker"]["ok"] is False
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()


def test_worker_log_lines_carry_the_job_id(queued_app, make_organisation, run_worker):
    startup = make_organisation(kind="startup", name="Logged Startup", description="Battery diagnostics.")
    ref = jobs.enqueue("refresh-organisation", startup.id, None, description="refresh for the log test")
    assert ref.id is not None
    finished = run_worker()
    assert finished.returncode == 0, finished.stderr
    assert f"[job:{ref.id}] matchmaker.jobs.tasks: refreshed" in finished.stderr
