"""A real Redis queue (unique per test session) and a real worker process (`flask worker --burst`)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from tests.conftest import app_with_schema, make_test_config, require_redis
from tests.jobs import warm_worker

REDIS_URL = os.environ.get("MATCHMAKER_TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/2")
FLASK = str(Path(sys.executable).with_name("flask"))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def queue_name() -> Iterator[str]:
    """One queue per test session: parallel runs (other engineers, CI) never take each other's jobs."""
    require_redis(REDIS_URL)
    name = f"mm-test-{os.getpid()}-{secrets.token_hex(3)}"
    yield name
    from rq import Queue

    Queue(name, connection=redis.Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


@pytest.fixture
def app(database_url: str, tmp_path: Path, queue_name: str) -> Iterator[Flask]:
    """Here the app has jobs on Redis: saves return and leave the work to a worker."""
    from rq import Queue
    from rq.exceptions import NoSuchJobError

    config = make_test_config(database_url, tmp_path) | {
        "MATCHMAKER_REDIS_URL": REDIS_URL,
        "MATCHMAKER_JOB_QUEUE": queue_name,
        "MATCHMAKER_JOB_RETRY_INTERVALS": "0,0,0",
    }
    queue = Queue(queue_name, connection=redis.Redis.from_url(REDIS_URL))
    queue.empty()
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application
    for registry in (queue.failed_job_registry, queue.started_job_registry, queue.finished_job_registry):
        for job_id in registry.get_job_ids():
            try:
                registry.remove(job_id, delete_job=True)
            except NoSuchJobError:  # its hash already gone (expired, or deleted by a worker meanwhile)
                registry.remove(job_id)
    queue.empty()


@pytest.fixture
def queued_app(app: Flask) -> Flask:
    """The app of these tests, named for what sets it apart."""
    return app


@pytest.fixture
def worker_env(queued_app: Flask, queue_name: str) -> dict[str, str]:
    """The environment of a worker process on the same database and queue as ``queued_app``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update(
        DATABASE_URL=queued_app.config["SQLALCHEMY_DATABASE_URI"],
        MATCHMAKER_SECRET_KEY="test-secret-key",
        MATCHMAKER_REDIS_URL=REDIS_URL,
        MATCHMAKER_JOB_QUEUE=queue_name,
        MATCHMAKER_JOB_RETRY_INTERVALS="0,0,0",
        MATCHMAKER_EMBEDDING_MODEL="hashing",
        MATCHMAKER_CACHE_DIR=queued_app.config["MATCHMAKER_CACHE_DIR"],
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


@pytest.fixture
def run_worker(worker_env: dict[str, str], tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `flask worker --burst` until the queue is empty; returns the finished process.

    The process is forked from a warm interpreter (tests/jobs/warm_worker.py): the app's imports are
    done once per pytest worker, not once per run."""
    runs = iter(range(1, 1000))

    def run(
        timeout: float = 180, args: tuple[str, ...] = (), **overrides: str
    ) -> subprocess.CompletedProcess[str]:
        return warm_worker.run(
            [FLASK, "--app", "matchmaker", "worker", "--burst", "--without-scheduler", *args],
            env=worker_env | overrides,
            cwd=ROOT,
            output=tmp_path / f"burst-worker-{next(runs)}",
            timeout=timeout,
        )

    return run


@pytest.fixture
def start_worker(
    worker_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., warm_worker.WarmProcess]]:
    """Start a long-running worker in its own session (so a test can SIGKILL all of it), forked from
    the warm interpreter as ``run_worker``'s are."""
    started: list[warm_worker.WarmProcess] = []

    def start(**overrides: str) -> warm_worker.WarmProcess:
        process = warm_worker.WarmProcess(
            # No warm-up: these tests hold database locks to catch the worker inside a job, and a
            # warm-up that embeds and commits would wait on them (test_a_worker_warms_up... covers it).
            [FLASK, "--app", "matchmaker", "worker", "--without-scheduler", "--no-warm-up"],
            env=worker_env | overrides,
            cwd=ROOT,
            output=tmp_path / f"worker-{len(started) + 1}",
            new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def wait_until(condition: Callable[[], Any], timeout: float = 120, message: str = "") -> Any:
    """Poll ``condition`` until it returns something true, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(message or "timed out waiting")
