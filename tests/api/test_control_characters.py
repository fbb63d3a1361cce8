"""Issue 20, finding 6 (and RTL overrides of finding 9): control characters never reach the database.

A vertical tab in `offers` used to be stored; openpyxl then refused it and the staff's XLSX export
answered 500. The schema drops such characters once, for the API, the form and the import alike."""

from __future__ import annotations

import io

import openpyxl
import pytest

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.schemas.profile import check_profile
from tests.web.organisations.test_organisations import _startup_form

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

HOSTILE = "Pilot sites\u000b and \u001bdata\u007f"
OVERRIDE = "\u202eCellVolt\u202c"


def _stored(organisation_id: int) -> Organisation:
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation_id)
    assert organisation is not None
    return organisation


def _export_opens(client) -> str:
    response = client.get("/staff/exports/organisations.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)


def test_control_characters_sent_to_the_api_are_dropped_and_the_export_works(
    client, make_user, make_organisation, auth, login
):
    startup = make_organisation("startup", name="VoltCell", sectors=["energy"])
    founder = make_user("founder", organisation=startup)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={
            "offers": HOSTILE,
            "name": OVERRIDE,
            "description": "Line one\r\nline two\twith a tab\u0007",
            "tags": ["ev\u0000x".replace("\u0000", "\u0008")],
        },
        headers=auth(founder),
    )
    assert response.status_code == 200, response.get_json()
    stored = _stored(startup.id)
    assert stored.offers == "Pilot sites and data"
    assert stored.name == "CellVolt"
    assert stored.description == "Line one\r\nline two\twith a tab"  # paragraphs and tabs stay
    assert stored.tags == ["evx"]
    login(make_user("staff"))
    assert "Pilot sites and data" in _export_opens(client)


def test_control_characters_typed_in_the_form_are_dropped(client, make_user, make_organisation, login):
    startup = make_organisation("startup", name="VoltCell", sectors=["energy"])
    login(make_user("founder", organisation=startup))
    form = _startup_form(offers=HOSTILE, name=OVERRIDE, location="Gwangju\u000b Buk-gu")
    response = client.post(f"/organisations/{startup.id}/edit", data=form)
    assert response.status_code == 302
    stored = _stored(startup.id)
    assert stored.offers == "Pilot sites and data"
    assert stored.name == "CellVolt"
    assert stored.location == "Gwangju Buk-gu"


@pytest.mark.parametrize("name", ["\u202e", "\u0001\u0002", "\u2066\u2069"])
def test_a_name_of_control_characters_only_is_refused_as_empty(app, name):
    data, errors = check_profile({"name": name, "description": "Solar storage pilots."}, "startup")
    assert "name" in errors and not data
