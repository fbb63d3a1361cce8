"""Explanation sentences on the API follow Accept-Language, like its error messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from matchmaker.accounts import tokens as api_tokens
from matchmaker.accounts.languages import text_language
from matchmaker.extensions import db
from matchmaker.matching import refresh as matching
from matchmaker.models import Organisation, User
from tests.conftest import app_with_schema, make_test_config


@pytest.fixture
def korean_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app as installed: Korean unless the caller asks for English."""
    config = make_test_config(database_url, tmp_path)
    del config["BABEL_DEFAULT_LOCALE"]
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application


def test_explanation_sentences_come_back_in_the_language_asked_for(korean_app: Flask) -> None:
    startup = Organisation(
        kind="startup",
        slug="voltbus",
        name="볼트버스 진단",
        description="전기버스 배터리의 상태를 운행 데이터로 진단합니다.",
        seeks="배터리 데이터 분석을 위한 GPU와 기술 지원",
        visibility="listed",
    )
    startup.sectors = ["energy", "automotive"]
    nvidia = Organisation(
        kind="partner",
        slug="nvidia",
        name="NVIDIA",
        description="GPUs and AI software for startups.",
        offers="GPU credits, training and technical support for AI startups.",
        visibility="listed",
    )
    nvidia.sectors = ["energy"]
    founder = User(
        email="founder@voltbus.example", display_name="Founder", role="founder", organisation=startup
    )
    db.session.add_all([startup, nvidia, founder])
    db.session.commit()
    matching.refresh_matches_for(startup)
    _, secret = api_tokens.create_token(founder, "tests")
    client = korean_app.test_client()
    url = f"/api/v1/organisations/{startup.id}/matches"
    answers = {
        language: client.get(url, headers={"Authorization": f"Bearer {secret}", "Accept-Language": language})
        for language in ("ko", "en")
    }
    explanations = {}
    for language, answer in answers.items():
        assert answer.status_code == 200, answer.get_data(as_text=True)
        (item,) = answer.get_json()["items"]
        explanations[language] = item["explanation"]
    korean = [c["sentence"] for c in explanations["ko"]["components"]]
    english = [c["sentence"] for c in explanations["en"]["components"]]
    assert len(korean) == len(english) >= 4
    for sentence in korean:
        assert text_language(sentence.replace("NVIDIA", "")) == "ko", sentence
    # An English caller reads the Hangul name romanised, in the sentences and in the hints alike.
    for sentence in english:
        assert text_language(sentence) == "en" and "볼트버스" not in sentence, sentence
    assert any(s.startswith("What Bolteubeoseu Jindan seeks") for s in english), english
    hints = [h["text"] for h in explanations["en"]["missing"]]
    assert any("Bolteubeoseu Jindan" in h for h in hints) and not any("볼트버스" in h for h in hints), hints
    # The numbers and codes do not change with the language; hints are translated like sentences.
    assert [c["level"] for c in explanations["ko"]["components"]] == [
        c["level"] for c in explanations["en"]["components"]
    ]
    assert explanations["ko"]["missing"]
    for hint in explanations["ko"]["missing"]:
        assert text_language(hint["text"].replace("NVIDIA", "")) == "ko", hint
