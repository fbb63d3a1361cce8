"""Issue 20, finding 9 (the smaller ones): secret pages not stored, no Retry-After on success, tokens that
stay dead after deactivation, the right message for a large dollar amount, digits of every script."""

from __future__ import annotations

import pytest

from matchmaker.accounts import tokens as api_tokens
from matchmaker.accounts import users as accounts
from matchmaker.schemas.profile import check_profile


def test_invitation_pages_are_never_stored(client, make_user, login):
    admin = make_user("admin", email="admin@example.kr")
    login(admin)
    data = {"display_name": "새 직원", "email": "new-staff@example.kr", "role": "staff"}
    invited_page = client.post("/staff/accounts/new", data=data)
    assert invited_page.status_code == 200 and "/invite/" in invited_page.get_data(as_text=True)
    assert invited_page.headers["Cache-Control"] == "no-store"
    invited = accounts.find_by_email("new-staff@example.kr")
    reissued = client.post(f"/admin/users/{invited.id}/invitation")
    assert reissued.status_code == 200 and reissued.headers["Cache-Control"] == "no-store"
    link = accounts.send_invitation(invited)
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_successful_api_answers_carry_no_retry_after(client, make_user, auth):
    response = client.get("/api/v1/organisations", headers=auth(make_user("staff")))
    assert response.status_code == 200
    assert "Retry-After" not in response.headers
    assert "X-RateLimit-Remaining" in response.headers  # the limit is still announced


@pytest.mark.both_databases
def test_a_token_stays_dead_after_deactivation_and_reactivation(client, make_user):
    admin = make_user("admin", email="admin@example.kr")
    member = make_user("staff", email="member@example.kr")
    _, secret = api_tokens.create_token(member, "CRM")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/organisations", headers=headers).status_code == 200
    accounts.set_active(admin, member, False)
    assert client.get("/api/v1/organisations", headers=headers).status_code == 401
    accounts.set_active(admin, member, True)
    assert client.get("/api/v1/organisations", headers=headers).status_code == 401  # like its sessions


def _profile(**amounts):
    return {"name": "VoltCell", "description": "Battery storage for solar farms.", **amounts}


def test_a_dollar_amount_above_the_maximum_says_the_maximum(app):
    _, errors = check_profile(_profile(raising_amount="$20,000,000,000"), "startup")
    assert errors["raising_amount"] == "Use an amount of at most 10,000,000,000 USD."
    _, errors = check_profile(_profile(raising_amount=20_000_000_000, raising_currency="USD"), "startup")
    assert "10,000,000,000 USD" in errors["raising_amount"]
    data, errors = check_profile(_profile(raising_amount="$1.5M"), "startup")
    assert not errors and data["raising_amount"] == 1_500_000


def test_arabic_indic_digits_read_like_full_width_ones(app):
    arabic, errors = check_profile(_profile(raising_amount="٢٠٠٠٠٠٠٠٠٠"), "startup")
    assert not errors, errors
    full_width, errors = check_profile(_profile(raising_amount="２０００００００００"), "startup")
    assert not errors, errors
    assert arabic["raising_amount"] == full_width["raising_amount"] == 2_000_000_000
