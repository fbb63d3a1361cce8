"""Scoring and ranking on hand-made profiles where a person would agree with the outcome."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from matchmaker.engine import (
    COMPONENTS,
    CONFIDENT_MATCH_SCORE,
    LexicalIndex,
    Profile,
    embed_profiles,
    passes_hard_filters,
    rank_counterparts_for,
    rank_startups_for,
    score_pair,
)
from matchmaker.engine.ranking import filter_counts, filter_reason
from matchmaker.engine.scoring import LexicalEstimate, lexical_text, stage_ticket_fit, ticket_fit


def _candidates(profiles, encoder):
    return list(zip(profiles, embed_profiles(profiles, encoder), strict=True))


def test_ev_battery_startup_ranks_above_music_app_for_energy_partner(
    encoder, lexical, ev_battery, music_app, energy_partner
) -> None:
    (partner_vecs,) = embed_profiles([energy_partner], encoder)
    matches = rank_startups_for(
        energy_partner, partner_vecs, _candidates([music_app, ev_battery], encoder), lexical, k=2
    )
    assert [m.startup_id for m in matches] == [ev_battery.id, music_app.id]
    assert matches[0].score > matches[1].score + 0.2
    assert matches[0].confident and not matches[1].confident


def test_pre_seed_startup_filtered_for_series_b_investor(
    encoder, lexical, music_app, growth_investor
) -> None:
    big_raise = replace(music_app, raising_usd=20_000_000)  # in the ticket range, wrong stage
    assert not passes_hard_filters(big_raise, growth_investor)
    (vecs,) = embed_profiles([growth_investor], encoder)
    assert rank_startups_for(growth_investor, vecs, _candidates([big_raise], encoder), lexical) == []


def test_a_round_bigger_than_the_ticket_is_scored_not_filtered(ev_battery, growth_investor) -> None:
    """A ticket is the fund's cheque, not the round: a lead writes part of a larger round."""
    right_stage = replace(ev_battery, stage="series_b_plus")
    for raising in (2_000_000, 20_000_000, 80_000_000):
        assert passes_hard_filters(replace(right_stage, raising_usd=raising), growth_investor)
    fit = {
        raising: stage_ticket_fit(replace(right_stage, raising_usd=raising), growth_investor)
        for raising in (2_000_000, 20_000_000, 80_000_000, 400_000_000)
    }
    # $10-50M cheques: too big for a $2M round, a lead's share of $20M and of $80M, a follower's of $400M.
    assert fit == {2_000_000: 0.0, 20_000_000: 1.0, 80_000_000: 1.0, 400_000_000: 0.5}


def test_ticket_fit_of_a_seed_fund_and_a_series_a_round() -> None:
    # Rising Tide Fund leads Seed and Series A rounds with cheques up to $3M.
    assert ticket_fit(6_000_000, 250_000, 3_000_000) == 1.0
    assert ticket_fit(40_000_000, 250_000, 3_000_000) == 0.5
    assert ticket_fit(100_000, 250_000, 3_000_000) == 0.0
    assert ticket_fit(None, 250_000, 3_000_000) is None and ticket_fit(6_000_000, None, None) is None


def test_filter_counts_say_which_filter_emptied_a_list(ev_battery, growth_investor, energy_partner) -> None:
    hidden_partner = replace(energy_partner, listed=False)
    counts = filter_counts(ev_battery, [growth_investor, hidden_partner])
    assert counts == {"stage": 1, "hidden": 1}
    assert filter_reason(ev_battery, growth_investor) == "stage"
    assert filter_counts(replace(ev_battery, stage="growth"), [growth_investor]) == {}


def test_hidden_and_excluded_profiles_filtered(ev_battery, energy_partner) -> None:
    assert passes_hard_filters(ev_battery, energy_partner)
    assert not passes_hard_filters(replace(ev_battery, listed=False), energy_partner)
    assert not passes_hard_filters(ev_battery, replace(energy_partner, listed=False))
    assert not passes_hard_filters(replace(ev_battery, excluded_ids=frozenset({101})), energy_partner)
    assert not passes_hard_filters(ev_battery, replace(energy_partner, excluded_ids=frozenset({1})))


def test_empty_profile_gets_no_confident_match_and_hints(
    encoder, lexical, energy_partner, growth_investor
) -> None:
    empty = Profile(id=7, kind="startup", name="Blank")
    (empty_vecs,) = embed_profiles([empty], encoder)
    matches = rank_counterparts_for(
        empty, empty_vecs, _candidates([energy_partner, growth_investor], encoder), lexical
    )
    assert len(matches) == 2
    for match in matches:
        assert match.score < CONFIDENT_MATCH_SCORE and not match.confident
        assert any(hint.code == "seeks" for hint in match.missing)
        wants_stage = any(hint.code == "stage" for hint in match.missing)
        assert wants_stage == (match.counterpart_kind == "investor")
        assert all(c.similarity is None or c.name == "sectors" for c in match.components)


