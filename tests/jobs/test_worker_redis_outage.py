"""Issue 20, finding 5: the worker survives Redis dying mid-job and drains the pending work when it is back.

The Redis here is a private redis-server on a free port, started and killed by the test (never the
shared one); it keeps nothing on disk, so when it comes back the queue is empty, as after a real crash,
and only the database's pending refreshes say what is left to do."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import pending
from matchmaker.models import PendingRefresh
from tests.conftest import PrivateRedis, app_with_schema, make_test_config
from tests.jobs.conftest import FLASK, ROOT, wait_until

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


@pytest.fixture
def app(database_url: str, tmp_path: Path, private_redis: PrivateRedis):
    """The app of this module (make_organisation's too) queues on the private Redis."""
    config = make_test_config(database_url, tmp_path) | {
        "MATCHMAKER_REDIS_URL": private_redis.url,
        "MATCHMAKER_JOB_QUEUE": "outage",
        "MATCHMAKER_JOB_RETRY_INTERVALS": "0,0,0",
    }
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application


def _count_pending() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(PendingRefresh)) or 0


def _waits_on_a_lock(holder) -> bool:
    """Whether another session of this database waits on a lock (the worker's job, on ``holder``'s)."""
    return bool(
        holder.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
        )
    )


def test_the_worker_survives_redis_dying_mid_job_and_drains_pending_work(
    app, private_redis, make_organisation, tmp_path
):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("holding the worker inside a job uses a PostgreSQL table lock")
    startups = [
        make_organisation("startup", ["energy"], description=f"Battery storage startup number {n}")
        for n in range(4)
    ]
    make_organisation("partner", ["energy"], description="Energy storage pilots")
    db.session.commit()
    first_job = None
    for startup in startups:
        requested = pending.mark_pending(startup.id)
        db.session.commit()
        ref = pending.schedule_refresh(startup.id, requested)
        first_job = first_job or ref.id
    assert first_job is not None and _count_pending() == 4

    holder = create_engine(url)
    connection = holder.connect()
    transaction = connection.begin()
    connection.execute(text("LOCK TABLE matches IN EXCLUSIVE MODE"))  # the first job waits inside
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update(
        DATABASE_URL=url,
        MATCHMAKER_SECRET_KEY="test-secret-key",
        MATCHMAKER_REDIS_URL=private_redis.url,
        MATCHMAKER_JOB_QUEUE="outage",
        MATCHMAKER_JOB_RETRY_INTERVALS="0,0,0",
        MATCHMAKER_EMBEDDING_MODEL="hashing",
    )
    log = tmp_path / "worker.log"
    log_file = log.open("w")
    worker = subprocess.Popen(
        [FLASK, "--app", "matchmaker", "worker", "--no-warm-up"],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        try:
            wait_until(lambda: jobs.fetch(first_job).state == "started", message="see the worker log")
            wait_until(lambda: _waits_on_a_lock(connection), message="the job never reached the lock")
            private_redis.kill()  # Redis dies while the worker is inside the job
        finally:
            transaction.rollback()
            connection.close()
            holder.dispose()
        # The job ends against a dead Redis, where RQ used to quit; the worker waits for Redis instead,
        # and has asked it again at least once (its pauses double from a second).
        wait_until(
            lambda: "Redis does not answer yet" in log.read_text() or worker.poll() is not None,
            timeout=60,
            message="the worker never asked Redis again",
        )
        assert worker.poll() is None, log.read_text()[-3000:]

        private_redis.start()  # back, and empty: the queued jobs are gone with it
        wait_until(
            lambda: _count_pending() == 0, timeout=90, message="the pending refreshes were not drained"
        )
        assert worker.poll() is None
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        log_file.close()
        print(log.read_text()[-4000:])  # shown by pytest when the test fails
