"""The pairs either side dismissed ("not interested", "already met"): never matched again.

Below the refresh (which leaves them out) and the review lists (which show the dismissals).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Dismissal


def excluded_pairs() -> dict[int, set[int]]:
    """Organisation id -> ids it must never be matched with (both directions); for the matching engine."""
    pairs: dict[int, set[int]] = defaultdict(set)
    for a, b in db.session.execute(select(Dismissal.organisation_id, Dismissal.other_id)):
        pairs[a].add(b)
        pairs[b].add(a)
    return dict(pairs)
