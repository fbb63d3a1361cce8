"""Redis configured but unreachable (restarting, down): nobody's work is lost and no page fails.

A save falls back to the inline path (the matches are computed in the request, as without Redis) and
says so in the log; pages that show a refresh's progress show it as waiting instead of failing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import pending
from matchmaker.models import Match, PendingRefresh
from tests.jobs.test_worker import _form, _world

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused


def _down(app) -> None:
    app.config["MATCHMAKER_REDIS_URL"] = UNREACHABLE
    app.extensions.pop(jobs._REDIS_KEY, None)


def test_a_save_while_redis_is_down_is_refreshed_inline_and_pages_still_answer(
    queued_app, client, make_organisation, make_user, login, caplog
):
    startup, founder = _world(make_organisation, make_user)
    login(founder)
    # A refresh was queued while Redis answered; then Redis went away.
    assert client.post(f"/organisations/{startup.id}/edit", data=_form()).status_code == 302
    assert db.session.get(PendingRefresh, startup.id).job_id
    _down(queued_app)

    for path in ("/review/", f"/organisations/{startup.id}", f"/organisations/{startup.id}/matches-status"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    status = client.get(f"/organisations/{startup.id}/matches-status").get_json()
    assert status["pending"] is True and status["state"] == "waiting"

    with caplog.at_level(logging.WARNING, logger="matchmaker.jobs.queue"):
        form = _form(description="광주 태양광 발전소용 전기차 폐배터리 저장 장치, 실증 중")
        response = client.post(f"/organisations/{startup.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PendingRefresh, startup.id) is None
    assert (
        db.session.scalar(select(func.count()).select_from(Match).where(Match.startup_id == startup.id)) == 3
    )
    assert any("unreachable" in r.getMessage() for r in caplog.records), [
        r.getMessage() for r in caplog.records
    ]
    page = client.get("/review/").get_data(as_text=True)
    assert "being refreshed" not in page


def test_the_api_answers_at_once_when_redis_is_down(queued_app, client, make_organisation, make_user):
    startup, founder = _world(make_organisation, make_user)
    _, secret = api_tokens.create_token(founder, "jobs test")
    _down(queued_app)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={"description": "배터리 데이터로 에너지 저장 장치의 수명을 예측합니다"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.get_json()
    assert pending.pending_refresh(startup.id) is None


def test_staff_see_that_the_queue_is_down_and_a_retry_is_refused_with_503(
    queued_app, client, make_user, login
):
    staff = make_user("staff")
    _down(queued_app)
    login(staff)
    page = client.get("/staff/jobs/")
    assert page.status_code == 200
    assert "The job queue cannot be reached" in page.get_data(as_text=True)
    response = client.post("/staff/jobs/abc123/retry", follow_redirects=True)
    assert response.status_code == 200 and "The job queue cannot be reached" in response.get_data(
        as_text=True
    )
    _, secret = api_tokens.create_token(staff, "jobs")
    response = client.get("/api/v1/jobs/abc123", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "cannot be reached" in response.get_json()["error"]["message"]
    korean = client.get(
        "/api/v1/jobs/abc123", headers={"Authorization": f"Bearer {secret}", "Accept-Language": "ko"}
    )
    assert "작업 대기열에 연결할 수 없습니다" in korean.get_json()["error"]["message"]


def test_sign_in_works_and_stays_throttled_while_the_limits_redis_is_down(database_url, tmp_path):
    """The sign-in limits live in Redis; when it does not answer they are counted in the process
    instead, so people can still sign in and a password guesser is still stopped."""
    from tests.conftest import TEST_PASSWORD, app_with_schema, make_test_config

    config = make_test_config(database_url, tmp_path) | {
        "MATCHMAKER_REDIS_URL": UNREACHABLE,
        "RATELIMIT_LOGIN_ACCOUNT": "3 per 15 minutes",
    }
    with app_with_schema(database_url, tmp_path, config) as app:
        from werkzeug.security import generate_password_hash

        from matchmaker.models import User

        user = User(email="ceo@example.kr", display_name="김하나", role="staff")
        user.password_hash = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        client.post("/logout")
        codes = [
            client.post("/login", data={"email": user.email, "password": "wrong-password"}).status_code
            for _ in range(4)
        ]
        assert codes[:3] == [401, 401, 401] and codes[3] == 429, codes
