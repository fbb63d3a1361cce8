"""Finding 4: signing out, changing the password and deactivation end every session for real."""

from __future__ import annotations

import pytest
from flask import Flask

from matchmaker.config import environment_overrides
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "새 비밀번호 gwangju 2026"


def _signed_in(make, user, remember: bool = False):
    browser = make()
    data = {"email": user.email, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "on"
    assert browser.post("/login", data=data).status_code == 302
    assert browser.get("/dashboard").status_code == 200
    return browser


def _sent_to_login(browser) -> bool:
    response = browser.get("/dashboard")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_cookie_replayed_after_logout_gets_the_login_page(app, make_user, new_client):
    user = make_user()
    browser = _signed_in(new_client, user)
    copied = browser.get_cookie("session").value
    assert browser.post("/logout").status_code == 302
    attacker = new_client()
    attacker.set_cookie("session", copied)
    assert _sent_to_login(attacker)


def test_a_remember_cookie_replayed_after_logout_gets_the_login_page(app, make_user, new_client):
    user = make_user()
    browser = _signed_in(new_client, user, remember=True)
    remembered = browser.get_cookie("remember_token").value
    browser.post("/logout")
    attacker = new_client()
    attacker.set_cookie("remember_token", remembered)
    assert _sent_to_login(attacker)


@pytest.mark.both_databases
def test_a_password_change_signs_out_other_devices_but_not_this_one(app, make_user, new_client):
    user = make_user()
    laptop = _signed_in(new_client, user, remember=True)
    phone = _signed_in(new_client, user, remember=True)
    response = laptop.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard").status_code == 200
    assert _sent_to_login(phone)


@pytest.mark.both_databases
def test_deactivation_ends_the_accounts_sessions(app, make_user, new_client):
    admin, founder = make_user("admin"), make_user()
    founder_browser = _signed_in(new_client, founder, remember=True)
    admin_browser = _signed_in(new_client, admin)
    assert admin_browser.post(f"/admin/users/{founder.id}/active").status_code == 302
    assert _sent_to_login(founder_browser)
    # Reactivated, the old cookies still do not come back to life.
    assert admin_browser.post(f"/admin/users/{founder.id}/active").status_code == 302
    assert _sent_to_login(founder_browser)


def test_cookie_security_can_be_set_from_the_environment():
    overrides = environment_overrides({"MATCHMAKER_SECURE_COOKIES": "1"})
    assert overrides["SESSION_COOKIE_SECURE"] is True
    assert overrides["REMEMBER_COOKIE_SECURE"] is True
    assert "SESSION_COOKIE_SECURE" not in environment_overrides({"MATCHMAKER_SECURE_COOKIES": "0"})


def test_cookies_are_secure_when_served_over_https(app: Flask, make_user, new_client):
    user = make_user()
    browser = new_client()
    response = browser.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "remember": "on"},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    assert all("Secure" in c for c in cookies), cookies
    plain = new_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert not any("Secure" in c for c in plain.headers.getlist("Set-Cookie"))
