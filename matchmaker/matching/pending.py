"""Matches waiting for a refresh: marked in the save's own transaction, cleared by the refresh job.

The matches of a saved organisation are "pending" from the save's own transaction (a
``PendingRefresh`` row) until the refresh job has committed the new ones; the row survives restarts,
so ``requeue_pending`` can give the work back to the queue whatever happened to Redis or the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.models import PendingRefresh, utcnow


def refresh_on_save_enabled() -> bool:
    """Whether saving a profile refreshes its matches (tests may switch it off)."""
    return bool(current_app.config["MATCHMAKER_MATCH_ON_SAVE"])


def mark_pending(organisation_id: int, job_id: str | None = None) -> datetime:
    """In the caller's transaction: this organisation's matches wait for a refresh from now on.

    ``job_id``: the id the refresh job will have on the queue (``jobs.new_job_id``), stored here so the
    save needs no second transaction to record it once the job is queued (``schedule_refresh``)."""
    now = utcnow()
    table = PendingRefresh.__table__
    assert isinstance(table, Table)  # a mapped class's table (typed as any FromClause)
    dialect_insert: Callable[[Table], postgresql.Insert | sqlite.Insert]
    if db.session.get_bind().dialect.name == "postgresql":
        dialect_insert = postgresql.insert
    else:
        dialect_insert = sqlite.insert
    insert = dialect_insert(table).values(organisation_id=organisation_id, requested_at=now, job_id=job_id)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["organisation_id"], set_={"requested_at": now, "job_id": job_id}
        )
    )
    return now


def pending_refresh(organisation_id: int) -> PendingRefresh | None:
    """The organisation's pending refresh, if its matches are not fresh yet."""
    return db.session.get(PendingRefresh, organisation_id)


def refresh_status(organisation_id: int) -> dict[str, object]:
    """For pages: are the matches being refreshed, in which job state, how far, with which error."""
    pending = pending_refresh(organisation_id)
    if pending is None:
        return {"pending": False, "state": "fresh", "progress": 1.0, "error": None}
    ref = jobs.fetch(pending.job_id) if pending.job_id else None
    if ref is None:
        return {"pending": True, "state": "waiting", "progress": 0.0, "error": None}
    return {"pending": True, "state": ref.state, "progress": ref.progress, "error": ref.error}


def schedule_refresh(organisation_id: int, requested_at: datetime, job_id: str | None = None) -> jobs.JobRef:
    """After the save committed: refresh the organisation's matches on the queue (or inline).

    ``job_id``: the id the save's transaction already stored with its pending mark (``mark_pending``);
    the job is queued under it and nothing more is written. Without it the job's id is stored now.
    """
    ref = jobs.enqueue(
        "refresh-organisation",
        organisation_id,
        requested_at.isoformat(),
        description=f"refresh matches of organisation {organisation_id}",
        meta={"organisation_id": organisation_id, "kind": "refresh"},
        job_id=job_id,
    )
    if ref.id is not None and ref.id != job_id:
        db.session.execute(
            update(PendingRefresh)
            .where(
                PendingRefresh.organisation_id == organisation_id,
                PendingRefresh.requested_at == requested_at,
            )
            .values(job_id=ref.id)
        )
        db.session.commit()
    elif ref.state == "failed":
        # Inline and failed: the profile is saved, the old matches stay, `flask rematch` repairs them.
        clear_pending(organisation_id, requested_at)
        db.session.commit()
    return ref


def clear_pending(organisation_id: int, requested_at: datetime | None) -> None:
    """Drop the pending mark unless a later save asked for a newer refresh meanwhile."""
    statement = delete(PendingRefresh).where(PendingRefresh.organisation_id == organisation_id)
    if requested_at is not None:
        statement = statement.where(PendingRefresh.requested_at <= requested_at)
    db.session.execute(statement)


def requeue_pending() -> int:
    """Queue a refresh for every organisation still pending without a live job; returns how many.

    Run when a worker starts: after a crash, a Redis restart or a lost job, the database still says
    which matches are stale.
    """
    requeued = 0
    for pending in list(db.session.scalars(select(PendingRefresh).order_by(PendingRefresh.requested_at))):
        ref = jobs.fetch(pending.job_id) if pending.job_id else None
        if ref is not None and ref.state in {"queued", "scheduled", "started", "deferred"}:
            continue
        schedule_refresh(pending.organisation_id, pending.requested_at)
        requeued += 1
    return requeued
