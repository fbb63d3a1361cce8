"""Korean first: the language a page is written in, how a person changes it, locale-aware formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from matchmaker.extensions import db
from matchmaker.i18n import format_day, format_number, language_of
from matchmaker.models import User
from tests.conftest import app_with_schema, make_test_config


@pytest.fixture
def korean_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app as installed: no default locale forced by the tests."""
    config = make_test_config(database_url, tmp_path)
    del config["BABEL_DEFAULT_LOCALE"]
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application


def test_the_app_speaks_korean_when_nobody_asks_for_another_language(korean_app: Flask) -> None:
    page = korean_app.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert "<h1>로그인</h1>" in page
    assert "Sign in" not in page
    assert 'value="en"' in page and ">English<" in page  # the switch offers the other language


def test_the_sign_in_reminder_is_in_the_visitors_language(korean_app: Flask) -> None:
    client = korean_app.test_client()
    page = client.get("/dashboard", follow_redirects=True).get_data(as_text=True)
    assert "Please sign in" not in page
    assert "로그인" in page and '<html lang="ko">' in page
    english = korean_app.test_client()
    page = english.get("/dashboard", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Please sign in to see that page." in page.get_data(as_text=True)


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


def test_a_language_chosen_on_the_sign_in_page_survives_signing_in(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    """A visitor switches language on the login page, signs in, and keeps reading that language; the
    choice is saved on the account, so the next session elsewhere starts in it too."""
    user = make_user("founder", language="en")
    client.post("/language", data={"language": "ko", "next": "/login"})
    login(user)
    assert '<html lang="ko">' in client.get("/dashboard").get_data(as_text=True)
    assert db.session.get(User, user.id).language == "ko"


def test_signing_in_without_choosing_keeps_the_saved_language(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    user = make_user("founder", language="ko")
    login(user)
    assert '<html lang="ko">' in client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_numbers_and_dates_follow_the_locale(app: Flask) -> None:
    moment = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with app.test_request_context():
        with language_of("ko"):
            assert format_number(1234567) == "1,234,567"
            assert format_day(moment) == "2026. 11. 24."
        with language_of("en"):
            assert format_day(moment) == "Nov 24, 2026"


def test_the_api_answers_in_the_language_accept_language_asks_for(korean_app: Flask) -> None:
    client = korean_app.test_client()
    korean = client.get("/api/v1/organisations").get_json()["error"]["message"]
    english = client.get("/api/v1/organisations", headers={"Accept-Language": "en"}).get_json()
    assert "API 토큰" in korean
    assert english["error"]["message"].startswith("Send an API token")


def test_error_pages_and_flashes_are_korean(korean_app: Flask) -> None:
    client = korean_app.test_client()
    missing = client.get("/no-such-page").get_data(as_text=True)
    assert "페이지를 찾을 수 없음" in missing and "Not Found" not in missing
    refused = client.post("/login", data={"email": "nobody@example.kr", "password": "wrong password"})
    assert "이메일 주소 또는 비밀번호가 올바르지 않습니다." in refused.get_data(as_text=True)


def test_mail_is_written_in_the_recipients_language(
    app: Flask, make_user: Callable[..., User], make_organisation: Callable[..., object]
) -> None:
    from matchmaker.accounts import users as accounts

    partner = make_organisation("partner", name="NVIDIA")
    korean = make_user("partner", organisation=partner, language="ko")
    english = make_user("partner", organisation=partner, language="en")
    for invited in (korean, english):  # an invitation is only for an account without a password yet
        invited.password_hash = None
    db.session.commit()
    with app.test_request_context():
        accounts.send_invitation(korean)
        accounts.send_invitation(english)
    from matchmaker.models import OutboxMessage

    mails = {m.recipient: m for m in db.session.query(OutboxMessage).all()}
    assert mails[korean.email].subject == "광주 AI 집적단지 matchmaker 계정 안내"
    assert "NVIDIA의 matchmaker 계정을 만들었습니다" in mails[korean.email].body
    assert mails[english.email].subject == "Your matchmaker account at the Gwangju AI complex"
