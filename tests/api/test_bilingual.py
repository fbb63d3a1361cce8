"""Issue 18 on the API: both language versions of a profile text, sent and answered through the schema."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db

DESCRIPTION_KO = "볼트버스 진단은 전기 버스 배터리의 상태를 운행 데이터로 진단합니다."
DESCRIPTION_EN = "VoltBus Diagnostics checks the health of electric bus batteries from driving data."


@pytest.mark.both_databases
def test_both_versions_round_trip_and_each_reader_gets_their_own(client, make_user, make_organisation, auth):
    startup = make_organisation(name="볼트버스 진단", description=DESCRIPTION_KO)
    founder = make_user("founder", organisation=startup)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={
            "summary": "전기 버스 배터리 진단",
            "summary_en": "Battery checks for e-buses",
            "description_en": DESCRIPTION_EN,
        },
        headers=auth(founder),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["description"], body["description_en"], body["description_ko"]) == (
        DESCRIPTION_KO,
        DESCRIPTION_EN,
        "",
    )
    assert body["languages"]["description"] == "ko" and body["languages"]["offers"] is None
    assert body["version_sources"] == {"description_en": "person", "summary_en": "person"}

    reader = auth(make_user("partner", organisation=make_organisation("partner", name="NVIDIA")))
    english = client.get(
        f"/api/v1/organisations/{startup.id}", headers=reader | {"Accept-Language": "en"}
    ).get_json()
    assert english["for_reader"]["description"] == {
        "text": DESCRIPTION_EN,
        "language": "en",
        "original": False,
        "source": "person",
    }
    assert english["for_reader"]["name"] == {
        "text": "Bolteubeoseu Jindan",
        "language": "en",
        "original": False,
        "source": "romanised",
    }
    korean = client.get(
        f"/api/v1/organisations/{startup.id}", headers=reader | {"Accept-Language": "ko"}
    ).get_json()
    assert (
        korean["for_reader"]["description"]["text"] == DESCRIPTION_KO
        and korean["for_reader"]["description"]["original"]
    )

    # a PATCH of other fields keeps the versions (the body is merged onto the stored profile)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}", json={"team_size": 3}, headers=auth(founder)
    )
    assert response.get_json()["description_en"] == DESCRIPTION_EN
    # an empty version removes it
    response = client.patch(
        f"/api/v1/organisations/{startup.id}", json={"description_en": ""}, headers=auth(founder)
    )
    assert response.get_json()["description_en"] == ""
    db.session.refresh(startup)
    assert startup.version("description", "en") is None


def test_version_limits_and_language_are_checked(client, make_user, make_organisation, auth):
    startup = make_organisation(name="볼트버스 진단", description=DESCRIPTION_KO)
    founder = make_user("founder", organisation=startup)
    headers = auth(founder) | {"Accept-Language": "en"}
    response = client.patch(
        f"/api/v1/organisations/{startup.id}",
        json={"summary": "x" * 161, "description_en": "x" * 4001, "offers_en": "GPU hours"},
        headers=headers,
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "160" in fields["summary"] and "4000" in fields["description_en"].replace(",", "")
    response = client.patch(
        f"/api/v1/organisations/{startup.id}", json={"offers_en": "GPU hours"}, headers=headers
    )
    assert response.status_code == 422
    assert "first" in response.get_json()["error"]["fields"]["offers_en"]
    response = client.patch(
        f"/api/v1/organisations/{startup.id}", json={"summary": "두 줄\n요약"}, headers=headers
    )
    assert response.status_code == 422 and "one line" in response.get_json()["error"]["fields"]["summary"]


def test_the_openapi_document_describes_the_versions(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    update = spec["components"]["schemas"]["OrganisationUpdate"]["properties"]
    assert {"summary", "description_en", "description_ko", "name_en", "seeks_ko"} <= set(update)
    answer = spec["components"]["schemas"]["Organisation"]["properties"]
    assert {"languages", "version_sources", "for_reader", "summary_en"} <= set(answer)
