"""The background jobs themselves: plain functions of ids, safe to run twice (RQ retries them).

The matches of a saved organisation are "pending" from the save's own transaction (a
``PendingRefresh`` row) until the refresh job has committed the new ones; the row survives restarts,
so ``requeue_pending`` can give the work back to the queue whatever happened to Redis or the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker.extensions import db
from matchmaker.models import Organisation, OutboxMessage, PendingRefresh, utcnow
from matchmaker.services import jobs

logger = logging.getLogger(__name__)


def refresh_on_save_enabled() -> bool:
    """Whether saving a profile refreshes its matches (tests may switch it off)."""
    return bool(current_app.config.get("MATCHMAKER_MATCH_ON_SAVE", True))


def mark_pending(organisation_id: int) -> datetime:
    """In the caller's transaction: this organisation's matches wait for a refresh from now on."""
    now = utcnow()
    table = PendingRefresh.__table__
    assert isinstance(table, Table)  # a mapped class's table (typed as any FromClause)
    dialect_insert: Callable[[Table], postgresql.Insert | sqlite.Insert]
    if db.session.get_bind().dialect.name == "postgresql":
        dialect_insert = postgresql.insert
    else:
        dialect_insert = sqlite.insert
    insert = dialect_insert(table).values(organisation_id=organisation_id, requested_at=now, job_id=None)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["organisation_id"], set_={"requested_at": now, "job_id": None}
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


def schedule_refresh(organisation_id: int, requested_at: datetime) -> jobs.JobRef:
    """After the save committed: refresh the organisation's matches on the queue (or inline)."""
    ref = jobs.enqueue(
        refresh_organisation,
        organisation_id,
        requested_at.isoformat(),
        description=f"refresh matches of organisation {organisation_id}",
        meta={"organisation_id": organisation_id, "kind": "refresh"},
    )
    if ref.id is not None:
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
        _clear_pending(organisation_id, requested_at)
        db.session.commit()
    return ref


def _clear_pending(organisation_id: int, requested_at: datetime | None) -> None:
    """Drop the pending mark unless a later save asked for a newer refresh meanwhile."""
    statement = delete(PendingRefresh).where(PendingRefresh.organisation_id == organisation_id)
    if requested_at is not None:
        statement = statement.where(PendingRefresh.requested_at <= requested_at)
    db.session.execute(statement)


@jobs.job_function
def refresh_organisation(organisation_id: int, requested_at: str | None = None) -> dict[str, int]:
    """Embed one organisation's changed texts and replace its matches (one transaction).

    Killed halfway, the transaction never commits: the old matches stay and the job runs again. A job
    whose save was followed by another one (already queued) leaves the work to that later job.
    """
    from matchmaker.services import matching

    stamp = datetime.fromisoformat(requested_at) if requested_at else None
    pending = pending_refresh(organisation_id)
    if stamp is not None and pending is not None and pending.requested_at > stamp and pending.job_id:
        # Saved again since: the job of that later save is queued and does this work once, newer.
        jobs.set_progress(1.0, stage="superseded")
        return {"matches": 0, "embedded_texts": 0, "superseded": 1}
    jobs.set_progress(0.05, stage="embedding")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:  # deleted since it was saved: nothing to refresh
        _clear_pending(organisation_id, None)
        db.session.commit()
        return {"matches": 0, "embedded_texts": 0}
    report = matching.refresh_matches_for(organisation)
    jobs.set_progress(0.95, stage="storing")
    _clear_pending(organisation_id, stamp)
    db.session.commit()
    if jobs.running_in_worker():  # inline, the page computes them itself when it is shown
        # A job of its own, queued behind the refreshes already waiting: fresh matches come first.
        from matchmaker.services.sectors import queue_sector_suggestions

        queue_sector_suggestions(organisation)
    logger.info(
        "refreshed %d matches of organisation %s (%d texts embedded)",
        report.matches,
        organisation_id,
        report.embedded_texts,
    )
    return {"matches": report.matches, "embedded_texts": report.embedded_texts}


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


@jobs.job_function
def rematch_everything() -> dict[str, int]:
    """Recompute every match, with progress; each organisation's matches change in one transaction."""
    from sqlalchemy import func

    from matchmaker.services import matching

    total = (
        db.session.scalar(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.kind == "startup", Organisation.visibility == "listed")
        )
        or 0
    )
    started = utcnow()
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        if total and (done % 10 == 0 or done == total):
            jobs.set_progress(done / total, done=done, total=total)

    matches = matching.rematch_all(progress=progress)
    db.session.execute(delete(PendingRefresh).where(PendingRefresh.requested_at <= started))
    db.session.commit()
    if jobs.running_in_worker():  # the suggester may have learned from new labels: every profile
        _store_sector_suggestions(None)
    return {"matches": matches, "startups": total}


