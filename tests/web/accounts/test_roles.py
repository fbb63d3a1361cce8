"""Role boundaries on every kind of page, and the protections every form has."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage, User
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize(
    "path", ["/dashboard", "/organisations/", "/organisations/new", "/staff/accounts", "/account/password"]
)
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["founder", "partner", "investor"])
@pytest.mark.parametrize("path", ["/staff/accounts", "/staff/accounts/new"])
def test_members_cannot_open_staff_pages(client, make_user, login, role, path):
    login(make_user(role))
    assert client.get(path).status_code == 403


def test_staff_cannot_use_admin_actions(client, make_user, login):
    target = make_user("founder")
    login(make_user("staff"))
    assert client.post(f"/admin/users/{target.id}/active").status_code == 403
    db.session.refresh(target)
    assert target.is_active_account


def test_admin_deactivates_and_reactivates(client, make_user, login):
    target = make_user("staff")
    admin = make_user("admin")
    login(admin)
    assert client.post(f"/admin/users/{target.id}/active").status_code == 302
    db.session.refresh(target)
    assert not target.is_active_account
    assert client.post(f"/admin/users/{admin.id}/active").status_code == 409  # not yourself
    client.post(f"/admin/users/{target.id}/active")
    db.session.refresh(target)
    assert target.is_active_account


def test_staff_invite_partners_but_not_staff(client, make_user, make_organisation, login):
    amazon = make_organisation("partner", name="Amazon")
    login(make_user("staff"))
    ok = client.post(
        "/staff/accounts/new",
        data={
            "display_name": "Alexa team",
            "email": "alexa@amazon.example",
            "role": "partner",
            "organisation_id": str(amazon.id),
        },
    )
    assert ok.status_code == 200 and "/invite/" in ok.get_data(as_text=True)
    mail = db.session.query(OutboxMessage).filter_by(recipient="alexa@amazon.example").one()
    assert "/invite/" in mail.body and "Amazon" in mail.body
    denied = client.post(
        "/staff/accounts/new", data={"display_name": "X", "email": "x@example.kr", "role": "staff"}
    )
    assert denied.status_code == 403
    wrong_kind = client.post(
        "/staff/accounts/new",
        data={
            "display_name": "Y",
            "email": "y@example.kr",
            "role": "investor",
            "organisation_id": str(amazon.id),
        },
    )
    assert wrong_kind.status_code == 422
    assert db.session.query(User).filter_by(email="x@example.kr").count() == 0


def test_admin_invites_staff(client, make_user, login):
    login(make_user("admin"))
    response = client.post(
        "/staff/accounts/new",
        data={"display_name": "New staff", "email": "s@complex.example", "role": "staff"},
    )
    assert response.status_code == 200
    user = db.session.query(User).filter_by(email="s@complex.example").one()
    assert user.role == "staff" and not user.has_password


def test_each_role_sees_its_dashboard(client, make_user, make_organisation, login):
    startup = make_organisation("startup", name="VoltCell")
    login(make_user("founder", organisation=startup))
    assert "VoltCell" in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    login(make_user("staff"))
    assert "The complex at a glance" in client.get("/dashboard").get_data(as_text=True)


def test_forms_need_a_csrf_token(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="founder@example.kr")
    client = app.test_client()
    response = client.post("/login", data={"email": "founder@example.kr", "password": "whatever pass"})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user(email="founder@example.kr")
    response = client.post("/login", data={"email": "founder@example.kr", "password": TEST_PASSWORD})
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
