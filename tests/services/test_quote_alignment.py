"""End to end with the model the app ships: the refresh job aligns each version with its original, and
the quotes under "What matched" reach each reader as the corresponding sentence of their language's
version. The texts are written for this test; each version's sentences are in another order than its
original's, so a sentence is found by meaning, not by position.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.engine.text import split_sentences
from matchmaker.extensions import db
from matchmaker.jobs import tasks
from matchmaker.models import Match, ProfileVersion
from matchmaker.organisations import bilingual

pytestmark = pytest.mark.slow

SEEKS_KO = (
    "전기 버스 배터리 데이터를 학습시킬 GPU 자원을 찾고 있습니다. "
    "광주에서 충전소를 운영하는 기업과 실증 사업을 함께할 파트너가 필요합니다."
)
SEEKS_EN = (
    "We need a partner to run a pilot with companies that operate charging stations in Gwangju. "
    "We are looking for GPU capacity to train on electric bus battery data."
)
OFFERS_EN = (
    "GPU cloud credits and hardware for startups training AI models. "
    "Introductions to automotive manufacturers in our partner network."
)
OFFERS_KO = (
    "자동차 제조사 파트너 네트워크에 소개해 드립니다. "
    "AI 모델을 학습하는 스타트업에 GPU 클라우드 크레딧과 하드웨어를 제공합니다."
)


def _translations() -> dict[str, str]:
    (ko1, ko2), (en1, en2) = split_sentences(SEEKS_KO), split_sentences(SEEKS_EN)
    (o_en1, o_en2), (o_ko1, o_ko2) = split_sentences(OFFERS_EN), split_sentences(OFFERS_KO)
    return {ko1: en2, ko2: en1, o_en1: o_ko2, o_en2: o_ko1}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: this measures the model's alignment; the fast tests in tests/web run both databases."""
    return f"sqlite:///{tmp_path / 'quotes.sqlite'}"


def test_quotes_reach_each_reader_as_their_versions_sentence(
    app, client, shipped_encoder, make_organisation, make_user, login
):
    app.extensions["matchmaker.encoder"] = shipped_encoder
    startup = make_organisation(
        name="볼트버스 진단",
        description="전기 버스 배터리의 상태를 운행 데이터로 진단합니다.",
        seeks=SEEKS_KO,
        sectors=["energy", "automotive"],
    )
    startup.versions.append(ProfileVersion(field="seeks", language="en", text=SEEKS_EN))
    # a second startup whose English version leaves the GPU sentence out
    partial = make_organisation(
        name="볼트버스 둘", description="전기 버스 배터리를 진단합니다.", seeks=SEEKS_KO, sectors=["energy"]
    )
    partial.versions.append(ProfileVersion(field="seeks", language="en", text=split_sentences(SEEKS_EN)[0]))
    partner = make_organisation(
        kind="partner",
        name="GPU Partner",
        description="Accelerated computing for AI startups.",
        offers=OFFERS_EN,
        sectors=["energy", "automotive"],
    )
    partner.versions.append(ProfileVersion(field="offers", language="ko", text=OFFERS_KO))
    db.session.commit()
    for organisation in (startup, partial, partner):  # what a save queues for the worker
        tasks.refresh_organisation(organisation.id)

    translations = _translations()
    match = db.session.scalar(
        select(Match).where(Match.startup_id == startup.id, Match.counterpart_id == partner.id)
    )
    assert match is not None
    (phrase,) = [p for p in match.explanation["matched_phrases"] if p["kind"] == "seeks_offers"]
    quoted_seek, quoted_offer = phrase["startup_text"], phrase["counterpart_text"]
    assert quoted_seek in translations and quoted_offer in translations

    # NVIDIA's side, reading English: the startup's English sentence, the original in the tooltip
    english = bilingual.quote_for(startup, "seeks_offers", "startup", quoted_seek, "en")
    assert (english.text, english.language, english.original_text) == (
        translations[quoted_seek],
        "en",
        quoted_seek,
    )
    # a version that left that sentence out: as written, marked, never a neighbour's translation
    left_out = bilingual.quote_for(partial, "seeks_offers", "startup", split_sentences(SEEKS_KO)[0], "en")
    assert left_out.original and left_out.marker == "Written in Korean"
    # the founder's side, reading Korean: the partner's Korean sentence
    korean = bilingual.quote_for(partner, "seeks_offers", "counterpart", quoted_offer, "ko")
    assert (korean.text, korean.language) == (translations[quoted_offer], "ko")

    login(make_user("partner", organisation=partner, language="en"))
    page = client.get("/review/").get_data(as_text=True)
    assert f"“{translations[quoted_seek]}”" in page