def test_missing_data_never_counts_as_agreement(encoder, lexical, ev_battery, energy_partner) -> None:
    no_sectors = replace(ev_battery, sectors=frozenset())
    vecs = embed_profiles([no_sectors, energy_partner], encoder)
    match = score_pair(no_sectors, vecs[0], energy_partner, vecs[1], lexical)
    sectors = next(c for c in match.components if c.name == "sectors")
    assert sectors.similarity is None and sectors.contribution == 0.0
    assert "Not compared" in sectors.sentence


def test_components_add_up_to_score_and_serialise(encoder, lexical, ev_battery, growth_investor) -> None:
    startup = replace(ev_battery, stage="series_b_plus", raising_usd=20_000_000)
    vecs = embed_profiles([startup, growth_investor], encoder)
    match = score_pair(startup, vecs[0], growth_investor, vecs[1], lexical)
    assert [c.name for c in match.components] == list(COMPONENTS)
    assert sum(c.weight for c in match.components) == pytest.approx(1.0)
    assert sum(c.contribution for c in match.components) == pytest.approx(match.score)
    for c in match.components:
        assert c.contribution == pytest.approx(c.weight * max(0.0, c.similarity or 0.0))
        assert c.sentence
    assert 0.0 <= match.score <= 1.0
    stage = next(c for c in match.components if c.name == "stage_ticket")
    assert stage.similarity == 1.0
    data = json.loads(json.dumps(match.to_dict()))
    assert data["score"] == pytest.approx(match.score, abs=1e-6)
    assert {p["kind"] for p in data["matched_phrases"]} >= {"offers_seeks", "shared_terms"}


def test_partner_has_no_stage_component(encoder, lexical, ev_battery, energy_partner) -> None:
    vecs = embed_profiles([ev_battery, energy_partner], encoder)
    match = score_pair(ev_battery, vecs[0], energy_partner, vecs[1], lexical)
    assert "stage_ticket" not in {c.name for c in match.components}
    best = next(p for p in match.matched_phrases if p.kind == "seeks_offers")
    assert "storage" in best.startup_text and "storage" in best.counterpart_text


def test_identical_candidates_tie_break_by_id(encoder, ev_battery, energy_partner) -> None:
    twins = [replace(ev_battery, id=i) for i in (30, 10, 20)]
    lexical = LexicalIndex().fit([lexical_text(p) for p in [*twins, energy_partner]])
    (vecs,) = embed_profiles([energy_partner], encoder)
    matches = rank_startups_for(energy_partner, vecs, _candidates(twins, encoder), lexical, k=3)
    assert [m.startup_id for m in matches] == [10, 20, 30]
    assert len({round(m.score, 9) for m in matches}) == 1


def test_diversity_avoids_near_duplicates(encoder, ev_battery, music_app, energy_partner) -> None:
    clones = [replace(ev_battery, id=i, name=f"Clone {i}") for i in range(1, 5)]
    other = replace(
        music_app,
        id=9,
        description="Software for solar power plants and energy storage dispatch on the grid.",
    )
    profiles = [*clones, other]
    lexical = LexicalIndex().fit([lexical_text(p) for p in [*profiles, energy_partner]])
    (vecs,) = embed_profiles([energy_partner], encoder)
    plain = rank_startups_for(energy_partner, vecs, _candidates(profiles, encoder), lexical, k=2)
    diverse = rank_startups_for(
        energy_partner, vecs, _candidates(profiles, encoder), lexical, k=2, diversity=0.7
    )
    assert all(m.startup_id in {1, 2, 3, 4} for m in plain)
    assert 9 in {m.startup_id for m in diverse}
    scores = [m.score for m in diverse]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_real_model_energy_partner_prefers_battery_startup(
    real_encoder, lexical, ev_battery, music_app, energy_partner
) -> None:
    (partner_vecs,) = embed_profiles([energy_partner], real_encoder)
    matches = rank_startups_for(
        energy_partner,
        partner_vecs,
        _candidates([music_app, ev_battery], real_encoder),
        lexical,
        k=2,
        encoder=real_encoder,
    )
    assert [m.startup_id for m in matches] == [ev_battery.id, music_app.id]
    assert matches[1].score < CONFIDENT_MATCH_SCORE <= matches[0].score
    assert matches[0].model_id == "all-MiniLM-L6-v2"
    assert np.isfinite([m.score for m in matches]).all()