def _store_sector_suggestions(organisation_ids: list[int] | None) -> None:
    """After a rematch: the sector suggestions of these organisations, recomputed (a failure here
    leaves the fresh matches alone; the pages ask again)."""
    from matchmaker.services.sectors import store_sector_suggestions

    try:
        store_sector_suggestions(organisation_ids, force=True)
    except Exception:
        db.session.rollback()
        logger.exception("sector suggestions of %s failed", organisation_ids or "every organisation")


@jobs.job_function
def suggest_sectors(organisation_ids: list[int] | None = None) -> dict[str, int]:
    """Compute and store sector suggestions (these organisations, or every one); unchanged texts are
    skipped, so running it twice does nothing new."""
    from matchmaker.services.sectors import store_sector_suggestions

    return {"computed": store_sector_suggestions(organisation_ids)}


@jobs.job_function
def compute_advice(startup_id: int, counterpart_id: int) -> dict[str, int]:
    """Compute and store "what would raise this match" for one pair (the page polls for it)."""
    from matchmaker.services.advice import store_advice

    jobs.set_progress(0.1, stage="advice")
    return {"stored": int(store_advice(startup_id, counterpart_id))}


@jobs.job_function
def import_organisations(import_id: int) -> dict[str, int]:
    """Run a confirmed import (``services/imports.py``); a retry resumes after the rows already done."""
    from matchmaker.services.imports import run_import

    record = run_import(import_id)
    if record is None:
        return {"rows": 0}
    return {
        "rows": record.processed_rows,
        "created": record.created,
        "updated": record.updated,
        "unchanged": record.unchanged,
        "refused": record.refused,
    }


@jobs.job_function
def embed_everything() -> dict[str, int]:
    """Embed every text not stored yet (``flask embed`` on the queue)."""
    from matchmaker.services import matching

    return {"embedded_texts": matching.embed_all()}


@jobs.job_function
def send_digest() -> dict[str, int]:
    """Each member's best new matches; a pair is mailed once, so running it twice sends nothing new."""
    from matchmaker.services.digest import send_digest as write_digests

    report = write_digests()
    return {"messages": report.messages, "matches": report.matches}


@jobs.job_function
def expire_introductions() -> dict[str, int]:
    """Expire unanswered requests and release waiting lines (nothing new when run twice)."""
    from matchmaker.services.introductions import expire_stale

    return {"expired": expire_stale()}


@jobs.job_function
def send_outbox(message_ids: list[int] | None = None) -> dict[str, int]:
    """Send unsent outbox messages over SMTP (the given ones, or every unsent one); sent ones are skipped."""
    from matchmaker.services.notifications import send_now

    statement = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(message_ids))
    messages = list(db.session.scalars(statement))
    sent = 0
    for index, message in enumerate(messages, start=1):
        if send_now(message):
            db.session.commit()  # one message at a time: a retry never sends one twice
            sent += 1
        jobs.set_progress(index / len(messages))
    unsent = len(messages) - sent
    if unsent:
        raise RuntimeError(f"{unsent} of {len(messages)} messages could not be sent; they stay in the outbox")
    return {"sent": sent}


@jobs.job_function
def learn_space(actor_id: int | None = None) -> dict[str, int]:
    """Learn the similarity space from the organisations' sectors and tags, then recompute every match
    (``actor_id``: the staff member who asked, for the audit trail)."""
    from matchmaker.engine.scoring import ScoringConfig
    from matchmaker.models import User
    from matchmaker.services import space
    from matchmaker.services.embeddings import app_encoder

    actor = db.session.get(User, actor_id) if actor_id is not None else None
    state = space.learn_space(actor, ScoringConfig.for_model(app_encoder().model_id))
    return {"labelled": state.labelled, **rematch_everything.__wrapped__()}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scheduled:
    """A job that cron (or a person) puts on the queue by name: ``flask jobs enqueue NAME``."""

    name: str
    function: object
    description: str


SCHEDULED = {
    "expire-introductions": Scheduled("expire-introductions", expire_introductions, "expire introductions"),
    "send-digest": Scheduled("send-digest", send_digest, "send the weekly digest"),
    "send-outbox": Scheduled("send-outbox", send_outbox, "send unsent outbox messages"),
    "rematch": Scheduled("rematch", rematch_everything, "recompute every match"),
    "embed": Scheduled("embed", embed_everything, "embed every text not stored yet"),
    "suggest-sectors": Scheduled(
        "suggest-sectors", suggest_sectors, "suggest sectors for every organisation whose text changed"
    ),
    "learn-space": Scheduled("learn-space", learn_space, "learn the similarity space, rematch"),
}
