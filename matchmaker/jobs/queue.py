"""Background jobs on Redis with RQ, or inline when ``MATCHMAKER_REDIS_URL`` is not set.

A job is a plain function given ids, never objects. Decorated with ``job_function`` it opens its own
app context in the worker, and it must be idempotent: RQ retries it (``Retry``) after an error, and
``recover_abandoned`` runs it again after its worker was killed. Progress goes to ``job.meta``.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _

from matchmaker.errors import Unavailable
from matchmaker.extensions import db
from matchmaker.jobs import registry

if TYPE_CHECKING:
    from redis import Redis
    from rq import Queue
    from rq.job import Job

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_REDIS_KEY = "matchmaker.jobs.redis"
_INLINE_LOGGED_KEY = "matchmaker.jobs.inline_logged"
JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_RETRIES = 3
_worker_app: Flask | None = None


@dataclass(frozen=True)
class JobRef:
    """What a caller needs to know about a job: its id (None when it ran inline) and its state."""

    id: str | None
    state: str  # queued, scheduled, started, finished, failed, deferred, canceled, stopped
    description: str = ""
    progress: float = 0.0
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    enqueued_at: datetime | None = None
    ended_at: datetime | None = None
    retries_left: int | None = None

    @property
    def deferred(self) -> bool:
        """True when the work is not done yet (the API then answers 202)."""
        return self.id is not None and self.state not in {"finished", "failed", "canceled", "stopped"}


def queue_enabled(app: Flask | None = None) -> bool:
    """Whether work goes to Redis: ``MATCHMAKER_REDIS_URL`` is set and jobs are not forced inline."""
    config = (app or current_app).config
    if config["MATCHMAKER_JOBS_INLINE"]:
        return False
    return bool(config.get("MATCHMAKER_REDIS_URL"))


def redis_connection() -> Redis:
    """The app's Redis connection for jobs (one per process)."""
    from redis import Redis

    connection = current_app.extensions.get(_REDIS_KEY)
    if connection is None:
        # A Redis that does not answer must not hold a request: connecting gives up after 2 s, a
        # command after 5 s (the worker's blocking wait for jobs has its own connection).
        connection = Redis.from_url(
            current_app.config["MATCHMAKER_REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
        current_app.extensions[_REDIS_KEY] = connection
    return connection


def worker_queue() -> Queue:
    """The queue as a worker listens on it: its own connection without a command timeout, since the
    worker blocks on it for minutes waiting for the next job."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["MATCHMAKER_REDIS_URL"], socket_connect_timeout=2)
    return Queue(queue_name(), connection=connection)


def queue_name() -> str:
    """The RQ queue of this installation (tests use one per session so runs cannot take each other's jobs)."""
    return str(current_app.config["MATCHMAKER_JOB_QUEUE"])


def job_queue() -> Queue:
    """The installation's RQ queue."""
    from rq import Queue

    return Queue(queue_name(), connection=redis_connection())


def retry_intervals() -> list[int]:
    """Seconds to wait before each retry; ``MATCHMAKER_JOB_RETRY_INTERVALS`` like ``10,60,300``."""
    return list(current_app.config["MATCHMAKER_JOB_RETRY_INTERVALS"])  # typed by config.Settings


def _unreachable(error: Exception, doing: str) -> Unavailable:
    """Log that Redis did not answer; the error to raise where nothing can stand in for it."""
    url = current_app.config.get("MATCHMAKER_REDIS_URL")
    logger.warning("Redis is unreachable (%s) while %s: %s", url, doing, error)
    return Unavailable(_("The job queue cannot be reached just now; please try again in a minute."))


def _redis_error() -> type[Exception]:
    from redis.exceptions import RedisError

    return RedisError


def _log_inline_once() -> None:
    if not current_app.extensions.get(_INLINE_LOGGED_KEY):
        current_app.extensions[_INLINE_LOGGED_KEY] = True
        logger.info("MATCHMAKER_REDIS_URL is not set: background jobs run inline, inside the request")


def enqueue(
    name: str,
    *args: Any,
    description: str,
    meta: dict[str, Any] | None = None,
    timeout: int = 1800,
    unique_id: str | None = None,
    inline_fallback: bool = True,
    job_id: str | None = None,
    **kwargs: Any,
) -> JobRef:
    """Run the job ``name`` (``matchmaker.jobs.registry``) with ``*args, **kwargs`` on the queue, or at
    once when no queue is configured.

    ``meta`` (e.g. ``{"organisation_id": 3}``) says whom the job concerns; it decides who may read it.
    ``unique_id`` names the work (e.g. one pair's advice for one version of both profiles): while a job
    of that id is waiting or running, asking again returns it instead of queueing the work twice.
    Inline, an error is logged and returned as a failed ref instead of raised: the caller's change is
    already committed and the job can be run again. When Redis is configured but does not answer, the
    job runs inline too, unless ``inline_fallback`` is False (work a page view asked for that the web
    process should not do, such as loading the model): it is then returned failed and not run.
    ``job_id`` (from ``new_job_id``) is the id the job gets on the queue, chosen before it is queued so
    the caller's transaction can store it; without it RQ chooses one.
    """
    kind = registry.JOBS[name]
    if not queue_enabled():
        _log_inline_once()
        return _run_inline(name, args, kwargs, description, meta)
    from rq import Retry

    try:
        if unique_id is not None:
            existing = fetch(unique_id)
            if existing is not None and existing.state in {"queued", "scheduled", "started", "deferred"}:
                return existing
        job = job_queue().enqueue(
            kind.path,
            job_id=unique_id or job_id,
            args=args,
            kwargs=kwargs,
            description=description[:200],
            meta={"progress": 0.0, **(meta or {})},
            retry=Retry(max=MAX_RETRIES, interval=retry_intervals()),
            job_timeout=timeout,
            result_ttl=24 * 3600,
            failure_ttl=30 * 24 * 3600,
        )
    except _redis_error() as error:
        # Redis is configured but down (restarting, unreachable): the work is done now, as without
        # Redis, rather than lost or left to a worker that may not come back soon.
        if not inline_fallback:
            refusal = _unreachable(error, f"queueing {description!r}; it is not run")
            return JobRef(None, "failed", description, 0.0, refusal.message, dict(meta or {}))
        _unreachable(error, f"queueing {description!r}; it runs inline instead")
        return _run_inline(name, args, kwargs, description, meta)
    return job_ref(job)


def new_job_id() -> str:
    """An id for a job about to be queued (RQ's own kind: a random UUID)."""
    return str(uuid.uuid4())


def _run_inline(
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    description: str,
    meta: dict[str, Any] | None,
) -> JobRef:
    """Run a job's function at once, in the caller's context; an error is logged and returned."""
    try:
        registry.resolve(name)(*args, **kwargs)
    except Exception as error:  # the saved change stands; the work can be redone later
        db.session.rollback()
        logger.exception("inline job %r failed", description)
        return JobRef(None, "failed", description, 0.0, str(error) or error.__class__.__name__)
    return JobRef(None, "finished", description, 1.0, meta=dict(meta or {}))


def running_in_worker() -> bool:
    """Whether this code runs inside a job on a worker (not inline in a request or a command)."""
    from rq import get_current_job

    return get_current_job() is not None


def job_ref(job: Job) -> JobRef:
    """A plain snapshot of an RQ job."""
    status = job.get_status(refresh=False)
    state = status.value if hasattr(status, "value") else str(status or "queued")
    meta = dict(job.meta or {})
    error = None
    if state == "failed":
        error = _last_line(_traceback(job)) or _("The job failed.")
    return JobRef(
        id=job.id,
        state=state,
        description=job.description or "",
        progress=1.0 if state == "finished" else float(meta.get("progress") or 0.0),
        error=error,
        meta=meta,
        enqueued_at=job.enqueued_at,
        ended_at=job.ended_at,
        retries_left=job.retries_left,
    )


def _traceback(job: Job) -> str:
    """The failed job's traceback (``job.exc_info`` is deprecated in RQ 2)."""
    from rq.results import Result

    result = job.latest_result()
    if result is not None and result.type == Result.Type.FAILED:
        return result.exc_string or ""
    return getattr(job, "_exc_info", None) or ""


def _last_line(traceback: str) -> str:
    """The exception line of a traceback: what staff need to read first."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def fetch(job_id: str) -> JobRef | None:
    """The job with ``job_id``, or None when it is unknown, expired, jobs run inline, or Redis does
    not answer (a page then shows the work as waiting instead of failing)."""
    try:
        return _fetch(job_id)
    except Unavailable:
        return None


def _fetch(job_id: str) -> JobRef | None:
    """As `fetch`, but Unavailable when Redis does not answer."""
    if not queue_enabled() or not JOB_ID_PATTERN.match(job_id or ""):
        return None
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        return job_ref(Job.fetch(job_id, connection=redis_connection()))
    except NoSuchJobError:
        return None
    except _redis_error() as error:
        raise _unreachable(error, f"reading job {job_id}") from error


def set_progress(fraction: float, **meta: Any) -> None:
    """Inside a job: store how far it got (0..1) and anything else worth showing; inline, nothing."""
    from rq import get_current_job

    job = get_current_job()
    if job is None:
        return
    job.meta["progress"] = round(max(0.0, min(1.0, fraction)), 3)
    job.meta.update(meta)
    job.save_meta()


def job_function(func: Callable[P, R]) -> Callable[P, R]:
    """Make ``func`` a job: in a worker it runs in a fresh app context with its own database session."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from rq import get_current_job

        if has_app_context() and get_current_job() is None:
            return func(*args, **kwargs)  # inline: the request's context and session
        app = current_app._get_current_object() if has_app_context() else worker_app()  # type: ignore[attr-defined]
        with app.app_context():  # a new context: a new session, removed when the job ends
            return func(*args, **kwargs)

    return run


def worker_app() -> Flask:
    """The app a worker process runs jobs in, made once from the environment."""
    global _worker_app
    if _worker_app is None:
        from matchmaker import create_app  # the app factory, above every layer: a worker builds its app

        _worker_app = create_app()
    return _worker_app
