"""The app ranks with the configuration `evaluate` measures as "as deployed"."""

from __future__ import annotations

from matchmaker.engine import scoring
from matchmaker.evaluation import evaluate
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import app_encoder


def test_the_app_and_evaluate_build_the_default_configuration_with_one_function(app, monkeypatch):
    model_id = app_encoder().model_id
    assert matching.deployed_config is scoring.deployed_config is evaluate.deployed_config
    assert matching.scoring_config(app_encoder()) == evaluate.as_deployed_config(model_id)
    # One code path: change what the engine builds by default and both follow it.
    marked = scoring.ScoringConfig(lexical_ceiling=0.5, cosine_floor=0.123)
    monkeypatch.setattr(scoring.ScoringConfig, "for_model", classmethod(lambda cls, _m, **_o: marked))
    assert matching.scoring_config(app_encoder()) == marked == evaluate.as_deployed_config(model_id)
