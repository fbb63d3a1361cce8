"""'What would raise this match': each suggestion, applied to the profile, raises the stored score by
about the points it promised."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from matchmaker.engine import HashingEncoder, LexicalIndex, Profile
from matchmaker.engine.advice import pair_score, suggest_changes
from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.scoring import ScoringConfig, lexical_text
from matchmaker.extensions import db
from matchmaker.matching import advice
from matchmaker.matching import refresh as matching
from matchmaker.models import Match
from matchmaker.organisations import profiles as organisations

INVESTOR = Profile(
    id=20,
    kind="investor",
    name="Rising Tide Fund",
    description="A seed fund for mobility and energy startups in Honam.",
    offers="Seed cheques, follow-on capital and a network of carmakers.",
    seeks="Startups building battery storage, charging and energy software.",
    sectors=frozenset({"energy", "automotive"}),
    investor_stages=frozenset({"seed", "series_a"}),
    ticket_min_usd=300_000,
    ticket_max_usd=1_000_000,
    tags=("battery", "ESS"),
)
THIN_STARTUP = Profile(id=1, kind="startup", name="VoltCell", description="We reuse EV batteries.")


def _fixture():
    encoder = HashingEncoder()
    profiles = [THIN_STARTUP, INVESTOR]
    lexical = LexicalIndex().fit(
        [lexical_text(p) for p in profiles] + ["music streaming app", "radiology AI"]
    )
    return encoder, lexical, embed_profiles(profiles, encoder), ScoringConfig.for_model(encoder.model_id)


def test_every_suggestion_raises_the_engine_score_by_exactly_its_gain():
    encoder, lexical, (s_vecs, i_vecs), config = _fixture()
    before = pair_score(THIN_STARTUP, s_vecs, INVESTOR, i_vecs, lexical, config)
    suggestions = suggest_changes(THIN_STARTUP, s_vecs, INVESTOR, i_vecs, encoder, lexical, config)
    codes = [s.code for s in suggestions]
    assert {"fill_offers", "fill_seeks", "add_sectors", "add_stage", "add_round"} <= set(codes)
    assert [s.gain_points for s in suggestions] == sorted((s.gain_points for s in suggestions), reverse=True)
    for suggestion in suggestions:
        changed = replace(THIN_STARTUP, **suggestion.changes)
        after = pair_score(changed, embed_profiles([changed], encoder)[0], INVESTOR, i_vecs, lexical, config)
        assert 100 * (after - before) == pytest.approx(suggestion.gain_points, abs=0.06)
        assert suggestion.gain_points >= 1.0
    offers = next(s for s in suggestions if s.code == "fill_offers")
    assert offers.quote and offers.quote in INVESTOR.seeks and offers.changes == {"offers": offers.quote}
    stage = next(s for s in suggestions if s.code == "add_stage")
    assert stage.changes == {"stage": "seed"}  # the earliest stage the investor invests in
    round_ = next(s for s in suggestions if s.code == "add_round")
    assert round_.changes == {"raising_usd": 2_500_000}  # a $1M cheque leads it as 40%


def test_a_complete_fitting_profile_gets_no_suggestion_worth_a_point():
    encoder, lexical, _, config = _fixture()
    fitting = replace(
        THIN_STARTUP,
        offers=INVESTOR.seeks,
        seeks=INVESTOR.offers,
        description=INVESTOR.seeks,
        sectors=INVESTOR.sectors,
        stage="seed",
        raising_usd=2_500_000,
        tags=INVESTOR.tags,
    )
    vecs = embed_profiles([fitting, INVESTOR], encoder)
    assert suggest_changes(fitting, vecs[0], INVESTOR, vecs[1], encoder, lexical, config) == []


@pytest.fixture
def pair(make_organisation, make_user):
    startup = make_organisation(
        "startup",
        name="볼트셀",
        description="전기차 폐배터리를 재사용합니다.",
        raising_currency="KRW",
    )
    partner = make_organisation(
        "partner",
        name="한빛에너지",
        description="광주의 전력망을 운영하는 에너지 기업입니다.",
        seeks="전력망용 배터리 에너지 저장장치와 태양광 발전 예측 스타트업을 찾습니다.",
        offers="실증용 변전소와 전력 데이터를 제공합니다.",
        sectors=["energy"],
    )
    make_organisation("startup", name="뮤직", description="음악 스트리밍 앱입니다.", sectors=["content"])
    return startup, partner, make_user("founder", startup)


def _stored_percent(startup, partner) -> float:
    match = db.session.scalar(
        select(Match).where(Match.startup_id == startup.id, Match.counterpart_id == partner.id)
    )
    return 100 * match.score


@pytest.mark.parametrize("rank", [0, 1, 2])
def test_a_suggestion_applied_through_the_profile_form_raises_the_stored_score_as_promised(pair, rank):
    startup, partner, founder = pair
    matching.rematch_all()
    shown = advice.advice_for(founder, partner)
    assert shown.percent == pytest.approx(_stored_percent(startup, partner), abs=0.06)
    assert len(shown.suggestions) > rank
    suggestion = shown.suggestions[rank]
    organisations.update_organisation(founder, startup, organisations.suggested_profile(startup, suggestion))
    gained = _stored_percent(startup, partner) - shown.percent
    assert gained == pytest.approx(suggestion.gain_points, abs=1.0)


def test_the_page_shows_it_to_founders_only(client, login, pair, make_user):
    startup, partner, founder = pair
    matching.rematch_all()
    login(founder)
    page = client.get(f"/organisations/{partner.id}").get_data(as_text=True)
    assert "What would raise your match" in page and "Describe what you offer" in page
    client.post("/logout")
    login(make_user("partner", partner))
    assert "What would raise your match" not in client.get(f"/organisations/{partner.id}").get_data(
        as_text=True
    )
