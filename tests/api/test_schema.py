"""One schema: the OpenAPI document, the API, the web form and the import read the same profile rules.

Each case of issue 11's finding 9 (document and API disagreeing) is reproduced here.
"""

from __future__ import annotations

import re
from typing import get_args

import pytest
from sqlalchemy import func, select

from matchmaker.api.openapi import openapi_document
from matchmaker.extensions import db
from matchmaker.inputs import PAGE_MAX
from matchmaker.introductions import requests as intro_service
from matchmaker.models import (
    Currency,
    Introduction,
    IntroState,
    Organisation,
    OrganisationKind,
    Outcome,
    Sector,
    Stage,
    Visibility,
)
from matchmaker.models.introductions import Side
from matchmaker.schemas import introductions as intro_schemas
from matchmaker.schemas import profile
from matchmaker.schemas.profile import PROFILE_FIELDS, check_profile, max_lengths, profile_from_form

STARTUP = {"name": "VoltCell", "description": "Second-life EV batteries as storage for solar farms."}


def _schemas() -> dict:
    return openapi_document()["components"]["schemas"]


def _parameter(path: str, method: str, name: str) -> dict:
    operation = openapi_document()["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


# --- finding 9, case by case ----------------------------------------------------------------------


def test_an_empty_website_is_what_the_document_allows(client, make_user, auth):
    website = _schemas()["Organisation"]["properties"]["website"]
    assert "format" not in website
    created = client.post("/api/v1/organisations", json=STARTUP, headers=auth(make_user()))
    assert created.status_code == 201
    assert created.get_json()["website"] == ""
    assert re.search(website["pattern"], "")
    assert not re.search(website["pattern"], "voltcell")
    assert re.search(website["pattern"], "https://voltcell.example.kr/about?x=1")


@pytest.mark.both_databases
def test_a_bad_limit_is_a_documented_422(client, make_user, make_organisation, auth):
    startup = make_organisation("startup")
    response = client.get(
        f"/api/v1/organisations/{startup.id}/matches?limit=null",
        headers=auth(make_user(organisation=startup)),
    )
    assert response.status_code == 422
    assert (
        "422" in openapi_document()["paths"]["/organisations/{organisation_id}/matches"]["get"]["responses"]
    )


def test_the_state_filter_is_an_enum_and_unknown_states_are_422(client, make_user, auth):
    schema = _parameter("/introductions", "get", "state")["schema"]
    assert "requested" in schema["items"]["enum"] and "foo" not in schema["items"]["enum"]
    assert client.get("/api/v1/introductions?state=foo", headers=auth(make_user("staff"))).status_code == 422


def test_a_blank_name_is_refused_by_the_document_and_the_api(client, make_user, auth):
    name = _schemas()["OrganisationCreate"]["properties"]["name"]
    assert not re.search(name["pattern"], "") and not re.search(name["pattern"], "  \t")
    for blank in ("", "   "):
        response = client.post(
            "/api/v1/organisations", json=STARTUP | {"name": blank}, headers=auth(make_user())
        )
        assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == ["name"]
    assert _count() == 0


@pytest.mark.both_databases
def test_five_point_zero_is_an_integer_as_json_schema_says(client, make_user, make_organisation, auth):
    partner = make_organisation("partner")
    response = client.patch(
        f"/api/v1/organisations/{partner.id}",
        json={"monthly_intro_capacity": 5.0, "team_size": 12.0},
        headers=auth(make_user("staff")),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["monthly_intro_capacity"] == 5 and response.get_json()["team_size"] == 12
    half = client.patch(
        f"/api/v1/organisations/{partner.id}",
        json={"monthly_intro_capacity": 5.5},
        headers=auth(make_user("staff")),
    )
    assert half.status_code == 422 and list(half.get_json()["error"]["fields"]) == ["monthly_intro_capacity"]


def test_a_null_note_is_refused_as_the_document_says_string(client, make_user, make_organisation, auth):
    startup, partner = make_organisation("startup"), make_organisation("partner")
    founder = make_user(organisation=startup)
    introduction = intro_service.request_introduction(founder, partner.id, "Hello")
    note = _schemas()["TransitionNote"]["properties"]["note"]
    assert note["type"] == "string"
    response = client.post(
        f"/api/v1/introductions/{introduction.id}/approve",
        json={"note": None},
        headers=auth(make_user("staff")),
    )
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    db.session.refresh(introduction)
    assert introduction.state == "requested"
    message = client.post(
        "/api/v1/introductions", json={"organisation_id": partner.id, "message": None}, headers=auth(founder)
    )
    assert message.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 1


def test_an_unknown_investor_stage_is_refused_on_every_kind(client, make_user, auth):
    response = client.post(
        "/api/v1/organisations",
        json=STARTUP | {"kind": "partner", "investor_stages": ["__not_in_enum__"]},
        headers=auth(make_user("staff")),
    )
    assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == ["investor_stages"]
    assert _count() == 0


@pytest.mark.both_databases
@pytest.mark.parametrize("path", ["/organisations", "/introductions"])
def test_pages_have_a_documented_maximum(client, make_user, auth, path):
    assert _parameter(path, "get", "page")["schema"]["maximum"] == PAGE_MAX
    headers = auth(make_user("staff"))
    assert client.get(f"/api/v1{path}?page={PAGE_MAX + 1}", headers=headers).status_code == 422
    assert client.get(f"/api/v1{path}?page=", headers=headers).status_code == 422
    assert client.get(f"/api/v1{path}?page={PAGE_MAX}", headers=headers).status_code == 200


@pytest.mark.both_databases
@pytest.mark.parametrize("url", ["/api/v1/organisations/0", "/api/v1/organisations/2147483648"])
def test_an_id_out_of_range_is_404_for_every_method(client, make_user, auth, url):
    headers = auth(make_user("staff"))
    for method in ("get", "patch", "post", "delete"):
        assert getattr(client, method)(url, json={}, headers=headers).status_code == 404, method


# --- one schema for every door ----------------------------------------------------------------------


def test_the_document_is_generated_from_the_schema_the_api_validates_with():
    schemas = _schemas()
    assert set(schemas["OrganisationUpdate"]["properties"]) == set(PROFILE_FIELDS)
    assert "required" not in schemas["OrganisationUpdate"]
    assert set(schemas["OrganisationCreate"]["required"]) == {"name", "description"}
    for field, limit in max_lengths().items():
        documented = schemas["OrganisationCreate"]["properties"][field]
        options = [documented, *documented.get("anyOf", [])]
        assert limit in [o.get("maxLength") for o in options], field


def test_the_form_shows_the_schemas_limits(client, make_user, login):
    founder = make_user()
    login(founder)
    page = client.get("/organisations/new").get_data(as_text=True)
    for field in ("name", "description", "offers", "seeks", "location", "website", "contact_email"):
        tag = re.search(rf'<(?:input|textarea)[^>]*(?:id|name)="{field}"[^>]*>', page, re.S)
        assert tag, field
        assert f'maxlength="{max_lengths()[field]}"' in tag.group(0), field


def test_form_api_and_import_give_the_same_answer(app):
    typed = {
        "name": " 볼트셀 ",
        "description": "전기차 폐배터리를 태양광 발전소의 에너지 저장 장치로 재사용합니다.",
        "sectors": ["energy"],
        "tags": "배터리, ESS",
        "stage": "seed",
        "raising_amount": "20억원",
        "team_size": "12",
        "is_complex_tenant": "on",
    }
    as_json = {
        "name": "볼트셀",
        "description": typed["description"],
        "sectors": ["energy"],
        "tags": ["배터리", "ESS"],
        "stage": "seed",
        "raising_amount": "20억원",
        "team_size": 12,
        "is_complex_tenant": True,
    }
    from_form, form_errors = check_profile(profile_from_form(typed), "startup")
    from_api, api_errors = check_profile(as_json, "startup")
    assert form_errors == api_errors == {}
    assert from_form == from_api
    assert from_api["raising_amount"] == 2_000_000_000 and from_api["tags"] == ["배터리", "ess"]


def test_errors_are_korean_in_the_form_and_the_api(client, make_user, auth, login):
    founder = make_user()
    korean = {"Accept-Language": "ko"}
    api = client.post(
        "/api/v1/organisations", json=STARTUP | {"website": "볼트셀"}, headers=auth(founder) | korean
    )
    api_message = api.get_json()["error"]["fields"]["website"]
    assert re.search("[가-힣]", api_message)
    login(founder)
    client.post("/language", data={"language": "ko"})
    page = client.post("/organisations/new", data=STARTUP | {"website": "볼트셀"}, headers=korean)
    assert page.status_code == 422
    assert api_message in page.get_data(as_text=True)
    assert _count() == 0


# --- the role before the body ------------------------------------------------------------------------


def test_the_role_is_checked_before_the_body(client, make_user, make_organisation, auth):
    """A caller who may not act learns that (403), not what its body lacks (422)."""
    startup, partner = make_organisation("startup"), make_organisation("partner")
    founder = make_user(organisation=startup)
    introduction = intro_service.request_introduction(founder, partner.id, "Hello")
    bad = {"nonsense": True}
    refusals = [
        ("/api/v1/organisations", auth(make_user("partner", organisation=partner))),
        ("/api/v1/organisations", auth(make_user("investor"))),
        ("/api/v1/introductions/decisions", auth(founder)),
        ("/api/v1/introductions", auth(make_user("staff"))),
        (f"/api/v1/introductions/{introduction.id}/approve", auth(founder)),
        (f"/api/v1/introductions/{introduction.id}/reject", auth(founder)),
    ]
    for url, headers in refusals:
        response = client.post(url, json=bad, headers=headers)
        assert response.status_code == 403, (url, response.get_json())
    founder_partner = client.post(
        "/api/v1/organisations", json=STARTUP | {"kind": "partner"}, headers=auth(founder)
    )
    assert founder_partner.status_code == 403
    db.session.refresh(introduction)
    assert introduction.state == "requested" and _count() == 2


def test_the_side_is_checked_before_the_body(client, make_user, make_organisation, auth):
    """The wrong side of an introduction learns that it may not act (403) before what its body lacks."""
    startup, partner = make_organisation("startup", name="볼트셀"), make_organisation("partner")
    founder = make_user(organisation=startup)
    partner_member = make_user("partner", organisation=partner)
    introduction = intro_service.request_introduction(founder, partner.id, "안녕하세요")
    intro_service.approve(make_user("staff"), introduction.id, "")
    bad = {"note": 12345, "outcome": ["not", "text"]}
    wrong_side = [
        ("accept", founder),  # the requester does not answer its own request
        ("decline", founder),
        ("withdraw", partner_member),  # the asked side cannot withdraw the request
    ]
    for segment, user in wrong_side:
        response = client.post(
            f"/api/v1/introductions/{introduction.id}/{segment}", json=bad, headers=auth(user)
        )
        assert response.status_code == 403, (segment, response.get_json())
    # The right side with the same bad body learns what the body lacks.
    response = client.post(
        f"/api/v1/introductions/{introduction.id}/accept", json=bad, headers=auth(partner_member)
    )
    assert response.status_code == 422
    # Someone who may not see it at all still gets 404 first.
    outsider = make_user(organisation=make_organisation("startup"))
    response = client.post(
        f"/api/v1/introductions/{introduction.id}/withdraw", json=bad, headers=auth(outsider)
    )
    assert response.status_code == 404
    db.session.refresh(introduction)
    assert introduction.state == "approved"


def test_the_import_checks_a_row_of_text_without_raising(app):
    from matchmaker.organisations.profiles import check_profile_values

    row = {"name": "볼트셀", "description": "배터리 재사용", "team_size": "열둘", "raising_amount": "20억원"}
    values, errors = check_profile_values(row, "startup", typed=False)
    assert list(errors) == ["team_size"] and values == {}
    values, errors = check_profile_values(row | {"team_size": "12"}, "startup", typed=False)
    assert errors == {} and values["team_size"] == 12 and values["raising_amount"] == 2_000_000_000


@pytest.mark.parametrize(
    ("alias", "enum"),
    [
        (profile.SectorName, Sector),
        (profile.StageName, Stage),
        (profile.CurrencyName, Currency),
        (profile.VisibilityName, Visibility),
        (profile.KindName, OrganisationKind),
        (intro_schemas.OutcomeName, Outcome),
        (intro_schemas.StateName, IntroState),
        (intro_schemas.SideName, Side),
    ],
)
def test_the_literal_names_are_the_enums_values_in_order(alias, enum):
    assert get_args(alias) == tuple(member.value for member in enum)
