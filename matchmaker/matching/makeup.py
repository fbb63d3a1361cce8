"""How a startup's score with each partner and investor is made up, for the chart on its page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, OrganisationKind

# The order of the segments, left to right, and their colours in the stylesheet.
COMPONENTS = ("seeks_offers", "offers_seeks", "description", "sectors", "stage_ticket", "lexical")


@dataclass(frozen=True)
class MakeupRow:
    """One counterpart: each component's points (they add up to the score) and the score."""

    counterpart: Organisation
    points: list[tuple[str, float]]
    percent: int


def score_makeup(startup: Organisation, limit: int = 8) -> list[MakeupRow]:
    """The startup's best matches, each split into the points its components contributed."""
    if startup.kind != OrganisationKind.STARTUP:
        return []
    matches = db.session.scalars(
        select(Match).where(Match.startup_id == startup.id).order_by(Match.score.desc()).limit(limit)
    )
    rows = []
    for match in matches:
        found = {c.get("name"): c for c in (match.explanation or {}).get("components", [])}
        points = [
            (name, round(100 * float(found[name].get("contribution") or 0), 1))
            for name in COMPONENTS
            if name in found
        ]
        rows.append(MakeupRow(match.counterpart, points, match.percent))
    return rows
