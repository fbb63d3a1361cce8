"""Creating and editing profiles: field validation, nothing half-written, who may edit what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, OrganisationSector


def _startup_form(**overrides):
    data = {
        "name": "VoltCell",
        "description": "Second-life EV batteries as energy storage for solar farms in Gwangju.",
        "offers": "Battery health data, a storage pilot",
        "seeks": "Energy partners and seed investment",
        "sectors": ["energy", "automotive"],
        "tags": "ev battery, energy storage",
        "stage": "seed",
        "raising_amount": "$1.5M",
        "location": "Gwangju, Buk-gu",
        "is_complex_tenant": "on",
        "website": "https://voltcell.example.kr",
        "contact_email": "hello@voltcell.example.kr",
        "team_size": "12",
        "visibility": "listed",
    }
    data.update(overrides)
    return data


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.both_databases
def test_founder_creates_their_startup(client, make_user, login):
    founder = make_user("founder")
    login(founder)
    response = client.post("/organisations/new", data=_startup_form())
    assert response.status_code == 302
    startup = db.session.scalar(select(Organisation))
    assert startup.kind == "startup"
    assert startup.sectors == ["automotive", "energy"]
    assert (startup.raising_amount, startup.raising_currency) == (1_500_000, "USD")
    assert startup.tags == ["ev battery", "energy storage"]
    assert startup.is_complex_tenant is True
    db.session.refresh(founder)
    assert founder.organisation_id == startup.id
    page = client.get(f"/organisations/{startup.id}")
    assert "VoltCell" in page.get_data(as_text=True)
    assert "$1.5M" in page.get_data(as_text=True)


def test_founder_cannot_create_a_second_organisation(client, make_user, make_organisation, login):
    own = make_organisation("startup")
    founder = make_user("founder", organisation=own)
    login(founder)
    assert client.get("/organisations/new").status_code == 302  # sent to edit their own
    assert _count(Organisation) == 1


def test_founder_cannot_create_a_partner(client, make_user, login):
    login(make_user("founder"))
    client.post("/organisations/new", data=_startup_form(kind="partner"))
    assert db.session.scalar(select(Organisation)).kind == "startup"


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"name": ""}, "Enter the organisation&#39;s name."),
        ({"description": ""}, "Describe the organisation"),
        ({"description": "x" * 4001}, "Use at most 4000 characters"),
        ({"name": "n" * 121}, "Use at most 120 characters"),
        ({"website": "voltcell dot kr"}, "Enter a full web address"),
        ({"website": "ftp://voltcell.example.kr"}, "Enter a full web address"),
        ({"sectors": ["energy", "agriculture"]}, "Unknown sector &#39;agriculture&#39;"),
        ({"stage": "series_z"}, "Unknown stage &#39;series_z&#39;"),
        ({"raising_amount": "lots"}, "Enter an amount like 20억원"),
        ({"team_size": "-3"}, "Enter the number of people"),
        ({"contact_email": "nobody"}, "Enter a valid e-mail address"),
    ],
)
def test_invalid_profile_is_refused_and_nothing_is_written(
    client, make_user, login, overrides, field_message
):
    founder = make_user("founder")
    login(founder)
    response = client.post("/organisations/new", data=_startup_form(**overrides))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_message in body
    assert 'class="field-error"' in body
    assert _count(Organisation) == 0 and _count(OrganisationSector) == 0
    db.session.refresh(founder)
    assert founder.organisation_id is None


@pytest.mark.both_databases
def test_failed_edit_leaves_the_stored_profile_untouched(client, make_user, make_organisation, login):
    startup = make_organisation("startup", name="Before", sectors=["energy"])
    login(make_user("founder", organisation=startup))
    response = client.post(
        f"/organisations/{startup.id}/edit",
        data=_startup_form(name="After", website="not a url", sectors=["content"]),
    )
    assert response.status_code == 422
    db.session.expire_all()
    stored = db.session.get(Organisation, startup.id)
    assert stored.name == "Before"
    assert stored.sectors == ["energy"]


def test_investor_ticket_range_must_be_ordered(client, make_user, make_organisation, login):
    fund = make_organisation("investor", name="Fund")
    login(make_user("staff"))
    form = _startup_form(
        name="Fund", investor_stages=["seed", "series_a"], ticket_min="$3M", ticket_max="$250k"
    )
    response = client.post(f"/organisations/{fund.id}/edit", data=form)
    assert response.status_code == 422
    assert "The largest ticket must be at least the smallest." in response.get_data(as_text=True)
    ok = client.post(f"/organisations/{fund.id}/edit", data=dict(form, ticket_min="$250k", ticket_max="$3M"))
    assert ok.status_code == 302
    db.session.expire_all()
    fund = db.session.get(Organisation, fund.id)
    assert (fund.ticket_min, fund.ticket_max, fund.ticket_currency) == (250_000, 3_000_000, "USD")
    assert fund.investor_stages == ["seed", "series_a"]


def test_founder_editing_another_startup_gets_403(client, make_user, make_organisation, login):
    own = make_organisation("startup")
    other = make_organisation("startup", name="Someone else")
    login(make_user("founder", organisation=own))
    assert client.get(f"/organisations/{other.id}/edit").status_code == 403
    response = client.post(f"/organisations/{other.id}/edit", data=_startup_form(name="Hijacked"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organisation, other.id).name == "Someone else"


def test_partner_edits_only_their_own(client, make_user, make_organisation, login):
    amazon = make_organisation("partner", name="Amazon")
    google = make_organisation("partner", name="Google")
    login(make_user("partner", organisation=amazon))
    assert client.get(f"/organisations/{amazon.id}/edit").status_code == 200
    assert client.get(f"/organisations/{google.id}/edit").status_code == 403


@pytest.mark.both_databases
def test_staff_edit_every_organisation_and_create_partners(client, make_user, make_organisation, login):
    startup = make_organisation("startup")
    login(make_user("staff"))
    assert client.get(f"/organisations/{startup.id}/edit").status_code == 200
    response = client.post(
        "/organisations/new",
        data={"kind": "partner", "name": "Google", "description": "AI and cloud for the public sector."},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Google")).kind == "partner"


def test_hidden_profile_is_not_revealed_to_others(client, make_user, make_organisation, login):
    hidden = make_organisation("startup", visibility="hidden")
    login(make_user("partner", organisation=make_organisation("partner")))
    assert client.get(f"/organisations/{hidden.id}").status_code == 404


def test_unknown_organisation_is_404(client, make_user, login):
    login(make_user("founder"))
    assert client.get("/organisations/999999").status_code == 404


@pytest.mark.both_databases
def test_a_founder_raises_in_won_and_the_page_shows_it_in_the_viewers_currency(client, make_user, login):
    founder = make_user("founder")
    login(founder)
    form = _startup_form(name="빛고을배터리", raising_amount="20억원", raising_currency="USD")
    assert client.post("/organisations/new", data=form).status_code == 302
    startup = db.session.scalar(select(Organisation))
    assert (startup.raising_amount, startup.raising_currency) == (2_000_000_000, "KRW")
    page = client.get(f"/organisations/{startup.id}").get_data(as_text=True)
    assert "≈ $1.4M (₩2B)" in page  # English pages: dollars first, the won amount as given beside it


def test_an_unmarked_amount_takes_the_currency_chosen_beside_it(client, make_user, login):
    founder = make_user("founder")
    login(founder)
    form = _startup_form(raising_amount="500,000,000", raising_currency="KRW")
    client.post("/organisations/new", data=form)
    startup = db.session.scalar(select(Organisation))
    assert (startup.raising_amount, startup.raising_currency) == (500_000_000, "KRW")


def test_a_ticket_range_in_two_currencies_is_refused(client, make_user, make_organisation, login):
    fund = make_organisation("investor", name="Fund")
    login(make_user("staff"))
    form = dict(name="Fund", description="Seed fund.", ticket_min="3억", ticket_max="$3M")
    response = client.post(f"/organisations/{fund.id}/edit", data=form)
    assert response.status_code == 422
    assert "same currency" in response.get_data(as_text=True)
    db.session.refresh(fund)
    assert fund.ticket_min is None