def test_lexical_estimate_follows_meaning_and_needs_enough_pairs() -> None:
    from matchmaker.engine.scoring import COMPONENTS as NAMES

    rng = np.random.default_rng(0)
    rows = np.full((40, len(NAMES)), np.nan)
    text = rng.uniform(0, 1, 40)
    for name in ("seeks_offers", "offers_seeks", "description"):
        rows[:, NAMES.index(name)] = text
    rows[:, NAMES.index("lexical")] = 0.1 + 0.5 * text
    estimate = LexicalEstimate.fit(rows)
    assert estimate is not None
    assert estimate.intercept == pytest.approx(0.1) and estimate.slope == pytest.approx(0.5)
    probe = rows[:2].copy()
    probe[:, NAMES.index("lexical")] = np.nan
    assert estimate.predict(probe) == pytest.approx(0.1 + 0.5 * text[:2])
    assert LexicalEstimate.fit(rows[:5]) is None  # too few same-language pairs to learn from


def test_a_korean_and_an_english_profile_are_scored_on_estimated_words(
    encoder, ev_battery, energy_partner
) -> None:
    korean = replace(
        ev_battery, description="전기차 배터리 팩과 배터리 관리 시스템을 만듭니다.", seeks="투자", offers=""
    )
    lexical = LexicalIndex().fit([lexical_text(p) for p in (korean, energy_partner, ev_battery)])
    vecs = embed_profiles([korean, energy_partner], encoder)
    without = score_pair(korean, vecs[0], energy_partner, vecs[1], lexical)
    words = next(c for c in without.components if c.name == "lexical")
    assert words.weight == 0 and words.level == "not_comparable"
    assert sum(c.weight for c in without.components) == pytest.approx(1.0)
    lexical.estimate_ = LexicalEstimate(intercept=0.2, slope=0.5)
    estimated = score_pair(korean, vecs[0], energy_partner, vecs[1], lexical)
    words = next(c for c in estimated.components if c.name == "lexical")
    assert words.weight > 0 and words.level == "estimated" and words.similarity >= 0.2
    assert sum(c.contribution for c in estimated.components) == pytest.approx(estimated.score)


def test_explanations_agree_with_themselves(encoder, lexical, ev_battery, music_app, energy_partner) -> None:
    """A quoted sentence pair sits under a component that scored; names ending in s read right."""
    labs = replace(energy_partner, name="GridTwin Labs")
    for startup in (ev_battery, music_app):
        vecs = embed_profiles([startup, labs], encoder)
        match = score_pair(startup, vecs[0], labs, vecs[1], lexical, encoder=encoder)
        scored = {c.name for c in match.components if c.contribution > 0}
        for phrase in match.matched_phrases:
            component = "lexical" if phrase.kind == "shared_terms" else phrase.kind
            assert component in scored, (phrase, match.components)
        assert not any("Labs's" in c.sentence for c in match.components)


def test_a_korean_and_an_english_text_are_read_on_the_cross_language_scale(
    encoder, ev_battery, energy_partner
):
    from matchmaker.engine.scoring import CROSSLINGUAL_CALIBRATION, ScoringConfig, component_similarities

    model_id = next(iter(CROSSLINGUAL_CALIBRATION))
    config = ScoringConfig.for_model(model_id)
    assert (config.crosslingual_floor, config.crosslingual_ceiling) == CROSSLINGUAL_CALIBRATION[model_id]
    korean = replace(
        ev_battery,
        description="전기차 배터리 팩과 관리 시스템을 만듭니다",
        seeks="에너지 기업",
        offers="배터리 데이터",
    )
    vecs = embed_profiles([korean, energy_partner], encoder)
    across = component_similarities([korean], [vecs[0]], [energy_partner], [vecs[1]], config=config)
    same_scale = replace(config, crosslingual_floor=None, crosslingual_ceiling=None)
    plain = component_similarities([korean], [vecs[0]], [energy_partner], [vecs[1]], config=same_scale)
    text = [COMPONENTS.index(n) for n in ("seeks_offers", "offers_seeks", "description")]
    present = ~np.isnan(plain[0, text])
    assert (across[0, text][present] >= plain[0, text][present]).all()
    # Two English profiles keep the model's own scale.
    english = component_similarities([ev_battery], [vecs[0]], [energy_partner], [vecs[1]], config=config)
    assert np.allclose(
        english,
        component_similarities([ev_battery], [vecs[0]], [energy_partner], [vecs[1]], config=same_scale),
        equal_nan=True,
    )
