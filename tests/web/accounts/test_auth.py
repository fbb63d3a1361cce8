"""Sign-up, sign-in, sign-out, wrong passwords, password changes and invitations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.accounts import users as accounts
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage, User
from tests.conftest import TEST_PASSWORD


def _signup(client, **overrides):
    data = {
        "display_name": "Choi Ha-eun",
        "email": "Ha-eun@Example.KR",
        "password": "a long enough password",
        "confirm": "a long enough password",
    }
    data.update(overrides)
    return client.post("/signup", data=data)


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.both_databases
def test_founder_signs_up_is_mailed_a_sign_in_link_and_goes_on_to_describe_the_startup(client):
    response = _signup(client)
    assert response.status_code == 200 and "inbox" in response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "ha-eun@example.kr"  # stored case-folded
    assert user.role == "founder"
    assert user.password_hash.startswith("scrypt:")
    assert "a long enough password" not in user.password_hash
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    link = next(word for word in mail.body.split() if "/login" in word)
    assert link.startswith("http://localhost/login?next=")
    signed_in = client.post(
        link.removeprefix("http://localhost").split("?")[0],
        data={"email": user.email, "password": "a long enough password", "next": "/organisations/new"},
    )
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/organisations/new")
    assert client.get("/dashboard").status_code == 200


@pytest.mark.both_databases
def test_duplicate_email_creates_nothing_case_insensitively(client, make_user):
    make_user(email="taken@example.kr")
    response = _signup(client, email="TAKEN@example.kr")
    assert response.status_code == 200  # neutral: see tests/web/accounts/test_enumeration.py
    assert _user_count() == 1


def test_signup_validation_errors_are_reported_per_field(client):
    response = _signup(client, display_name="", email="not-an-email", password="short", confirm="short")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter your name." in body
    assert "Enter a valid e-mail address" in body
    assert "at least 10 characters" in body
    assert _user_count() == 0


def test_signup_mismatched_confirmation(client):
    response = _signup(client, confirm="something else entirely")
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert _user_count() == 0


def test_login_logout(client, make_user):
    user = make_user(email="founder@example.kr")
    response = client.post("/login", data={"email": "Founder@Example.kr", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert client.get("/logout").status_code == 405  # signing out changes state: POST only
    assert client.post("/logout").status_code == 302
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part(client, make_user):
    make_user(email="founder@example.kr")
    response = client.post("/login", data={"email": "founder@example.kr", "password": "wrong password"})
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.kr", "password": "wrong password"})
    assert unknown.status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_deactivated_account_cannot_sign_in(client, make_user):
    make_user(email="gone@example.kr", is_active_account=False)
    response = client.post("/login", data={"email": "gone@example.kr", "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_remember_me_sets_a_remember_cookie(client, make_user):
    make_user(email="founder@example.kr")
    client.post("/login", data={"email": "founder@example.kr", "password": TEST_PASSWORD, "remember": "on"})
    assert client.get_cookie("remember_token") is not None


def test_login_starts_a_new_session(client, make_user):
    make_user(email="founder@example.kr")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": "founder@example.kr", "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_login_never_redirects_off_site(client, make_user):
    make_user(email="founder@example.kr")
    response = client.post(
        "/login",
        data={"email": "founder@example.kr", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"].endswith("/dashboard")


def test_change_password(client, make_user, login):
    user = make_user()
    login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "nope",
            "new_password": "brand new password",
            "confirm": "brand new password",
        },
    )
    assert wrong.status_code == 422
    ok = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "brand new password",
            "confirm": "brand new password",
        },
    )
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("brand new password")
    assert not user.check_password(TEST_PASSWORD)


@pytest.mark.both_databases
def test_invitation_sets_password_once(app, client, make_user, make_organisation):
    staff = make_user("staff")
    nvidia = make_organisation("partner", name="NVIDIA")
    invited = accounts.invite_user(staff, "Partner person", "p@nvidia.example", "partner", nvidia.id)
    token = accounts.invitation_token(invited)
    assert client.get(f"/invite/{token}").status_code == 200
    short = client.post(f"/invite/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    response = client.post(
        f"/invite/{token}", data={"password": "partner password", "confirm": "partner password"}
    )
    assert response.status_code == 302
    client.post("/logout")
    assert client.get(f"/invite/{token}").status_code == 404  # used up
    assert client.get("/invite/garbage").status_code == 404
