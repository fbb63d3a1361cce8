"""Advice in the founder's language: a Korean founder gets Korean text to add, and its promised gain is
what exactly that Korean text adds; the English partner's own sentence is kept as the reason."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from matchmaker.engine import HashingEncoder, LexicalIndex, Profile
from matchmaker.engine.advice import in_language, pair_score, suggest_changes, writing_language
from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.scoring import ScoringConfig, lexical_text
from matchmaker.engine.words import is_korean
from matchmaker.extensions import db
from matchmaker.matching import advice
from matchmaker.models import Organisation, User
from matchmaker.organisations.demo import seed_demo

PARTNER = Profile(
    id=20,
    kind="partner",
    name="GridCo",
    description="A utility that runs pilots with energy startups.",
    offers="Pilot sites on our grid and access to charging data.",
    seeks="Startups doing battery diagnostics for electric buses. We also want energy storage systems.",
    sectors=frozenset({"energy"}),
)
KOREAN_FOUNDER = Profile(
    id=1,
    kind="startup",
    name="볼트버스 진단",
    description="전기버스 운행 데이터를 분석해 정비 시점을 알려 드리는 스타트업입니다.",
)


def test_an_english_sentence_is_said_in_korean_through_the_glossary():
    assert writing_language(KOREAN_FOUNDER) == "ko" and writing_language(PARTNER) == "en"
    text = in_language("Startups doing battery diagnostics for electric buses.", "ko", "offers")
    assert text == "제공할 수 있는 분야: 배터리 진단, 전기버스."
    assert in_language("배터리 진단", "ko", "offers") == "배터리 진단"  # already Korean: as written
    assert in_language("We like nice people.", "ko", "offers") == ""  # nothing to say it with


def test_a_korean_founder_gets_korean_text_and_the_gain_of_that_text():
    encoder = HashingEncoder()
    profiles = [KOREAN_FOUNDER, PARTNER]
    lexical = LexicalIndex(glossary=True).fit([lexical_text(p) for p in profiles] + ["music", "radiology"])
    vectors = embed_profiles(profiles, encoder)
    config = ScoringConfig.for_model(encoder.model_id)
    before = pair_score(KOREAN_FOUNDER, vectors[0], PARTNER, vectors[1], lexical, config)
    # Every candidate, whatever it gains, so the test sees each text the founder could be offered.
    suggestions = suggest_changes(
        KOREAN_FOUNDER, vectors[0], PARTNER, vectors[1], encoder, lexical, config, min_gain_points=-100
    )
    texts = [s for s in suggestions if s.text]
    assert {s.code for s in texts} >= {"fill_offers", "fill_seeks", "extend_description"}
    for suggestion in texts:
        assert is_korean(suggestion.text), suggestion
        assert suggestion.quote in PARTNER.seeks + PARTNER.offers  # their own words, as the reason
        field = suggestion.code.split("_", 1)[1]
        assert suggestion.text in suggestion.changes[field]
        changed = replace(KOREAN_FOUNDER, **suggestion.changes)
        changed_vectors = embed_profiles([changed], encoder)[0]
        after = pair_score(changed, changed_vectors, PARTNER, vectors[1], lexical, config)
        assert 100 * (after - before) == pytest.approx(suggestion.gain_points, abs=0.06)


@pytest.mark.slow
def test_a_korean_demo_founder_is_advised_in_korean_about_rising_tide_fund(app, tmp_path, shipped_encoder):
    """The shipped model on the demo data: 빛고을셀테크 (Korean) looking at Rising Tide Fund (English)."""
    app.extensions["matchmaker.encoder"] = shipped_encoder
    seed_demo()
    startup = db.session.scalar(select(Organisation).where(Organisation.slug == "bitgoeul-celltech"))
    fund = db.session.scalar(select(Organisation).where(Organisation.slug == "rising-tide-fund"))
    founder = User(email="f@celltech.example", display_name="f", role="founder", organisation=startup)
    db.session.add(founder)
    db.session.commit()
    result = advice.advice_for(founder, fund)
    texts = [s for s in result.suggestions if s.text]
    assert texts, result.suggestions
    for suggestion in texts:
        assert is_korean(suggestion.text), suggestion
        assert suggestion.gain_points >= 1.0
