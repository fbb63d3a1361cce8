"""Sector suggestions for a profile, learned from the organisations whose sectors are known.

Fitting the suggester needs Kiwi, scikit-learn and the model. Where a job worker exists, the web
process never does: the worker computes each profile's suggestions after its save (and for every
profile at a rematch) and stores them with the hash of the text they were computed from; the page
reads them, and asks the worker when they are missing or stale. Inline (no Redis), as before.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matchmaker.engine.text import normalise_text, text_hash
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching.embeddings import stored_encoder
from matchmaker.matching.refresh import to_profile
from matchmaker.models import Organisation, OrganisationSector, SectorSuggestion

if TYPE_CHECKING:  # scikit-learn is loaded where a suggester is fitted, not by every web process
    from matchmaker.engine.sectors import SectorSuggester  # scikit-learn: the worker loads it, not the web

_KEY = "matchmaker.sector_suggester"
# The suggester's thresholds maximise F1 over many profiles; a person is only shown a sector that
# their own words make more likely than not (the models are class-balanced, so 0.5 means that).
MIN_SHOWN_SCORE = 0.5


# Edits of labelled profiles are folded into the suggester at most this often: refitting takes seconds
# and every save edits a profile, so refitting at each change made the page after a save slow. A
# profile added or removed refits at once (the labels themselves changed).
EDITS_REFIT_SECONDS = 600


def _signature() -> tuple[int, Any]:
    """How many profiles carry sectors, and when the latest of them was edited."""
    labelled = select(OrganisationSector.organisation_id).distinct().scalar_subquery()
    count, latest = db.session.execute(
        select(func.count(), func.max(Organisation.updated_at)).where(Organisation.id.in_(labelled))
    ).one()
    return int(count), latest


def _still_good(cached: tuple[tuple[int, Any], float, Any] | None, signature: tuple[int, Any]) -> bool:
    if cached is None:
        return False
    (count, latest), fitted_at, _ = cached
    if count != signature[0]:
        return False
    return latest == signature[1] or time.monotonic() - fitted_at < EDITS_REFIT_SECONDS


def sector_suggester() -> SectorSuggester:
    """A suggester fitted on the database's labelled profiles (prototypes where examples are few).

    Refitted when a labelled profile is added or removed, and for edits at most every
    EDITS_REFIT_SECONDS."""
    signature = _signature()
    cached: tuple[tuple[int, Any], float, SectorSuggester] | None = current_app.extensions.get(_KEY)
    if cached is not None and _still_good(cached, signature):
        return cached[2]
    labelled = list(
        db.session.scalars(
            select(Organisation).where(Organisation.sector_links.any()).order_by(Organisation.id)
        )
    )
    from matchmaker.engine.sectors import SectorSuggester  # scikit-learn: the worker loads it, not the web

    suggester = SectorSuggester(encoder=stored_encoder())
    if labelled:
        suggester.fit([to_profile(o).all_text for o in labelled], [o.sectors for o in labelled])
    db.session.commit()  # keep the embeddings the fit stored
    current_app.extensions[_KEY] = (signature, time.monotonic(), suggester)
    return suggester


def compute_sector_suggestions(organisation: Organisation) -> list[tuple[str, float]]:
    """Every sector's score for the organisation's own words, best first (fits the suggester)."""
    text = to_profile(organisation).all_text
    if not text.strip():
        return []
    suggester = sector_suggester()
    suggester.encoder = stored_encoder()  # bind to this session
    suggestions = [(sector, float(score)) for sector, score in suggester.suggest([text])[0]]
    db.session.commit()
    return suggestions


def _text_hash(organisation: Organisation) -> str:
    return text_hash(normalise_text(to_profile(organisation).all_text))


def store_sector_suggestions(organisation_ids: list[int] | None = None, force: bool = False) -> int:
    """Compute and store the suggestions of these organisations (every one when None); in the worker.
    Returns how many were (re)computed; an unchanged text keeps its stored suggestions unless
    ``force`` (after a rematch, when the suggester may have learned from new labels)."""
    statement = select(Organisation).order_by(Organisation.id)
    if organisation_ids is not None:
        statement = statement.where(Organisation.id.in_(organisation_ids))
    computed = 0
    for organisation in list(db.session.scalars(statement)):
        digest = _text_hash(organisation)
        row = db.session.get(SectorSuggestion, organisation.id)
        if row is not None and row.text_hash == digest and not force:
            continue
        suggestions = [[sector, score] for sector, score in compute_sector_suggestions(organisation)]
        if row is None:
            db.session.add(
                SectorSuggestion(organisation_id=organisation.id, text_hash=digest, suggestions=suggestions)
            )
        else:
            row.text_hash, row.suggestions = digest, suggestions
        try:
            db.session.commit()
        except IntegrityError:  # another worker stored it meanwhile
            db.session.rollback()
        computed += 1
    return computed


def _shown(suggestions: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(sector, score) for sector, score in suggestions if score >= MIN_SHOWN_SCORE]


def suggest_sectors(organisation: Organisation) -> list[tuple[str, float]]:
    """Sectors the organisation's own words point to, best first, with a score in [0, 1].

    With a job worker: the stored suggestions for the current text, or none while the worker
    computes them (it is asked here, once per text)."""
    if not jobs.queue_enabled():
        return _shown(compute_sector_suggestions(organisation))
    if not to_profile(organisation).all_text.strip():
        return []
    digest = _text_hash(organisation)
    row = db.session.get(SectorSuggestion, organisation.id)
    if row is not None and row.text_hash == digest:
        return _shown([(str(sector), float(score)) for sector, score in row.suggestions])
    queue_sector_suggestions(organisation)
    return []


def queue_sector_suggestions(organisation: Organisation) -> None:
    """Ask the worker for the organisation's suggestions (once per text: the job is named after it)."""

    jobs.enqueue(
        "suggest-sectors",
        [organisation.id],
        description=f"suggest sectors for organisation {organisation.id}",
        meta={"organisation_id": organisation.id, "kind": "sectors"},
        unique_id=f"sectors-{organisation.id}-{_text_hash(organisation)[:16]}",
        inline_fallback=False,  # a page asked: never the model in a web process
    )
