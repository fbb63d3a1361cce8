"""Reading the stored match of a startup and a partner or investor, for pages that show pairs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match

Pair = tuple[int, int]  # (startup id, counterpart id)


def match_of(startup_id: int, counterpart_id: int) -> Match | None:
    """The pair's computed match, or None when none is stored (filtered out, or not computed yet)."""
    return db.session.scalar(
        select(Match).where(Match.startup_id == startup_id, Match.counterpart_id == counterpart_id)
    )


def matches_of(pairs: Iterable[Pair]) -> dict[Pair, Match]:
    """The stored matches of ``pairs``, keyed by pair; pairs without one are absent."""
    wanted = set(pairs)
    if not wanted:
        return {}
    candidates = db.session.scalars(
        select(Match).where(
            Match.startup_id.in_({s for s, _ in wanted}), Match.counterpart_id.in_({c for _, c in wanted})
        )
    )
    return {pair: m for m in candidates if (pair := (m.startup_id, m.counterpart_id)) in wanted}
