"""Finding 6: login, sign-up and reset answer the same, in about the same time, for any address."""

from __future__ import annotations

import re
import statistics
import time

from sqlalchemy import func, select

from matchmaker.accounts import users as accounts
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage, User


def _signup(client, email: str):
    password = "서로 다른 긴 비밀번호 42"
    data = {"display_name": "최하은", "email": email, "password": password, "confirm": password}
    return client.post("/signup", data=data)


def test_signup_with_a_taken_address_answers_neutrally_and_mails_the_owner(app, client, make_user):
    owner = make_user(email="taken@example.kr")
    response = _signup(client, "TAKEN@example.kr")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "already exists" not in body
    assert "taken@example.kr" in body and "inbox" in body
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.recipient == owner.email
    assert "/password/reset" in mail.body and "/login" in mail.body
    assert client.get("/dashboard").status_code == 302  # nobody was signed in


def test_login_takes_about_as_long_for_an_unknown_address(app, client):
    # A real (scrypt) hash, as every signed-up account has; the test fixture's users use a cheap one.
    accounts.register_founder(
        "김민준", "known@example.kr", "a long enough password", "a long enough password"
    )
    known, unknown = [], []
    for n in range(7):
        for email, samples in (("known@example.kr", known), (f"nobody{n}@example.kr", unknown)):
            started = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": "wrong password!"})
            samples.append(time.perf_counter() - started)
            assert response.status_code == 401
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (statistics.median(known), statistics.median(unknown))


def test_signup_answers_the_same_for_known_and_unknown_addresses(app, client, new_client, make_user):
    make_user(email="taken@example.kr")
    browsers = new_client(), new_client()
    known = _signup(browsers[0], "taken@example.kr")
    unknown = _signup(browsers[1], "nobody@example.kr")
    assert known.status_code == unknown.status_code == 200
    assert "Location" not in known.headers and "Location" not in unknown.headers

    def page(response, email):  # each browser has its own CSRF token; nothing else may differ
        text = response.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r"\1", text)

    assert page(known, "taken@example.kr") == page(unknown, "nobody@example.kr")
    assert [b.get("/dashboard").status_code for b in browsers] == [302, 302]  # nobody is signed in


def test_the_neutral_signup_answer_speaks_korean(app, client, make_user):
    make_user(email="taken@example.kr")
    password = "서로 다른 긴 비밀번호 42"
    data = {"display_name": "최하은", "email": "taken@example.kr", "password": password, "confirm": password}
    response = client.post("/signup", data=data, headers={"Accept-Language": "ko"})
    assert "받은편지함을 확인해 주십시오" in response.get_data(as_text=True)


def _median_seconds(client, path: str, data_for) -> tuple[float, float]:
    known, unknown = [], []
    for n in range(5):
        for samples, data in (
            (known, data_for("known@example.kr", n)),
            (unknown, data_for(f"x{n}@example.kr", n)),
        ):
            browser = client()  # a fresh browser: a signed-up one would be sent on to its dashboard
            started = time.perf_counter()
            response = browser.post(path, data=data)
            samples.append(time.perf_counter() - started)
            assert response.status_code in (200, 302)
    return statistics.median(known), statistics.median(unknown)


def _lift_limits(app) -> None:
    for setting in ("RATELIMIT_PASSWORD_RESET", "RATELIMIT_PASSWORD_RESET_ACCOUNT", "RATELIMIT_SIGNUP"):
        app.config[setting] = "1000 per hour"


def test_a_reset_request_answers_the_same_in_about_the_same_time(app, client, new_client, make_user):
    make_user(email="known@example.kr")
    _lift_limits(app)
    answers = {
        client.post("/password/reset", data={"email": email}).get_data(as_text=True)
        for email in ("known@example.kr", "nobody@example.kr")
    }
    assert len(answers) == 1  # the same page, word for word
    known, unknown = _median_seconds(new_client, "/password/reset", lambda email, n: {"email": email})
    assert 0.8 < unknown / known < 1.25, (known, unknown)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1  # the owner got mail


def test_a_signup_takes_about_as_long_for_a_taken_address(app, new_client):
    _lift_limits(app)
    accounts.register_founder(
        "김민준", "known@example.kr", "a long enough password", "a long enough password"
    )
    password = "서로 다른 긴 비밀번호 42"
    known, unknown = _median_seconds(
        new_client,
        "/signup",
        lambda email, n: {
            "display_name": "최하은",
            "email": email,
            "password": password,
            "confirm": password,
        },
    )
    assert 0.5 < unknown / known < 2, (known, unknown)
