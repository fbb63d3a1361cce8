"""Sector suggestions for a profile, learned from the organisations whose sectors are known."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, OrganisationSector
from matchmaker.services.embeddings import stored_encoder
from matchmaker.services.matching import to_profile

if TYPE_CHECKING:  # scikit-learn is loaded where a suggester is fitted, not by every web process
    from matchmaker.engine.sectors import SectorSuggester

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
    from matchmaker.engine.sectors import SectorSuggester

    suggester = SectorSuggester(encoder=stored_encoder())
    if labelled:
        suggester.fit([to_profile(o).all_text for o in labelled], [o.sectors for o in labelled])
    db.session.commit()  # keep the embeddings the fit stored
    current_app.extensions[_KEY] = (signature, time.monotonic(), suggester)
    return suggester


def suggest_sectors(organisation: Organisation) -> list[tuple[str, float]]:
    """Sectors the organisation's own words point to, best first, with a score in [0, 1]."""
    text = to_profile(organisation).all_text
    if not text.strip():
        return []
    suggester = sector_suggester()
    suggester.encoder = stored_encoder()  # bind to this request's session
    suggestions = [
        (sector, score) for sector, score in suggester.suggest([text])[0] if score >= MIN_SHOWN_SCORE
    ]
    db.session.commit()
    return suggestions
