"""Finding 5: sign-in, sign-up, invitations, resets, token creation and the API are throttled."""

from __future__ import annotations

import os
import secrets
import time

import pytest
from flask import Flask

from matchmaker import create_app
from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from tests.conftest import TEST_PASSWORD, make_test_config, require_redis

REDIS_URL = os.environ.get("MATCHMAKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _wrong_logins(client, email: str, count: int, address: str = "10.0.0.1") -> list[int]:
    return [
        client.post(
            "/login",
            data={"email": email, "password": f"wrong password {n}"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code
        for n in range(count)
    ]


def test_twenty_wrong_passwords_then_the_right_one_is_refused_until_the_window_passes(
    app, client, make_user, monkeypatch
):
    user = make_user(email="founder@example.kr")
    # From twenty different addresses: the limit follows the account, not the address.
    statuses = [
        client.post(
            "/login",
            data={"email": user.email.upper(), "password": f"guess {n}"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{n}"},
        ).status_code
        for n in range(20)
    ]
    assert statuses == [401] * 20
    right = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    body = right.get_data(as_text=True)
    assert "<html" in body.lower() and "Too many attempts" in body
    assert client.get("/dashboard").status_code == 302  # not signed in
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the window has passed
    assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_sign_in_is_throttled_per_address_across_accounts(app, client):
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "30 per 15 minutes"
    for n in range(30):
        assert _wrong_logins(client, f"person{n}@example.kr", 1) == [401]
    assert _wrong_logins(client, "someone-else@example.kr", 1) == [429]
    assert _wrong_logins(client, "someone-else@example.kr", 1, address="10.0.0.2") == [401]


def test_successful_sign_ins_do_not_use_up_the_limit(app, client, make_user):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3 per 15 minutes"
    user = make_user()
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        client.post("/logout")


@pytest.mark.parametrize(
    ("setting", "path", "data", "signed_in"),
    [
        ("RATELIMIT_SIGNUP", "/signup", {"email": "x@example.kr"}, None),
        ("RATELIMIT_PASSWORD_RESET", "/password/reset", {"email": "x@example.kr"}, None),
        ("RATELIMIT_INVITATIONS", "/staff/accounts/new", {"email": "x"}, "staff"),
        ("RATELIMIT_TOKEN_CREATION", "/account/tokens/", {"name": "CRM 연동"}, "founder"),
    ],
)
def test_forms_that_create_things_are_throttled(
    app, client, make_user, login, setting, path, data, signed_in
):
    app.config[setting] = "2 per hour"
    if signed_in:
        login(make_user(signed_in))
    assert [client.post(path, data=data).status_code != 429 for _ in range(2)] == [True, True]
    refused = client.post(path, data=data)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_password_reset_is_throttled_per_address_of_the_account(app, client):
    app.config["RATELIMIT_PASSWORD_RESET_ACCOUNT"] = "2 per hour"
    for n in range(2):
        reply = client.post(
            "/password/reset", data={"email": "a@example.kr"}, environ_base={"REMOTE_ADDR": f"10.0.2.{n}"}
        )
        assert reply.status_code == 200
    refused = client.post(
        "/password/reset", data={"email": "A@example.kr"}, environ_base={"REMOTE_ADDR": "10.0.2.9"}
    )
    assert refused.status_code == 429


def test_the_api_is_throttled_per_token_with_a_json_429(app, client, make_user):
    app.config["RATELIMIT_API"] = "5 per minute"
    _, first = api_tokens.create_token(make_user(), "first")
    _, second = api_tokens.create_token(make_user(), "second")
    for _ in range(5):
        ok = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {first}"})
        assert ok.status_code == 200
    refused = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {first}"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["status"] == 429
    assert "Too many" in refused.get_json()["error"]["message"]
    other = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {second}"})
    assert other.status_code == 200


def test_limits_are_kept_in_redis_when_it_is_configured(tmp_path):
    require_redis(REDIS_URL)
    prefix = f"mm-test-{secrets.token_hex(4)}"
    config = make_test_config(f"sqlite:///{tmp_path / 'redis.sqlite'}", tmp_path)
    config |= {"MATCHMAKER_REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    application: Flask = create_app(config)
    from matchmaker.extensions import limiter

    try:
        with application.app_context():
            db.create_all()
            assert "redis" in type(limiter.storage).__name__.lower()
            client = application.test_client()
            assert _wrong_logins(client, "nobody@example.kr", 20) == [401] * 20
            assert _wrong_logins(client, "nobody@example.kr", 1) == [429]
            import redis

            assert redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
            db.session.remove()
            db.drop_all()
    finally:
        import redis

        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
        if keys:
            redis.Redis.from_url(REDIS_URL).delete(*keys)


def test_the_429_page_speaks_korean(app, client):
    app.config["RATELIMIT_SIGNUP"] = "1 per hour"
    korean = {"Accept-Language": "ko"}
    client.post("/signup", data={"email": "x@example.kr"}, headers=korean)
    refused = client.post("/signup", data={"email": "x@example.kr"}, headers=korean)
    assert refused.status_code == 429
    assert "잠시 후 다시 시도해 주십시오" in refused.get_data(as_text=True)
