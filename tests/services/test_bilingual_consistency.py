"""The consistency check between a text's two language versions, with the model the app ships.

The texts here are written for this test (none is in bench/data or tests/data, from which the thresholds
were measured): a true translation passes, another company's text in the other language is flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker.config import DefaultConfig
from matchmaker.engine.multilingual import make_encoder
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


@pytest.fixture(scope="module")
def shipped_encoder():
    return make_encoder(DefaultConfig.MATCHMAKER_EMBEDDING_MODEL)


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
