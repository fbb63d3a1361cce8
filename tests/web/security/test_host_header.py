"""Issue 20, finding 1: links in mail use the configured public URL, never the request's Host header."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import create_app
from matchmaker.accounts import users as accounts
from matchmaker.config import SettingError
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from tests.conftest import make_test_config

EVIL = {"Host": "evil.example:8080"}


def _public(app) -> None:
    app.config["MATCHMAKER_PUBLIC_URL"] = "https://matchmaker.example"
    app.config["TRUSTED_HOSTS"] = ["matchmaker.example", "localhost", "evil.example"]  # let the request in


def _mail_bodies() -> str:
    return "\n".join(message.body for message in db.session.scalars(select(OutboxMessage)))


def test_a_request_naming_another_host_is_refused(app, client, make_user):
    make_user(email="victim@example.kr")
    assert client.get("/login", headers=EVIL).status_code == 400
    response = client.post("/password/reset", data={"email": "victim@example.kr"}, headers=EVIL)
    assert response.status_code == 400
    assert db.session.scalar(select(OutboxMessage)) is None
    assert client.get("/login").status_code == 200  # the public and loopback names still answer
    assert client.get("/login", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_the_reset_link_uses_the_public_url_even_from_a_host_let_in(app, client, make_user):
    _public(app)
    make_user(email="victim@example.kr")
    response = client.post("/password/reset", data={"email": "victim@example.kr"}, headers=EVIL)
    assert response.status_code in (200, 302)
    body = _mail_bodies()
    assert "https://matchmaker.example/password/reset/" in body
    assert "evil.example" not in body


def test_the_signup_taken_mail_and_invitations_use_the_public_url(app, client, make_user):
    _public(app)
    make_user(email="taken@example.kr")
    password = "서로 다른 긴 비밀번호 42"
    data = {"display_name": "최하은", "email": "taken@example.kr", "password": password, "confirm": password}
    client.post("/signup", data=data, headers=EVIL)
    admin = make_user("admin", email="admin@example.kr")
    invited = accounts.invite_user(admin, "새 관리자", "new@example.kr", "staff", None)
    with app.test_request_context("/", headers=EVIL):
        link = accounts.send_invitation(invited)
    assert link.startswith("https://matchmaker.example/invite/")
    body = _mail_bodies()
    assert "https://matchmaker.example/login" in body and "https://matchmaker.example/invite/" in body
    assert "evil.example" not in body


def test_a_public_url_that_is_not_one_stops_the_start(tmp_path):
    config = make_test_config(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path)
    with pytest.raises(SettingError):
        create_app(config | {"MATCHMAKER_PUBLIC_URL": "matchmaker.example"})
    app = create_app(config | {"MATCHMAKER_PUBLIC_URL": "https://mm.example/app/"})
    assert app.config["TRUSTED_HOSTS"] == ["mm.example", "localhost", "127.0.0.1"]
    with app.app_context():
        from matchmaker.links import public_url_for

        assert public_url_for("auth.login") == "https://mm.example/app/login"
