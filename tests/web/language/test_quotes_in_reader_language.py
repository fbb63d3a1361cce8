"""Issue 18: the quotes under "What matched" reach each reader in their own language.

A quoted sentence is shown as the corresponding sentence of the quoted organisation's version in the
reader's language when there is one; otherwise as written, marked "Written in Korean" (or English).
The correspondence is computed by the refresh job with the multilingual model and stored beside the
version (organisations/bilingual.py); here an encoder whose vectors the test chooses stands in for the
model, so that which sentence corresponds to which is known (tests/services/test_quote_alignment.py
does the same end to end with the model the app ships).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import select

from matchmaker.engine.text import split_sentences, text_hash
from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, ProfileVersion
from matchmaker.organisations import bilingual

SEEKS_KO = "충전 인프라를 실증할 파트너를 찾습니다. 배터리 데이터 분석을 위한 GPU 학습 자원이 필요합니다."
SEEKS_EN = (
    "We look for partners to pilot charging infrastructure. "
    "We need GPU training capacity to analyse battery data."
)
OFFERS_EN = "GPU credits and technical support for AI startups. Mentoring by our engineers."
OFFERS_KO = "AI 스타트업을 위한 GPU 크레딧과 기술 지원을 제공합니다. 엔지니어가 멘토링을 합니다."


class ChosenVectors:
    """An encoder whose vectors the test chooses: the n-th pair of sentences below share basis vector
    n (a translation), every other text gets a vector of its own far from them."""

    model_id = "chosen"
    dimension = 64

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        for n, (a, b) in enumerate(pairs):
            for text in (a, b):
                self.vectors[text] = np.eye(self.dimension, dtype=np.float32)[n]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            if text in self.vectors:
                rows.append(self.vectors[text])
            else:
                own = np.zeros(self.dimension, dtype=np.float32)
                own[16 + int(text_hash(text), 16) % 48] = 1.0
                rows.append(own)
        return np.vstack(rows)


ENCODER = ChosenVectors(
    list(zip(split_sentences(SEEKS_KO), split_sentences(SEEKS_EN), strict=True))
    + list(zip(split_sentences(OFFERS_EN), split_sentences(OFFERS_KO), strict=True))
)
SEEK_KO, SEEK_EN = split_sentences(SEEKS_KO)[1], split_sentences(SEEKS_EN)[1]
OFFER_EN, OFFER_KO = split_sentences(OFFERS_EN)[0], split_sentences(OFFERS_KO)[0]


def _pair(
    make_organisation, startup_version: bool, partner_version: bool
) -> tuple[Organisation, Organisation]:
    startup = make_organisation(
        name="볼트버스 진단", description="전기 버스 배터리를 진단합니다.", seeks=SEEKS_KO, sectors=["energy"]
    )
    partner = make_organisation(
        kind="partner",
        name="GPU Partner",
        description="GPUs for startups.",
        offers=OFFERS_EN,
        sectors=["energy"],
    )
    if startup_version:
        startup.versions.append(ProfileVersion(field="seeks", language="en", text=SEEKS_EN))
    if partner_version:
        partner.versions.append(ProfileVersion(field="offers", language="ko", text=OFFERS_KO))
    db.session.add(
        Match(
            startup_id=startup.id,
            counterpart_id=partner.id,
            score=0.8,
            model_version="test",
            # the phrase as engine/phrases.py quotes it: a sentence of each side's own text
            explanation={
                "matched_phrases": [
                    {
                        "kind": "seeks_offers",
                        "startup_text": SEEK_KO,
                        "counterpart_text": OFFER_EN,
                        "similarity": 0.7,
                    }
                ]
            },
        )
    )
    db.session.commit()
    # what the refresh job does after a save (jobs/tasks.py), with the chosen vectors
    bilingual.check_consistency(startup, ENCODER)
    bilingual.check_consistency(partner, ENCODER)
    db.session.commit()
    return startup, partner


def _phrases(page: str) -> str:
    found = re.search(r'<ul class="phrases">(.*?)</ul>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


def test_an_english_reader_sees_the_english_version_of_a_korean_quote(
    client, make_organisation, make_user, login
) -> None:
    _, partner = _pair(make_organisation, startup_version=True, partner_version=False)
    login(make_user("partner", organisation=partner, language="en"))
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert f"“{SEEK_EN}”" in phrases
    assert f"“{SEEK_KO}”" not in phrases  # the original only in the tooltip
    assert f'title="Original: {SEEK_KO}"' in phrases
    assert re.search(r'<span[^>]*lang="en"[^>]*>“' + re.escape(SEEK_EN), phrases)
    assert "Written in Korean" not in phrases


def test_an_english_reader_of_a_korean_quote_without_a_version_sees_it_marked(
    client, make_organisation, make_user, login
) -> None:
    _, partner = _pair(make_organisation, startup_version=False, partner_version=False)
    login(make_user("partner", organisation=partner, language="en"))
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert re.search(r'<span[^>]*lang="ko"[^>]*>“' + re.escape(SEEK_KO), phrases)
    assert phrases.count("Written in Korean") == 1
    assert "Written in English" not in phrases  # the partner's own English quote


def test_a_korean_reader_sees_the_korean_version_of_an_english_quote_or_the_marker(
    client, make_organisation, make_user, login
) -> None:
    startup, partner = _pair(make_organisation, startup_version=False, partner_version=True)
    login(make_user("founder", organisation=startup, language="ko"))
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert f"“{OFFER_KO}”" in phrases and f"“{OFFER_EN}”" not in phrases
    assert f'title="원문: {OFFER_EN}"' in phrases
    assert "영어로 작성됨" not in phrases and "한국어로 작성됨" not in phrases

    partner.versions.clear()  # the partner takes its Korean version away
    db.session.commit()
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert re.search(r'<span[^>]*lang="en"[^>]*>“' + re.escape(OFFER_EN), phrases)
    assert phrases.count("영어로 작성됨") == 1


@pytest.mark.both_databases
def test_a_kept_review_page_changes_when_the_version_and_its_alignment_are_stored(
    app, client, make_organisation, make_user, login
) -> None:
    startup, partner = _pair(make_organisation, startup_version=False, partner_version=False)
    login(make_user("partner", organisation=partner, language="en"))
    assert "Written in Korean" in _phrases(client.get("/review/").get_data(as_text=True))
    cache = app.extensions["matchmaker.review_cache"]
    hits, misses = cache.hits, cache.misses
    assert "Written in Korean" in _phrases(client.get("/review/").get_data(as_text=True))
    assert (cache.hits, cache.misses) == (hits + 2, misses)  # the page was kept, and its one card
    # the founder saves an English version; the refresh job aligns it with the original
    bilingual.store_versions(startup, {"seeks_en": SEEKS_EN}, None)
    db.session.commit()
    bilingual.check_consistency(startup, ENCODER)
    db.session.commit()
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert f"“{SEEK_EN}”" in phrases and "Written in Korean" not in phrases


def test_a_sentence_without_a_close_counterpart_is_shown_as_written(
    client, make_organisation, make_user, login
) -> None:
    startup, partner = _pair(make_organisation, startup_version=True, partner_version=False)
    version = db.session.scalar(select(ProfileVersion).where(ProfileVersion.organisation_id == startup.id))
    assert version is not None and version.alignment
    # the quoted sentence's counterpart closer than the minimum only by a hair below it
    version.alignment = [
        [a, b, bilingual.QUOTE_THRESHOLD - 0.01] if a == SEEK_KO else [a, b, c]
        for a, b, c in version.alignment
    ]
    db.session.commit()
    login(make_user("partner", organisation=partner, language="en"))
    phrases = _phrases(client.get("/review/").get_data(as_text=True))
    assert f"“{SEEK_KO}”" in phrases and "Written in Korean" in phrases


def test_the_api_shows_the_same_quotes_in_the_language_asked_for(
    client, make_organisation, make_user
) -> None:
    """The API keeps each quote as written and adds it as the caller (Accept-Language) is shown it."""
    from matchmaker.accounts import tokens as api_tokens

    startup, _ = _pair(make_organisation, startup_version=True, partner_version=False)
    _, secret = api_tokens.create_token(make_user("founder", organisation=startup), "tests")
    shown = {}
    for language in ("en", "ko"):
        answer = client.get(
            f"/api/v1/organisations/{startup.id}/matches",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        (item,) = answer.get_json()["items"]
        (phrase,) = item["explanation"]["matched_phrases"]
        assert (phrase["startup_text"], phrase["counterpart_text"]) == (SEEK_KO, OFFER_EN)
        shown[language] = (phrase["startup_shown"], phrase["counterpart_shown"])
    assert shown["en"][0] == {"text": SEEK_EN, "language": "en", "original": False, "source": "person"}
    assert shown["en"][1] == {"text": OFFER_EN, "language": "en", "original": True, "source": "person"}
    assert shown["ko"][0] == {"text": SEEK_KO, "language": "ko", "original": True, "source": "person"}
    assert shown["ko"][1]["text"] == OFFER_EN and shown["ko"][1]["language"] == "en"  # no Korean version


@pytest.mark.both_databases
def test_rematch_aligns_versions_checked_before_alignments_were_stored(runner, make_organisation) -> None:
    startup, _ = _pair(make_organisation, startup_version=True, partner_version=False)
    version = startup.versions[0]
    checked = version.checked_hash
    version.alignment = None  # as a version checked before this change holds it
    db.session.commit()
    assert db.session.scalar(select(ProfileVersion.organisation_id).where(ProfileVersion.alignment.is_(None)))
    result = runner.invoke(args=["rematch"])
    assert result.exit_code == 0, result.output
    assert "Language versions of 1 organisations compared and aligned." in result.output
    db.session.expire_all()
    assert version.alignment is not None and version.checked_hash == checked  # with the app's encoder
