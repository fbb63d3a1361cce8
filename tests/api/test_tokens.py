"""Bearer-token authentication, and the page and command that manage tokens."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.models import ApiToken


def _assert_unauthorised(response) -> None:
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["error"]["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer mm_not-a-real-token", "Token mm_x"],
)
def test_requests_without_a_valid_token_are_refused(client, make_user, header):
    make_user("staff")
    headers = {"Authorization": header} if header is not None else {}
    _assert_unauthorised(client.get("/api/v1/organisations", headers=headers))


@pytest.mark.both_databases
def test_a_valid_token_is_accepted_and_its_use_recorded(client, make_user, auth):
    user = make_user("founder")
    headers = auth(user)
    assert client.get("/api/v1/organisations", headers=headers).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(client, make_user, auth):
    user = make_user("founder")
    headers = auth(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    api_tokens.revoke_token(user, token.id)
    _assert_unauthorised(client.get("/api/v1/organisations", headers=headers))


def test_a_deactivated_accounts_token_is_refused(client, make_user, auth):
    user = make_user("partner")
    headers = auth(user)
    user.is_active_account = False
    db.session.commit()
    _assert_unauthorised(client.get("/api/v1/organisations", headers=headers))


def test_a_signed_in_browser_session_does_not_authenticate_the_api(client, make_user, login):
    user = make_user("staff")
    login(user)
    assert client.get("/dashboard").status_code == 200
    _assert_unauthorised(client.get("/api/v1/organisations"))


@pytest.mark.both_databases
def test_only_the_hash_of_a_token_is_stored(make_user):
    user = make_user("founder")
    row, secret = api_tokens.create_token(user, "CRM sync")
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row.prefix) and len(row.prefix) < len(secret) // 2
    stored = db.session.execute(select(ApiToken.__table__)).one()._asdict()
    assert all(secret not in str(value) for value in stored.values())


def test_the_api_is_exempt_from_csrf_but_pages_are_not(app, client, make_user, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    founder = make_user("founder")
    headers = auth(founder)
    created = client.post(
        "/api/v1/organisations", json={"name": "VoltCell", "description": "EV batteries."}, headers=headers
    )
    assert created.status_code == 201, created.get_json()
    page = client.post("/login", data={"email": founder.email, "password": "whatever"})
    assert page.status_code == 400  # the page form without its CSRF token


def test_the_tokens_page_creates_shows_once_lists_and_revokes(client, make_user, login):
    user = make_user("investor")
    login(user)
    assert client.get("/account/tokens/").status_code == 200
    created = client.post("/account/tokens/", data={"name": "Portfolio sync"})
    assert created.status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    page = created.get_data(as_text=True)
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == row.token_hash
    assert (
        client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )

    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert "Portfolio sync" in listing and row.prefix in listing and secret not in listing

    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
    _assert_unauthorised(client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}))


def test_a_token_needs_a_name(client, make_user, login):
    user = make_user("founder")
    login(user)
    response = client.post("/account/tokens/", data={"name": "  "})
    assert response.status_code == 422
    assert api_tokens.list_tokens(user) == []


def test_nobody_revokes_someone_elses_token(client, make_user, login):
    owner = make_user("partner")
    row, _ = api_tokens.create_token(owner, "theirs")
    login(make_user("staff"))
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None


def test_the_tokens_page_needs_sign_in(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_command_prints_a_working_token(client, runner, make_user):
    user = make_user("staff", email="ops@complex.example")
    result = runner.invoke(args=["create-api-token", "OPS@complex.example", "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("mm_")
    assert api_tokens.list_tokens(user)[0].name == "nightly export"
    assert (
        client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )


def test_the_command_refuses_an_unknown_account(runner):
    result = runner.invoke(args=["create-api-token", "nobody@example.kr", "--name", "x"])
    assert result.exit_code != 0
    assert "no account" in result.output
    assert db.session.scalar(select(ApiToken)) is None
