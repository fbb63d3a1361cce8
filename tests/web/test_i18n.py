"""Korean first: the language a page is written in, how a person changes it, locale-aware formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.i18n import format_day, format_number, language_of
from matchmaker.models import User
from tests.conftest import make_test_config


@pytest.fixture
def korean_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app as installed: no default locale forced by the tests."""
    config = make_test_config(database_url, tmp_path)
    del config["BABEL_DEFAULT_LOCALE"]
    application = create_app(config)
    with application.app_context():
        db.create_all()
        try:
            yield application
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_the_app_speaks_korean_when_nobody_asks_for_another_language(korean_app: Flask) -> None:
    page = korean_app.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert "<h1>로그인</h1>" in page
    assert "Sign in" not in page
    assert 'value="en"' in page and ">English<" in page  # the switch offers the other language


def test_accept_language_english_gets_english(korean_app: Flask) -> None:
    page = korean_app.test_client().get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "<h1>Sign in</h1>" in html


def test_an_unknown_accept_language_falls_back_to_korean(korean_app: Flask) -> None:
    html = korean_app.test_client().get("/login", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="ko">' in html


def test_a_visitor_switches_language_without_an_account(korean_app: Flask) -> None:
    client = korean_app.test_client()
    response = client.post("/language", data={"language": "en", "next": "/login?next=/dashboard"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login?next=/dashboard")
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)


def test_the_switch_does_not_redirect_off_site(korean_app: Flask) -> None:
    response = korean_app.test_client().post("/language", data={"language": "en", "next": "//evil.example/"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_an_unknown_language_is_refused_with_a_message(korean_app: Flask) -> None:
    response = korean_app.test_client().post("/language", data={"language": "xx"})
    assert response.status_code == 400
    assert "한국어 또는 English를 선택해 주십시오." in response.get_data(as_text=True)


def test_a_saved_choice_beats_the_browser_and_is_kept_on_the_account(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    user = make_user("staff")
    login(user)
    client.post("/language", data={"language": "ko", "next": "/dashboard"})
    assert db.session.get(User, user.id).language == "ko"
    html = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ko">' in html and "대시보드" in html
    # a new session (another computer) still finds the saved choice
    client.post("/logout")
    with client.session_transaction() as session:
        session.clear()
    login(user)
    assert '<html lang="ko">' in client.get("/dashboard").get_data(as_text=True)


def test_numbers_and_dates_follow_the_locale(app: Flask) -> None:
    moment = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with app.test_request_context():
        with language_of("ko"):
            assert format_number(1234567) == "1,234,567"
            assert format_day(moment) == "2026. 11. 24."
        with language_of("en"):
            assert format_day(moment) == "Nov 24, 2026"
