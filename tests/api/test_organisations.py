"""Organisations on the API: listing, reading, creating, partial updates, and who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from matchmaker.extensions import db
from matchmaker.models import Organisation


def _startup(**overrides):
    data = {
        "name": "VoltCell",
        "description": "Second-life EV batteries as energy storage for solar farms in Gwangju.",
        "offers": "Battery health data",
        "seeks": "Energy partners",
        "sectors": ["energy", "automotive"],
        "tags": ["ev battery", "storage"],
        "stage": "seed",
        "raising_amount": "$1.5M",
        "is_complex_tenant": True,
        "website": "https://voltcell.example.kr",
        "contact_email": "hello@voltcell.example.kr",
        "team_size": 12,
    }
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def _columns(organisation: Organisation) -> dict:
    db.session.refresh(organisation)
    values = {c.key: getattr(organisation, c.key) for c in inspect(Organisation).column_attrs}
    values.pop("updated_at")
    return values | {"sectors": organisation.sectors}


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_the_list_shows_listed_organisations_by_name_without_outsiders_contacts(
    client, make_user, make_organisation, auth
):
    make_organisation("partner", name="NVIDIA", contact_email="inception@nvidia.example")
    make_organisation("startup", name="Aurora", contact_email="hi@aurora.example")
    make_organisation("startup", name="Hidden One", visibility="hidden")
    response = client.get("/api/v1/organisations", headers=auth(make_user("founder")))
    assert response.status_code == 200
    body = response.get_json()
    assert [o["name"] for o in body["items"]] == ["Aurora", "NVIDIA"]
    assert body["total"] == 2 and body["page"] == 1
    assert all(o["contact_email"] is None for o in body["items"])


def test_staff_may_include_hidden_organisations_and_others_may_not(
    client, make_user, make_organisation, auth
):
    make_organisation("startup", name="Hidden One", visibility="hidden")
    make_organisation("startup", name="Listed One")
    staff = client.get("/api/v1/organisations?include_hidden=true", headers=auth(make_user("staff")))
    founder = client.get("/api/v1/organisations?include_hidden=true", headers=auth(make_user("founder")))
    assert {o["name"] for o in staff.get_json()["items"]} == {"Hidden One", "Listed One"}
    assert {o["name"] for o in founder.get_json()["items"]} == {"Listed One"}
    assert staff.get_json()["items"][0]["contact_email"] is not None  # staff see contacts


@pytest.mark.both_databases
def test_the_list_filters_and_pages(client, make_user, make_organisation, auth):
    for n in range(5):
        make_organisation("startup", name=f"Energy {n}", sectors=["energy"])
    make_organisation("startup", name="Care", sectors=["healthcare"])
    make_organisation("investor", name="Rising Tide Fund", sectors=["energy"])
    headers = auth(make_user("partner"))
    page = client.get("/api/v1/organisations?kind=startup&sector=energy&per_page=2&page=3", headers=headers)
    body = page.get_json()
    assert [o["name"] for o in body["items"]] == ["Energy 4"]
    assert (body["total"], body["pages"], body["per_page"]) == (5, 3, 2)
    found = client.get("/api/v1/organisations?q=tide", headers=headers).get_json()
    assert [o["name"] for o in found["items"]] == ["Rising Tide Fund"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("kind=bank", "kind"),
        ("sector=finance", "sector"),
        ("include_hidden=maybe", "include_hidden"),
    ],
)
def test_bad_list_parameters_are_named(client, make_user, auth, query, field):
    response = client.get(f"/api/v1/organisations?{query}", headers=auth(make_user("founder")))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_a_hidden_organisation_is_404_except_for_members_and_staff(
    client, make_user, make_organisation, auth
):
    hidden = make_organisation("startup", visibility="hidden", contact_email="team@hidden.example")
    url = f"/api/v1/organisations/{hidden.id}"
    assert client.get(url, headers=auth(make_user("partner"))).status_code == 404
    assert client.get(url, headers=auth(make_user("founder"))).status_code == 404
    member = client.get(url, headers=auth(make_user("founder", organisation=hidden)))
    assert member.status_code == 200 and member.get_json()["contact_email"] == "team@hidden.example"
    assert client.get(url, headers=auth(make_user("staff"))).status_code == 200
    assert client.get("/api/v1/organisations/999999", headers=auth(make_user("staff"))).status_code == 404


def test_contact_details_only_for_members_and_staff(client, make_user, make_organisation, auth):
    startup = make_organisation("startup", contact_email="team@voltcell.example")
    url = f"/api/v1/organisations/{startup.id}"
    assert client.get(url, headers=auth(make_user("partner"))).get_json()["contact_email"] is None
    assert client.get(url, headers=auth(make_user("founder"))).get_json()["contact_email"] is None
    own = client.get(url, headers=auth(make_user("founder", organisation=startup))).get_json()
    assert own["contact_email"] == "team@voltcell.example"
    assert (
        client.get(url, headers=auth(make_user("staff"))).get_json()["contact_email"]
        == "team@voltcell.example"
    )


# --- creating ------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_founder_creates_their_startup_and_joins_it(client, make_user, auth):
    founder = make_user("founder")
    response = client.post("/api/v1/organisations", json=_startup(), headers=auth(founder))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/organisations/{body['id']}")
    assert (
        body["kind"] == "startup"
        and body["raising_amount"] == 1_500_000
        and body["raising_currency"] == "USD"
    )
    assert body["sectors"] == ["automotive", "energy"] and body["is_complex_tenant"] is True
    db.session.refresh(founder)
    assert founder.organisation_id == body["id"]
    again = client.post("/api/v1/organisations", json=_startup(name="Second"), headers=auth(founder))
    assert again.status_code == 409
    assert _count() == 1


def test_invalid_profiles_are_422_with_every_field_and_nothing_is_written(client, make_user, auth):
    founder = make_user("founder")
    response = client.post(
        "/api/v1/organisations",
        json=_startup(name="", website="voltcell", raising_amount="lots", sectors=["finance"]),
        headers=auth(founder),
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422
    assert set(error["fields"]) == {"name", "website", "raising_amount", "sectors"}
    assert _count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 5),
        ("sectors", "energy"),
        ("tags", [1]),
        ("team_size", "12"),
        ("is_complex_tenant", "yes"),
        ("raising_amount", [1]),
    ],
)
def test_wrong_json_types_are_422(client, make_user, auth, field, value):
    response = client.post(
        "/api/v1/organisations", json=_startup(**{field: value}), headers=auth(make_user())
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]
    assert _count() == 0


def test_unknown_fields_are_refused(client, make_user, auth):
    response = client.post("/api/v1/organisations", json=_startup(slug="mine"), headers=auth(make_user()))
    assert response.status_code == 422 and "slug" in response.get_json()["error"]["fields"]
    assert _count() == 0


@pytest.mark.parametrize("role", ["partner", "investor"])
def test_partners_and_investors_cannot_create_profiles(client, make_user, auth, role):
    response = client.post(
        "/api/v1/organisations", json=_startup(kind="partner"), headers=auth(make_user(role))
    )
    assert response.status_code == 403
    assert _count() == 0


def test_a_founder_cannot_create_a_partner(client, make_user, auth):
    response = client.post("/api/v1/organisations", json=_startup(kind="partner"), headers=auth(make_user()))
    assert response.status_code == 403
    assert _count() == 0


@pytest.mark.both_databases
def test_staff_create_any_kind_without_joining(client, make_user, auth):
    staff = make_user("staff")
    response = client.post(
        "/api/v1/organisations",
        json={
            "kind": "investor",
            "name": "Rising Tide Fund",
            "description": "Seed fund.",
            "investor_stages": ["seed"],
            "ticket_min": "$250k",
            "ticket_max": 3_000_000,
        },
        headers=auth(staff),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["ticket_min"] == 250_000
    db.session.refresh(staff)
    assert staff.organisation_id is None


# --- updating ------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_patch_changes_only_the_given_fields(client, make_user, make_organisation, auth):
    startup = make_organisation(
        "startup",
        sectors=["energy"],
        stage="seed",
        raising_amount=900_000,
        raising_currency="USD",
        contact_email="a@voltcell.example",
        tags=["ev"],
        team_size=4,
        website="https://voltcell.example.kr",
    )
    founder = make_user("founder", organisation=startup)
    before = _columns(startup)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={"seeks": "A pilot site", "team_size": 5},
        headers=auth(founder),
    )
    assert response.status_code == 200, response.get_json()
    after = _columns(startup)
    # seeks_language: the language of the new text, stored with it
    assert {k for k in after if after[k] != before[k]} == {"seeks", "seeks_language", "team_size"}
    assert response.get_json()["seeks"] == "A pilot site"


def test_an_empty_patch_changes_nothing(client, make_user, make_organisation, auth):
    partner = make_organisation(
        "investor",
        sectors=["content"],
        investor_stages=["seed", "series_a"],
        ticket_min=100_000,
        ticket_max=2_000_000,
        ticket_currency="USD",
        monthly_intro_capacity=3,
        is_complex_tenant=True,
        location="Gwangju",
    )
    before = _columns(partner)
    response = client.patch(f"/api/v1/organisations/{partner.id}", json={}, headers=auth(make_user("staff")))
    assert response.status_code == 200, response.get_json()
    assert _columns(partner) == before


@pytest.mark.both_databases
def test_an_invalid_patch_is_422_and_changes_nothing(client, make_user, make_organisation, auth):
    startup = make_organisation("startup")
    before = _columns(startup)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={"name": "New name", "description": "", "contact_email": "nope"},
        headers=auth(make_user("founder", organisation=startup)),
    )
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"description", "contact_email"}
    assert _columns(startup) == before


def test_a_founder_cannot_edit_another_startup(client, make_user, make_organisation, auth):
    mine, theirs = make_organisation("startup"), make_organisation("startup", name="Theirs")
    response = client.patch(
        f"/api/v1/organisations/{theirs.id}",
        json={"name": "Mine now"},
        headers=auth(make_user(organisation=mine)),
    )
    assert response.status_code == 403
    db.session.refresh(theirs)
    assert theirs.name == "Theirs"


def test_a_partner_cannot_list_itself_when_staff_hid_it(client, make_user, make_organisation, auth):
    partner = make_organisation("partner", visibility="hidden")
    response = client.patch(
        f"/api/v1/organisations/{partner.id}",
        json={"visibility": "listed"},
        headers=auth(make_user("partner", organisation=partner)),
    )
    assert response.status_code == 200
    db.session.refresh(partner)
    assert partner.visibility == "hidden"


def test_staff_edit_any_organisation(client, make_user, make_organisation, auth):
    partner = make_organisation("partner", name="Amazon")
    response = client.patch(
        f"/api/v1/organisations/{partner.id}", json={"visibility": "hidden"}, headers=auth(make_user("staff"))
    )
    assert response.status_code == 200
    db.session.refresh(partner)
    assert partner.visibility == "hidden"
