"""Finding 8: one password policy for sign-up, invitations, password changes and resets."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.accounts import users as accounts
from matchmaker.accounts.passwords import common_passwords, password_problem
from matchmaker.extensions import db
from matchmaker.models import User
from tests.conftest import TEST_PASSWORD

REFUSED = [
    "1234567890",  # all digits
    "１２３４５６７８９０",  # all (full-width) digits
    "password12",  # common
    "PassWord2026!",  # a common word with an ending
    "qwertyuiop",  # keyboard walk
    "dkssudgktpdy1",  # 안녕하세요 typed on an English keyboard
    " " * 10,  # one repeated character
    "aaaaaaaaaaaa",
    "my-hyun.woo-secret",  # contains the e-mail's local part
    "short",
]
ACCEPTED = ["correct horse battery", "광주에서 만난 배터리 42", "Tr0ub4dor&3xyz"]


@pytest.mark.parametrize("password", REFUSED)
def test_signup_refuses_weak_passwords(client, password):
    data = {
        "display_name": "정현우",
        "email": "Hyun.Woo@example.kr",
        "password": password,
        "confirm": password,
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 422, password
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("password", ACCEPTED)
def test_signup_accepts_good_passwords(client, password):
    data = {
        "display_name": "정현우",
        "email": "hyun.woo@example.kr",
        "password": password,
        "confirm": password,
    }
    assert client.post("/signup", data=data).status_code == 200  # "check your inbox", as for anyone
    assert db.session.scalar(select(User).where(User.email == "hyun.woo@example.kr")) is not None


def test_every_way_of_setting_a_password_uses_the_policy(app, client, make_user, login):
    user = make_user(email="jiwoo@example.kr")
    weak = {"password": "password12", "confirm": "password12"}
    invited = accounts.invite_user(make_user("admin"), "초대", "invited@example.kr", "staff", None)
    assert client.post(f"/invite/{accounts.invitation_token(invited)}", data=weak).status_code == 422
    reset = client.post(f"/password/reset/{accounts.password_reset_token(user)}", data=weak)
    assert reset.status_code == 422
    login(user)
    change = client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": "jiwoo-2026-gwangju", "confirm": "x"},
    )
    assert change.status_code == 422
    assert "e-mail address" in change.get_data(as_text=True)


def test_the_common_list_is_shipped_and_large_enough():
    entries = common_passwords()
    assert len(entries) >= 2000
    assert {"password12", "qwertyuiop", "saranghae123"} <= entries


def test_the_policy_speaks_korean(app, client):
    data = {
        "display_name": "정현우",
        "email": "a@example.kr",
        "password": "password12",
        "confirm": "password12",
    }
    response = client.post("/signup", data=data, headers={"Accept-Language": "ko"})
    assert "흔한 비밀번호" in response.get_data(as_text=True)


def test_no_problem_for_a_good_password(app):
    with app.test_request_context():
        assert password_problem("correct horse battery", "someone@example.kr") is None
