"""The consistency check between a text's two language versions, with the model the app ships.

The texts here are written for this test (none is in bench/data or tests/data, from which the thresholds
were measured): a true translation passes, another company's text in the other language is flagged, and
so is a version that adds a sentence its original does not have, or leaves one out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker.engine.phrases import least_covered_sentence
from matchmaker.engine.text import split_sentences
from matchmaker.extensions import db
from matchmaker.matching.embeddings import StoredEmbeddings
from matchmaker.models import Organisation, ProfileVersion
from matchmaker.organisations import bilingual

pytestmark = pytest.mark.slow

CASES = [
    (
        "광주 도심의 전기차 충전소 200곳에서 모은 충전 기록으로 충전기 "
        "고장을 미리 알려 주는 예측 정비 서비스를 "
        "운영합니다. 충전 사업자는 고장 나기 전에 부품을 바꿔 가동률을 높입니다.",
        "We run a predictive maintenance service that warns of charger failures from the charging records of "
        "200 electric vehicle charging stations in central Gwangju. Charging operators replace parts before "
        "they break and keep more chargers running.",
    ),
    (
        "요양병원 환자의 낙상을 천장 레이더로 감지해 간호사에게 바로 알리는 "
        "시스템을 만듭니다. 카메라를 쓰지 않아 "
        "사생활을 지킵니다.",
        "We build a system that detects falls of patients in care hospitals with a ceiling radar and alerts "
        "nurses at once. It uses no camera, so privacy is kept.",
    ),
    (
        "웹툰 작가가 그린 밑그림에 인공지능이 채색과 배경을 더해 제작 시간을 "
        "절반으로 줄이는 도구를 제공합니다.",
        "We offer a tool in which AI adds colour and backgrounds to "
        "the sketches webtoon artists draw, halving "
        "the time a chapter takes to make.",
    ),
]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'consistency.sqlite'}"


def _startup(n: int, korean: str, english: str) -> Organisation:
    organisation = Organisation(kind="startup", slug=f"s-{n}", name=f"스타트업 {n}", description=korean)
    organisation.versions.append(ProfileVersion(field="description", language="en", text=english))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def test_a_true_translation_passes_and_another_companys_text_is_flagged(app, shipped_encoder):
    encoder = StoredEmbeddings(shipped_encoder, db.session)
    for n, (korean, english) in enumerate(CASES):
        true = _startup(n, korean, english)
        assert bilingual.check_consistency(true, encoder) == [], true.versions[0].similarity
        wrong = _startup(10 + n, korean, CASES[(n + 1) % len(CASES)][1])
        assert bilingual.check_consistency(wrong, encoder) == ["description"], wrong.versions[0].similarity
        version = wrong.versions[0]
        assert (
            version.similarity
            < bilingual.CONSISTENCY_THRESHOLDS["description"]
            <= true.versions[0].similarity
        )
    db.session.commit()
    # checked pairs are not embedded again
    before = encoder.embedded_texts
    bilingual.check_consistency(true, encoder)
    assert encoder.embedded_texts == before


# A version that is faithful except for one sentence: one sentence has no counterpart on the other side.
# The rule catches about half of such versions (bench/bilingual_consistency.py: 44% / 38% of versions
# missing a sentence, 58% of versions with one added); the two cases were written before the check ran.
ADDED = (
    "농가의 드론 영상으로 병해충을 조기에 찾아내는 서비스를 제공합니다. "
    "전남의 배 과수원 30곳에서 시범 운영하고 있습니다.",
    "We offer a service that finds crop pests and diseases early from farmers' drone footage. "
    "It is being piloted in 30 pear orchards in South Jeolla. "
    "We are also opening a sales office in Singapore next year and are hiring two lawyers.",
)
LEFT_OUT = (
    "물류 창고의 지게차에 센서를 달아 충돌 위험을 운전자에게 경고합니다. "
    "지난해 광주의 창고 열두 곳에 설치했습니다. "
    "내년에는 일본 시장에 진출하기 위해 투자를 유치하려 합니다.",
    "We fit sensors to forklifts in logistics warehouses and warn drivers of collision risks. "
    "Last year we installed them in twelve warehouses in Gwangju.",
)


@pytest.mark.parametrize(
    ("korean", "english", "uncovered"),
    [
        pytest.param(*ADDED, ADDED[1], id="english-adds-a-sentence"),
        pytest.param(
            *LEFT_OUT,
            LEFT_OUT[0],
            id="english-leaves-a-sentence-out",
            # A known miss, kept in view: the Korean sentence left out (next year, Japan, investment)
            # keeps a cosine of 0.24 with "Last year we installed them in twelve warehouses in Gwangju".
            marks=pytest.mark.xfail(
                strict=True, reason="the sentence rule misses about 60% of left-out sentences"
            ),
        ),
    ],
)
def test_a_version_that_adds_or_leaves_out_a_sentence_is_flagged(
    app, shipped_encoder, korean: str, english: str, uncovered: str
):
    encoder = StoredEmbeddings(shipped_encoder, db.session)
    partial = _startup(20, korean, english)
    assert bilingual.check_consistency(partial, encoder) == ["description"]
    # the sentence found without a counterpart is the one added or left out
    sentence, cosine = least_covered_sentence(korean, english, encoder)
    assert cosine < bilingual.SENTENCE_THRESHOLD
    assert sentence == split_sentences(uncovered)[-1]
