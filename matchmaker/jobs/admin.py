"""Jobs as staff and members see them: who may read a job, failed jobs and their retry."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.errors import ConflictError, NotFound, PermissionDenied
from matchmaker.extensions import db
from matchmaker.jobs.queue import (
    JOB_ID_PATTERN,
    MAX_RETRIES,
    JobRef,
    _fetch,
    _redis_error,
    _unreachable,
    job_queue,
    job_ref,
    queue_enabled,
    redis_connection,
)
from matchmaker.models import JobEvent, Organisation, PendingRefresh, User

logger = logging.getLogger(__name__)


def may_read(user: User, ref: JobRef) -> bool:
    """Staff read every job; members only the jobs about their own organisation."""
    if user.is_staff:
        return True
    organisation_id = ref.meta.get("organisation_id")
    return organisation_id is not None and organisation_id == user.organisation_id


def job_for_viewer(user: User, job_id: str) -> JobRef:
    """The job if ``user`` may read it; anything else is simply not found (Unavailable when Redis
    does not answer: the job may well exist)."""
    ref = _fetch(job_id)
    if ref is None or not may_read(user, ref):
        raise NotFound(_("There is no such job."))
    return ref


@dataclass(frozen=True)
class FailedJob:
    """A job that used up its retries, as staff see it."""

    ref: JobRef
    function: str
    arguments: str


def failed_jobs(limit: int = 200) -> list[FailedJob]:
    """Jobs in the failed registry, newest first (Unavailable when Redis does not answer)."""
    if not queue_enabled():
        return []
    from rq.job import Job

    try:
        registry = job_queue().failed_job_registry
        ids = list(reversed(registry.get_job_ids()))[:limit]
        jobs = Job.fetch_many(ids, connection=redis_connection())
    except _redis_error() as error:
        raise _unreachable(error, "listing failed jobs") from error
    failed = []
    for job in jobs:
        if job is None:
            continue
        assert job.func_name is not None  # a fetched job has its data
        arguments = ", ".join([repr(a) for a in job.args] + [f"{k}={v!r}" for k, v in job.kwargs.items()])
        failed.append(FailedJob(job_ref(job), job.func_name.rsplit(".", 1)[-1], arguments[:200]))
    return failed


def retry_failed(actor: User, job_id: str) -> JobRef:
    """Put a failed job back on the queue (with fresh retries) and record who did it."""
    if not actor.is_staff:
        raise PermissionDenied(_("Failed jobs are for the complex's staff."))
    if not queue_enabled() or not JOB_ID_PATTERN.match(job_id or ""):
        raise NotFound(_("There is no such job."))
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job

    try:
        registry = job_queue().failed_job_registry
        try:
            job = Job.fetch(job_id, connection=redis_connection())
        except NoSuchJobError as error:
            raise NotFound(_("There is no such job.")) from error
        job.retries_left = MAX_RETRIES
        job.save(include_meta=False, include_result=False)
        try:
            registry.requeue(job)
        except InvalidJobOperation as error:
            raise ConflictError(_("This job is not failed any more; it was retried already.")) from error
    except _redis_error() as error:
        raise _unreachable(error, f"retrying job {job_id}") from error
    db.session.add(
        JobEvent(
            job_id=job.id, description=(job.description or "")[:200], action="retried", actor_id=actor.id
        )
    )
    db.session.commit()
    logger.info("staff %s retried job %s", actor.id, job.id)
    return job_ref(job)


def organisations_of(failed: list[FailedJob]) -> dict[int, Organisation]:
    """The organisations the failed jobs were about, by id (for their titles)."""
    ids = {f.ref.meta.get("organisation_id") for f in failed} - {None}
    return {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def waiting_refreshes(limit: int = 100) -> list[tuple[PendingRefresh, Organisation]]:
    """Organisations waiting for fresh matches, longest waiting first."""
    rows = db.session.execute(
        select(PendingRefresh, Organisation)
        .join(Organisation, Organisation.id == PendingRefresh.organisation_id)
        .order_by(PendingRefresh.requested_at)
        .limit(limit)
    )
    return [(pending, organisation) for pending, organisation in rows.tuples()]


def latest_retries(limit: int = 20) -> list[JobEvent]:
    """The latest retries: who asked and when."""
    return list(db.session.scalars(select(JobEvent).order_by(JobEvent.created_at.desc()).limit(limit)))
