"""Learning from outcomes: read what happened to past pairs, fit the engine's learner, keep the learned
weights, and hand the ranking the configuration to use (today's, unless learning is on and has learned).

Good: an introduction the other side accepted, that led to a meeting, a pilot, an investment or a
collaboration. Not good: one the other side declined, an outcome of "no fit", and a "not interested".
Staff decisions, withdrawals and expiries say nothing about the pair and are left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from matchmaker.engine.learning import Observation, OutcomeLearner
from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.scoring import ScoringConfig, component_similarities
from matchmaker.extensions import db
from matchmaker.matching.candidates import to_profile
from matchmaker.matching.embeddings import stored_encoder
from matchmaker.matching.lexical import lexical_index
from matchmaker.matching.space import active_space
from matchmaker.matching.switches import check_staff, put_setting, switch_setting
from matchmaker.models import (
    AuditEvent,
    Dismissal,
    DismissalKind,
    Introduction,
    IntroState,
    Organisation,
    Outcome,
    Setting,
    User,
    utcnow,
)

ENABLED_KEY = "learning.enabled"
LEARNED_KEY = "learning.weights"
GOOD_OUTCOMES = {Outcome.PILOT.value, Outcome.INVESTMENT.value, Outcome.COLLABORATION.value}
GOOD_STATES = {IntroState.ACCEPTED.value, IntroState.INTRODUCED.value, IntroState.MET.value}


@dataclass(frozen=True)
class LearnedWeights:
    """What the last fit learned, as stored: weights per kind and per counterpart, and the history size."""

    partner: dict[str, float]
    investor: dict[str, float]
    counterparts: dict[int, dict[str, float]]
    history: dict[str, int]
    fitted_at: str

    @property
    def fitted_moment(self) -> datetime | None:
        return datetime.fromisoformat(self.fitted_at) if self.fitted_at else None

    @property
    def has_history(self) -> bool:
        return any(self.history.values())


def _setting(key: str) -> Any:
    row = db.session.get(Setting, key)
    return None if row is None else row.value


def learning_enabled() -> bool:
    """Whether ranking uses learned weights (on unless staff switched it off; nothing changes until
    something is learned)."""
    value = _setting(ENABLED_KEY)
    return True if value is None else bool(value)


def learned() -> LearnedWeights | None:
    """The stored result of the last fit, if any."""
    value = _setting(LEARNED_KEY)
    if not value:
        return None
    counterparts = {int(k): dict(v) for k, v in value.get("counterparts", {}).items()}
    return LearnedWeights(
        value["partner"],
        value["investor"],
        counterparts,
        value.get("history", {}),
        value.get("fitted_at", ""),
    )


def active_config(base: ScoringConfig) -> ScoringConfig:
    """``base`` with the learned weights when learning is on and has learned from some history, and
    the learned similarity space when one is stored and switched on (`services.space`)."""
    config = base
    weights = learned()
    if weights is not None and weights.has_history and learning_enabled():
        config = replace(
            config,
            partner_weights=weights.partner,
            investor_weights=weights.investor,
            counterpart_weights=weights.counterparts,
        )
    space = active_space()
    return replace(config, space=space) if space is not None else config


def weights_tag(config: ScoringConfig, base: ScoringConfig) -> str:
    """A short tag naming the weights and space in use ('' for today's), so stored matches show what
    made them."""
    if config is base:
        return ""
    tags = []
    weights = (config.partner_weights, config.investor_weights, config.counterpart_weights)
    if weights != (base.partner_weights, base.investor_weights, base.counterpart_weights):
        payload = [
            config.partner_weights,
            config.investor_weights,
            sorted(config.counterpart_weights.items()),
        ]
        tags.append("w" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:8])
    if config.space is not None:
        tags.append(config.space.version)
    return "+".join(tags)


def _label(introduction: Introduction) -> bool | None:
    if introduction.outcome in GOOD_OUTCOMES or introduction.state in GOOD_STATES:
        return True
    if introduction.outcome == Outcome.NO_FIT.value or introduction.state == IntroState.DECLINED.value:
        return False
    return None


def labelled_pairs() -> dict[tuple[int, int], bool]:
    """(startup id, counterpart id) -> good or not; the latest word on a pair counts."""
    pairs: dict[tuple[int, int], tuple[datetime, bool]] = {}

    def keep(pair: tuple[int, int], moment: datetime, good: bool) -> None:
        if pair not in pairs or pairs[pair][0] <= moment:
            pairs[pair] = (moment, good)

    for introduction in db.session.scalars(select(Introduction)):
        good = _label(introduction)
        if good is not None:
            keep((introduction.startup_id, introduction.counterpart_id), introduction.state_changed_at, good)
    kinds = dict(db.session.execute(select(Organisation.id, Organisation.kind)).tuples().all())
    for dismissal in db.session.scalars(
        select(Dismissal).where(Dismissal.kind == DismissalKind.NOT_INTERESTED.value)
    ):
        a, b = dismissal.organisation_id, dismissal.other_id
        pair = (a, b) if kinds.get(a) == "startup" else (b, a)
        keep(pair, dismissal.created_at, False)
    return {pair: good for pair, (_, good) in pairs.items()}


def history(base: ScoringConfig) -> list[Observation]:
    """Every labelled pair with its components as the engine computes them from today's profiles."""
    labels = labelled_pairs()
    if not labels:
        return []
    ids = {i for pair in labels for i in pair}
    organisations = {
        o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }
    pairs = [(s, c) for s, c in sorted(labels) if s in organisations and c in organisations]
    profiles = {i: to_profile(o) for i, o in organisations.items()}
    encoder = stored_encoder()
    vectors = dict(zip(profiles, embed_profiles(list(profiles.values()), encoder), strict=True))
    sims = component_similarities(
        [profiles[s] for s, _ in pairs],
        [vectors[s] for s, _ in pairs],
        [profiles[c] for _, c in pairs],
        [vectors[c] for _, c in pairs],
        lexical_index(),
        config=base,
    )
    return [
        Observation(tuple(float(v) for v in row), labels[(s, c)], profiles[c].kind, c)
        for (s, c), row in zip(pairs, sims, strict=True)
    ]


def learn(actor: User | None, base: ScoringConfig) -> LearnedWeights:
    """Fit the learner on the whole history and store what it learned, with an audit event."""
    check_staff(actor)
    # The components are read as ranking reads them: in the learned similarity space when it is on.
    learner = OutcomeLearner().fit(history(replace(base, space=active_space())), base)
    value = {
        "partner": learner.kind_weights_["partner"],
        "investor": learner.kind_weights_["investor"],
        "counterparts": {str(k): v for k, v in learner.counterpart_weights_.items()},
        "history": learner.history_,
        "fitted_at": utcnow().isoformat(),
    }
    put_setting(LEARNED_KEY, value, actor)
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action="learning.fitted",
            details={"history": learner.history_, "counterparts": sorted(learner.counterpart_weights_)},
        )
    )
    db.session.commit()
    result = learned()
    assert result is not None
    return result


def set_learning(actor: User, enabled: bool) -> None:
    """Switch learning on or off; one transaction with its audit event."""
    switch_setting(actor, ENABLED_KEY, enabled, "learning.switched", before=learning_enabled())


def audit_trail(limit: int = 20) -> list[AuditEvent]:
    """The latest learning events (switches and fits), newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action.in_(
                    [
                        "learning.switched",
                        "learning.fitted",
                        "learning.space_switched",
                        "learning.space_fitted",
                    ]
                )
            )
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


def weight_table(base: ScoringConfig) -> list[tuple[str, Mapping[str, float | None]]]:
    """Per component: today's and the learned weight for partners and for investors (None: not used)."""
    weights = learned()
    rows: list[tuple[str, Mapping[str, float | None]]] = []
    for name in ("seeks_offers", "offers_seeks", "description", "sectors", "stage_ticket", "lexical"):
        rows.append(
            (
                name,
                {
                    "partner_default": base.partner_weights.get(name),
                    "partner_learned": weights.partner.get(name) if weights else None,
                    "investor_default": base.investor_weights.get(name),
                    "investor_learned": weights.investor.get(name) if weights else None,
                },
            )
        )
    return rows
