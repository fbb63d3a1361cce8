"""What the staff learning page does: learn weights or a similarity space, then rank every match again.

Whether the ranking runs on the job queue or here is decided in this module, not in the view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from matchmaker.engine.scoring import ScoringConfig, deployed_config
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import learning, refresh, space
from matchmaker.matching.embeddings import app_encoder
from matchmaker.models import Organisation, User


def base_config() -> ScoringConfig:
    """Today's weights for the model in use: what learning starts from and is shown against."""
    return deployed_config(app_encoder().model_id)


def counterpart_names(weights: learning.LearnedWeights | None) -> dict[int, str]:
    """The names of the partners that have weights of their own."""
    if not weights or not weights.counterparts:
        return {}
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(weights.counterparts))
    )
    return dict(rows.tuples().all())


def rank_again() -> int | None:
    """Rank every stored match again: on the job queue when there is one (the page returns at once;
    /staff/jobs/ shows the job), else here. The number of matches, or None when queued."""
    if jobs.queue_enabled():
        ref = jobs.enqueue(
            "rematch",
            description="rematch everything (staff learning page)",
            inline_fallback=False,  # Redis down: ranked here, below
        )
        if ref.id is not None:
            return None
    return refresh.rematch_all()


@dataclass(frozen=True)
class SpaceOutcome:
    """What asking to learn the space did: queued (or refused by Redis), or learned here."""

    queued: bool = False
    error: str | None = None  # the queue did not answer: nothing was learned
    state: space.SpaceState | None = None  # learned here
    ranked: int | None = None  # matches ranked again after learning here


def learn_space(actor: User) -> SpaceOutcome:
    """Learn the similarity space: on the queue when there is one (embedding every organisation and
    fitting is the worker's work, not a page view's), else here, followed by ranking every match."""
    if jobs.queue_enabled():
        ref = jobs.enqueue(
            "learn-space",
            actor.id,
            description="learn the similarity space (staff learning page)",
            inline_fallback=False,
        )
        return SpaceOutcome(queued=ref.id is not None, error=ref.error if ref.id is None else None)
    state = space.learn_space(actor, base_config())
    return SpaceOutcome(state=state, ranked=refresh.rematch_all() if state.fitted else None)
