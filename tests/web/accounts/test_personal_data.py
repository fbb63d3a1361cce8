"""Personal data (PIPA): a member downloads what the service holds about them and can delete the account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import ApiToken, IntroductionEvent, OutboxMessage, User
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def _world(make_user, make_organisation):
    startup = make_organisation("startup", name="볼트셀")
    partner = make_organisation("partner", name="NVIDIA")
    founder = make_user("founder", organisation=startup, email="jiwoo@voltcell.kr", display_name="김지우")
    intros.request_introduction(founder, partner.id, "배터리 실증을 함께 하고 싶습니다.")
    api_tokens.create_token(founder, "CRM 연동")
    return founder


def test_a_member_downloads_everything_held_about_them(client, make_user, make_organisation, login):
    founder = _world(make_user, make_organisation)
    login(founder)
    response = client.get("/account/data")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["email"] == "jiwoo@voltcell.kr"
    assert data["account"]["display_name"] == "김지우"
    assert "password_hash" not in data["account"]
    assert data["organisation"]["name"] == "볼트셀"
    assert [t["name"] for t in data["api_tokens"]] == ["CRM 연동"]
    assert "token_hash" not in data["api_tokens"][0]
    assert data["introduction_events"][0]["note"] == "배터리 실증을 함께 하고 싶습니다."
    assert isinstance(data["mail"], list)


def test_deleting_an_account_removes_personal_data_keeps_an_anonymous_trail(
    app, client, make_user, make_organisation, login, new_client
):
    founder = _world(make_user, make_organisation)
    staff = make_user("staff", email="staff@complex.kr")
    founder_id = founder.id
    login(founder)
    wrong = client.post("/account/delete", data={"password": "not my password"})
    assert wrong.status_code == 422
    response = client.post("/account/delete", data={"password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/dashboard").status_code == 302  # signed out
    db.session.expire_all()
    gone = db.session.get(User, founder_id)
    assert gone.email != "jiwoo@voltcell.kr" and "김지우" not in gone.display_name
    assert gone.password_hash is None and not gone.is_active_account and gone.deleted_at is not None
    assert gone.organisation_id is None
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == founder_id)).all() == []
    assert (
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "jiwoo@voltcell.kr")).all()
        == []
    )
    # The audit trail keeps the event, by an anonymous account.
    event = db.session.scalar(select(IntroductionEvent).where(IntroductionEvent.actor_id == founder_id))
    assert event is not None
    # Staff see that it happened.
    login(staff)
    page = client.get("/staff/accounts").get_data(as_text=True)
    assert "jiwoo@voltcell.kr" not in page and "deleted" in page.lower()
    stranger = new_client()
    refused = stranger.post("/login", data={"email": "jiwoo@voltcell.kr", "password": TEST_PASSWORD})
    assert refused.status_code == 401


def test_the_delete_page_speaks_korean(client, make_user, login):
    login(make_user())
    page = client.get("/account/delete", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "계정 삭제" in page
