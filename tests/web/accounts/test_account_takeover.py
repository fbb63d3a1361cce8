"""Finding 1: secrets in mail reach only their recipient; invitations cannot take over an account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matchmaker.accounts import users as accounts
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "새 비밀번호 gwangju 2026"


def _link_in(body: str, path: str) -> str:
    match = re.search(rf"https?://[^\s]+{path}/[^\s]+", body)
    assert match, body
    return match.group(0).removeprefix("http://localhost")


def test_outbox_hides_an_invitation_link_from_other_staff(app, client, make_user, login):
    admin = make_user("admin")
    staff = make_user("staff", email="staff@example.kr")
    invited = accounts.invite_user(admin, "새 관리자", "new-admin@example.kr", "admin", None)
    link = accounts.send_invitation(invited)
    token = link.rsplit("/", 1)[1]
    login(staff)
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "new-admin@example.kr" in page  # the message is listed
    assert token not in page and "/invite/" not in page
    assert "hidden" in page  # and says why part of it is missing


def test_a_reissued_invitation_cannot_take_over_an_account_with_a_password(app, client, make_user):
    admin = make_user("admin", email="admin@example.kr")
    token = accounts.invitation_token(admin)  # what a re-issue used to mail
    assert client.get(f"/invite/{token}").status_code == 404
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    db.session.refresh(admin)
    assert admin.check_password(TEST_PASSWORD)


def test_admin_cannot_reissue_an_invitation_to_an_account_with_a_password(app, client, make_user, login):
    admin = make_user("admin")
    partner = make_user("partner")
    login(admin)
    response = client.post(f"/admin/users/{partner.id}/invitation")
    assert response.status_code == 409
    assert "reset" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(OutboxMessage)) is None


def test_an_invitation_for_a_deactivated_account_does_not_work(app, client, make_user):
    admin = make_user("admin")
    invited = accounts.invite_user(admin, "Partner", "p@example.kr", "staff", None)
    token = accounts.invitation_token(invited)
    invited.is_active_account = False
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 404


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(app, client, make_user):
    make_user(email="founder@example.kr")
    known = client.post("/password/reset", data={"email": "Founder@example.kr"})
    unknown = client.post("/password/reset", data={"email": "nobody@example.kr"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in messages] == ["founder@example.kr"]


@pytest.mark.both_databases
def test_password_reset_sets_a_new_password_once_and_ends_other_sessions(app, make_user, new_client):
    user = make_user(email="founder@example.kr")
    other_device, browser = new_client(), new_client()
    other_device.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "on"})
    assert other_device.get("/dashboard").status_code == 200
    assert "Forgot your password" in browser.get("/login").get_data(as_text=True)
    browser.post("/password/reset", data={"email": user.email})
    message = db.session.scalar(select(OutboxMessage))
    link = _link_in(message.body, "/password/reset")
    form = browser.get(link)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    weak = browser.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    done = browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    assert browser.get(link).status_code == 404  # used up
    response = other_device.get("/dashboard")  # even with its remember cookie
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    ok = browser.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert ok.status_code == 302


def test_a_reset_link_is_short_lived(app, client, make_user):
    user = make_user(email="founder@example.kr")
    token = accounts.password_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    assert client.get(f"/password/reset/{token}").status_code == 404


def test_the_recipient_sees_their_own_reset_link_in_the_outbox_others_do_not(app, make_user, new_client):
    staff = make_user("staff", email="staff@example.kr")
    colleague = make_user("staff", email="colleague@example.kr")
    own, other = new_client(), new_client()
    own.post("/password/reset", data={"email": staff.email})
    token_link = _link_in(db.session.scalar(select(OutboxMessage)).body, "/password/reset")
    own.post("/login", data={"email": staff.email, "password": TEST_PASSWORD})
    other.post("/login", data={"email": colleague.email, "password": TEST_PASSWORD})
    assert token_link in own.get("/staff/outbox").get_data(as_text=True)
    assert token_link not in other.get("/staff/outbox").get_data(as_text=True)


def test_the_reset_pages_speak_korean(app, client, make_user):
    korean = {"Accept-Language": "ko"}
    assert "비밀번호를 잊으셨습니까?" in client.get("/login", headers=korean).get_data(as_text=True)
    sent = client.post("/password/reset", data={"email": "누구@example.kr"}, headers=korean)
    assert "받은편지함을 확인해" in sent.get_data(as_text=True)
    token = accounts.password_reset_token(make_user(email="창업자@example.kr"))
    form = client.get(f"/password/reset/{token}", headers=korean).get_data(as_text=True)
    assert "새 비밀번호 정하기" in form and "창업자@example.kr" in form
    used = client.get("/password/reset/garbage", headers=korean).get_data(as_text=True)
    assert "유효하지 않은 비밀번호 재설정 링크입니다." in used


def test_the_reset_mail_is_written_in_the_owners_language(app, client, make_user):
    make_user(email="jiwoo@example.kr", language="ko")
    client.post("/password/reset", data={"email": "jiwoo@example.kr"})
    message = db.session.scalar(select(OutboxMessage))
    assert message.subject == "matchmaker 비밀번호 재설정"
    assert "30분 동안 한 번만" in message.body
    assert "/password/reset/" not in message.redacted_body
