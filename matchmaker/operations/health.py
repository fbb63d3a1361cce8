"""Liveness and readiness: what a load balancer and the people who run the service ask of it.

Liveness says the process answers. Readiness says a request can be served as it should: the database
answers and its schema is the one the code expects, Redis answers (when jobs and throttling use it), and
a job worker has beaten recently, so saved profiles will get fresh matches. The worker's heartbeat is a
key in Redis that expires: a killed worker stops refreshing it and readiness turns false within
``MATCHMAKER_WORKER_HEARTBEAT_TTL`` seconds, without waiting for RQ's own worker registration to
expire (minutes).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and what a person should know."""

    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    """Every check, and whether all of them passed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in self.checks},
        }


def heartbeat_key(queue_name: str) -> str:
    """The Redis key a worker of ``queue_name`` keeps alive (one per worker, under a common prefix)."""
    return f"matchmaker:{queue_name}:worker-heartbeat"


def check_database() -> Check:
    """The database answers a query."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # end the read transaction: a probe must not hold a session open
    except Exception as error:  # any driver error means not ready; say which
        db.session.rollback()
        return Check("database", False, error.__class__.__name__)
    return Check("database", True)


def check_migrations() -> Check:
    """The database's schema revision is the newest the code knows (``flask db upgrade`` has run)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    try:
        config = current_app.extensions["migrate"].migrate.get_config()
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # unreachable database or unreadable scripts
        return Check("migrations", False, error.__class__.__name__)
    if current != heads:
        return Check("migrations", False, f"database at {sorted(current)}, code at {sorted(heads)}")
    return Check("migrations", True)


def check_redis() -> Check | None:
    """Redis answers a ping (None when no Redis is configured: jobs run inline, nothing to check)."""
    if not current_app.config.get("MATCHMAKER_REDIS_URL"):
        return None
    try:
        jobs.redis_connection().ping()
    except Exception as error:  # redis-py raises its own errors and OSError subclasses
        return Check("redis", False, error.__class__.__name__)
    return Check("redis", True)


def check_worker() -> Check | None:
    """A worker of this installation's queue has beaten within the heartbeat's lifetime (None when
    jobs run inline, where the web process does the work itself)."""
    if not jobs.queue_enabled():
        return None
    try:
        beats = list(jobs.redis_connection().scan_iter(f"{heartbeat_key(jobs.queue_name())}:*", count=100))
    except Exception as error:
        return Check("worker", False, f"cannot read heartbeats: {error.__class__.__name__}")
    if not beats:
        ttl = current_app.config["MATCHMAKER_WORKER_HEARTBEAT_TTL"]
        return Check("worker", False, f"no worker heartbeat in the last {ttl} s")
    return Check("worker", True, f"{len(beats)} worker(s)")


def readiness() -> Readiness:
    """Every check that applies to this installation."""
    checks = [check_database(), check_migrations(), check_redis(), check_worker()]
    return Readiness([check for check in checks if check is not None])


class Heartbeat:
    """A daemon thread that keeps a worker's heartbeat key alive in Redis while the process lives."""

    def __init__(self, redis_url: str, queue_name: str, ttl: int) -> None:
        self.redis_url = redis_url
        self.ttl = max(2, int(ttl))
        self.interval = max(1.0, self.ttl / 4)
        self.key = f"{heartbeat_key(queue_name)}:{socket.gethostname()}:{threading.get_native_id()}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 1)

    def _run(self) -> None:
        from redis import Redis

        connection = Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=5)
        while not self._stop.is_set():
            try:
                connection.set(self.key, str(time.time()), ex=self.ttl)
            except Exception as error:  # Redis down: keep trying; readiness says so meanwhile
                logger.warning("worker heartbeat not written: %s", error)
            self._stop.wait(self.interval)
        try:
            connection.delete(self.key)  # a worker that stops cleanly says so at once
        except Exception:  # noqa: BLE001 (best effort on the way out)
            pass
