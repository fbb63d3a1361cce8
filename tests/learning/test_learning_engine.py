"""The outcome learner: no history gives today's ranking exactly, thin history stays near it, enough
history finds a hidden preference, and explanations still add up to their scores."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.engine import HashingEncoder, LexicalIndex, Profile
from matchmaker.engine.learning import Observation, OutcomeLearner
from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.ranking import rank_counterparts_for, rank_startups_for
from matchmaker.engine.scoring import COMPONENTS, PARTNER_WEIGHTS, ScoringConfig, lexical_text

BASE = ScoringConfig.for_model("hashing-v1")
TEXTS = [
    ("Battery storage for the grid", "Grid pilots", "Battery packs", ["energy"], "seed"),
    ("Solar forecasting with AI", "Utility data", "Forecasts", ["energy"], "series_a"),
    ("EV charging network software", "Car makers", "Charging software", ["automotive", "energy"], "seed"),
    ("Music streaming for K-indie", "Audiences", "Playlists", ["content"], "pre_seed"),
    ("Radiology triage with vision models", "Hospitals", "Triage AI", ["healthcare"], "series_a"),
    ("Battery recycling robots", "Recyclers", "Robots for battery recycling", ["energy"], None),
]


def _world():
    startups = [
        Profile(
            id=i + 1,
            kind="startup",
            name=f"S{i}",
            description=d,
            seeks=s,
            offers=o,
            sectors=frozenset(sec),
            stage=st,
        )
        for i, (d, s, o, sec, st) in enumerate(TEXTS)
    ]
    partner = Profile(
        id=100,
        kind="partner",
        name="GridCo",
        description="A utility",
        seeks="Battery storage and solar forecasting",
        offers="Grid pilots",
        sectors=frozenset({"energy"}),
    )
    investor = Profile(
        id=200,
        kind="investor",
        name="Fund",
        description="Seed fund for energy",
        seeks="Energy startups",
        offers="Seed money",
        sectors=frozenset({"energy"}),
        investor_stages=frozenset({"seed", "series_a"}),
    )
    encoder = HashingEncoder()
    everyone = [*startups, partner, investor]
    vectors = dict(zip([p.id for p in everyone], embed_profiles(everyone, encoder), strict=True))
    lexical = LexicalIndex().fit([lexical_text(p) for p in everyone])
    return startups, partner, investor, vectors, lexical, encoder


def _ranked(config):
    startups, partner, investor, vectors, lexical, encoder = _world()
    candidates = [(s, vectors[s.id]) for s in startups]
    lists = [
        rank_startups_for(
            partner, vectors[partner.id], candidates, lexical, k=10, config=config, encoder=encoder
        ),
        rank_startups_for(
            investor, vectors[investor.id], candidates, lexical, k=10, config=config, encoder=encoder
        ),
        rank_counterparts_for(
            startups[0],
            vectors[1],
            [(partner, vectors[100]), (investor, vectors[200])],
            lexical,
            config=config,
            encoder=encoder,
        ),
    ]
    return [[(m.startup_id, m.counterpart_id, m.score, m.components) for m in ranked] for ranked in lists]


def _observations(n: int, hidden: dict[str, float], kind: str = "partner", seed: int = 0, ids=(100,)):
    """Pairs whose outcome follows a hidden preference over the components."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        sims = rng.uniform(0, 1, len(COMPONENTS))
        utility = sum(w * sims[COMPONENTS.index(c)] for c, w in hidden.items())
        good = rng.uniform() < 1 / (1 + np.exp(-12 * (utility - 0.5)))
        out.append(Observation(tuple(sims), bool(good), kind, ids[i % len(ids)]))
    return out


def test_an_empty_history_gives_todays_ranking_exactly():
    learner = OutcomeLearner().fit([], BASE)
    assert learner.config(BASE) is BASE
    assert learner.kind_weights_["partner"] == dict(BASE.partner_weights)
    assert _ranked(learner.config(BASE)) == _ranked(None)
    assert _ranked(learner.config(BASE)) == _ranked(BASE)


def test_history_of_one_kind_leaves_the_other_kind_exactly_as_today():
    learner = OutcomeLearner().fit(_observations(200, {"sectors": 1.0}), BASE)
    assert learner.kind_weights_["investor"] == dict(BASE.investor_weights)
    assert learner.kind_weights_["partner"] != dict(BASE.partner_weights)


def test_thin_history_stays_near_todays_weights():
    learner = OutcomeLearner().fit(_observations(4, {"sectors": 1.0}), BASE)
    for name, weight in PARTNER_WEIGHTS.items():
        assert learner.kind_weights_["partner"][name] == pytest.approx(weight, abs=0.05)


def test_enough_history_finds_the_hidden_preference():
    hidden = {"sectors": 0.7, "offers_seeks": 0.3}
    learner = OutcomeLearner().fit(_observations(1500, hidden), BASE)
    learned = learner.kind_weights_["partner"]
    assert learned["sectors"] > 0.4 > PARTNER_WEIGHTS["sectors"]
    assert learned["description"] < PARTNER_WEIGHTS["description"] / 2
    assert sum(learned.values()) == pytest.approx(1.0)
    # On fresh pairs, the learned weights order good outcomes above bad ones better than today's.
    test = _observations(2000, hidden, seed=1)
    x = np.nan_to_num(np.array([o.similarities for o in test]))
    y = np.array([o.good for o in test])

    def auc(weights):
        scores = x @ np.array([weights.get(c, 0.0) for c in COMPONENTS])
        pos, neg = scores[y], scores[~y]
        return (pos[:, None] > neg[None, :]).mean()

    assert auc(learned) > auc(PARTNER_WEIGHTS) + 0.05


def test_a_partner_with_enough_history_gets_its_own_weights_and_explanations_add_up():
    history = _observations(400, {"sectors": 0.8, "lexical": 0.2}, ids=(100,))
    history += _observations(400, {"description": 1.0}, seed=3, ids=(101, 102, 103, 104, 105, 106, 107, 108))
    learner = OutcomeLearner(min_counterpart_history=100).fit(history, BASE)
    assert set(learner.counterpart_weights_) == {100}
    assert learner.counterpart_weights_[100]["sectors"] > learner.kind_weights_["partner"]["sectors"]
    config = learner.config(BASE)
    assert config.weights_for("partner", counterpart_id=100) != config.weights_for(
        "partner", counterpart_id=101
    )
    for ranked in _ranked(config):
        for _, _, score, components in ranked:
            assert sum(c.contribution for c in components) == pytest.approx(score, abs=1e-9)
            assert sum(c.weight for c in components) == pytest.approx(1.0)
    assert _ranked(config) != _ranked(BASE)
