"""The background jobs themselves: plain functions of ids, safe to run twice (RQ retries them).

Each is listed by name in ``matchmaker.jobs.registry``; services enqueue that name and never import
this module, which imports the services it runs.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, func, select

from matchmaker.engine.scoring import ScoringConfig
from matchmaker.extensions import db
from matchmaker.introductions.requests import expire_stale
from matchmaker.jobs import queue as jobs
from matchmaker.mail.notifications import send_now
from matchmaker.matching import pending, space
from matchmaker.matching import refresh as matching
from matchmaker.matching.advice import store_advice
from matchmaker.matching.digest import send_digest as write_digests
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.matching.sectors import queue_sector_suggestions, store_sector_suggestions
from matchmaker.models import Organisation, OutboxMessage, PendingRefresh, User, utcnow
from matchmaker.operations import metrics
from matchmaker.organisations import bilingual
from matchmaker.organisations.imports import run_import
from matchmaker.partnering import days, meetings

logger = logging.getLogger(__name__)


@jobs.job_function
def refresh_organisation(organisation_id: int, requested_at: str | None = None) -> dict[str, int]:
    """Embed one organisation's changed texts and replace its matches (one transaction).

    Killed halfway, the transaction never commits: the old matches stay and the job runs again. A job
    whose save was followed by another one (already queued) leaves the work to that later job.
    """
    stamp = datetime.fromisoformat(requested_at) if requested_at else None
    waiting = pending.pending_refresh(organisation_id)
    if stamp is not None and waiting is not None and waiting.requested_at > stamp and _queued(waiting.job_id):
        # Saved again since: the job of that later save is queued and does this work once, newer.
        jobs.set_progress(1.0, stage="superseded")
        return {"matches": 0, "embedded_texts": 0, "superseded": 1}
    jobs.set_progress(0.05, stage="embedding")
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:  # deleted since it was saved: nothing to refresh
        pending.clear_pending(organisation_id, None)
        db.session.commit()
        return {"matches": 0, "embedded_texts": 0}
    report = matching.refresh_matches_for(organisation)
    _check_versions(organisation)
    jobs.set_progress(0.95, stage="storing")
    pending.clear_pending(organisation_id, stamp)
    db.session.commit()
    metrics.observe_save_to_fresh(stamp)
    if jobs.running_in_worker():  # inline, the page computes them itself when it is shown
        # A job of its own, queued behind the refreshes already waiting: fresh matches come first.
        queue_sector_suggestions(organisation)
    logger.info(
        "refreshed %d matches of organisation %s (%d texts embedded)",
        report.matches,
        organisation_id,
        report.embedded_texts,
    )
    return {"matches": report.matches, "embedded_texts": report.embedded_texts}


def _queued(job_id: str | None) -> bool:
    """Whether the job ``job_id`` is on the queue, waiting or running. A save stores its job's id with
    its pending mark before it queues the job: until then (or if the saving process died in between)
    the id names no job, and this job does the work rather than leave it to one that may never come."""
    ref = jobs.fetch(job_id) if job_id else None
    return ref is not None and ref.state in {"queued", "scheduled", "started", "deferred"}


def _check_versions(organisation: Organisation) -> None:
    """Compare each text's two language versions while the model is loaded (a warning, never a failure)."""

    try:
        bilingual.check_consistency(organisation, stored_encoder())
    except Exception:  # the matches are stored; the next save checks again
        db.session.rollback()
        logger.exception("comparing the language versions of organisation %s failed", organisation.id)


@jobs.job_function
def rematch_everything() -> dict[str, int]:
    """Recompute every match, with progress; each organisation's matches change in one transaction."""

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
    bilingual.check_unaligned(stored_encoder())  # versions from before their quotes were aligned
    if jobs.running_in_worker():  # the suggester may have learned from new labels: every profile
        _store_sector_suggestions(None)
    return {"matches": matches, "startups": total}


def _store_sector_suggestions(organisation_ids: list[int] | None) -> None:
    """After a rematch: the sector suggestions of these organisations, recomputed (a failure here
    leaves the fresh matches alone; the pages ask again)."""
    try:
        store_sector_suggestions(organisation_ids, force=True)
    except Exception:
        db.session.rollback()
        logger.exception("sector suggestions of %s failed", organisation_ids or "every organisation")


@jobs.job_function
def suggest_sectors(organisation_ids: list[int] | None = None) -> dict[str, int]:
    """Compute and store sector suggestions (these organisations, or every one); unchanged texts are
    skipped, so running it twice does nothing new."""
    return {"computed": store_sector_suggestions(organisation_ids)}


@jobs.job_function
def compute_advice(startup_id: int, counterpart_id: int) -> dict[str, int]:
    """Compute and store "what would raise this match" for one pair (the page polls for it)."""
    jobs.set_progress(0.1, stage="advice")
    return {"stored": int(store_advice(startup_id, counterpart_id))}


@jobs.job_function
def import_organisations(import_id: int) -> dict[str, int]:
    """Run a confirmed import (``organisations/imports.py``); a retry resumes after the rows already done."""
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
    return {"embedded_texts": matching.embed_all()}


@jobs.job_function
def send_digest() -> dict[str, int]:
    """Each member's best new matches; a pair is mailed once, so running it twice sends nothing new."""
    report = write_digests()
    return {"messages": report.messages, "matches": report.matches}


@jobs.job_function
def expire_introductions() -> dict[str, int]:
    """Expire unanswered requests and release waiting lines (nothing new when run twice)."""
    return {"expired": expire_stale()}


@jobs.job_function
def send_outbox(message_ids: list[int] | None = None) -> dict[str, int]:
    """Send unsent outbox messages over SMTP (the given ones, or every unsent one); sent ones are skipped."""
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
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    state = space.learn_space(actor, ScoringConfig.for_model(app_encoder().model_id))
    return {"labelled": state.labelled, **rematch_everything.__wrapped__()}  # type: ignore[attr-defined]


@jobs.job_function
def generate_partnering(
    day_id: int, actor_id: int | None = None, fill_unbooked_only: bool = False
) -> dict[str, int]:
    """Generate (or fill) a partnering day's schedule with the optimiser, reporting its progress."""

    def progress(fraction: float, message: str) -> None:
        jobs.set_progress(fraction, stage=message)

    summary = days.generate(day_id, actor_id, fill_unbooked_only, progress=progress)
    return {"meetings": int(summary["meetings"]), "welfare": int(summary["welfare"])}


@jobs.job_function
def partnering_reminders() -> dict[str, int]:
    """Queue the meeting reminders that are due (the evening before, and 15 minutes before)."""

    return {"reminders": meetings.reminders_due()}
