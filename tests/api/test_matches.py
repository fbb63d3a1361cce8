"""An organisation's ranked matches on the API: order, explanation, and who may read them."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Match


def _match(startup, counterpart, score):
    match = Match(
        startup_id=startup.id,
        counterpart_id=counterpart.id,
        score=score,
        explanation={"components": [{"name": "offers_seeks", "similarity": score}], "hints": []},
        model_version="hashing+engine-1",
    )
    db.session.add(match)
    db.session.commit()
    return match


@pytest.mark.both_databases
def test_members_see_their_matches_best_first_with_explanations(client, make_user, make_organisation, auth):
    startup = make_organisation("startup")
    nvidia, amazon, fund = (
        make_organisation("partner"),
        make_organisation("partner"),
        make_organisation("investor"),
    )
    _match(startup, amazon, 0.61)
    _match(startup, fund, 0.83)
    _match(startup, nvidia, 0.61)  # a tie: the lower id comes first
    response = client.get(
        f"/api/v1/organisations/{startup.id}/matches",
        headers=auth(make_user("founder", organisation=startup)),
    )
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [m["organisation"]["id"] for m in items] == [fund.id, nvidia.id, amazon.id]
    assert items[0]["score"] == 0.83 and items[0]["percent"] == 83
    assert items[0]["explanation"]["components"][0]["name"] == "offers_seeks"


def test_a_partner_sees_startups_ranked_for_it(client, make_user, make_organisation, auth):
    partner = make_organisation("partner")
    first, second = make_organisation("startup"), make_organisation("startup")
    _match(first, partner, 0.4)
    _match(second, partner, 0.9)
    response = client.get(
        f"/api/v1/organisations/{partner.id}/matches?limit=1",
        headers=auth(make_user("partner", organisation=partner)),
    )
    assert [m["organisation"]["id"] for m in response.get_json()["items"]] == [second.id]


def test_a_partner_cannot_see_another_partners_matches(client, make_user, make_organisation, auth):
    nvidia, google = make_organisation("partner"), make_organisation("partner")
    _match(make_organisation("startup"), google, 0.7)
    response = client.get(
        f"/api/v1/organisations/{google.id}/matches", headers=auth(make_user("partner", organisation=nvidia))
    )
    assert response.status_code == 403
    assert "items" not in response.get_json()


def test_a_founder_cannot_see_another_startups_matches(client, make_user, make_organisation, auth):
    mine, theirs = make_organisation("startup"), make_organisation("startup")
    _match(theirs, make_organisation("investor"), 0.7)
    response = client.get(
        f"/api/v1/organisations/{theirs.id}/matches", headers=auth(make_user(organisation=mine))
    )
    assert response.status_code == 403


def test_staff_see_every_organisations_matches(client, make_user, make_organisation, auth):
    partner = make_organisation("partner")
    _match(make_organisation("startup"), partner, 0.7)
    response = client.get(f"/api/v1/organisations/{partner.id}/matches", headers=auth(make_user("staff")))
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1


def test_a_profile_hidden_since_matching_stays_hidden(client, make_user, make_organisation, auth):
    partner = make_organisation("partner")
    listed, hidden = make_organisation("startup"), make_organisation("startup", visibility="hidden")
    _match(listed, partner, 0.5)
    _match(hidden, partner, 0.9)
    url = f"/api/v1/organisations/{partner.id}/matches"
    member = client.get(url, headers=auth(make_user("partner", organisation=partner))).get_json()
    assert [m["organisation"]["id"] for m in member["items"]] == [listed.id]
    staff = client.get(url, headers=auth(make_user("staff"))).get_json()
    assert [m["organisation"]["id"] for m in staff["items"]] == [hidden.id, listed.id]


def test_matches_of_a_hidden_organisation_are_404_for_outsiders(client, make_user, make_organisation, auth):
    hidden = make_organisation("startup", visibility="hidden")
    response = client.get(f"/api/v1/organisations/{hidden.id}/matches", headers=auth(make_user("partner")))
    assert response.status_code == 404


def test_the_answer_is_kept_until_something_it_shows_changes(app, client, make_user, make_organisation, auth):
    """The list is kept like the review pages (issue 20, finding 10: the API cost more CPU per request
    than the pages), by the data versions it depends on, per language."""
    startup, other = make_organisation("startup"), make_organisation("startup")
    partner, investor = make_organisation("partner", name="GridCo"), make_organisation("investor")
    _match(startup, partner, 0.7)
    url = f"/api/v1/organisations/{startup.id}/matches"
    headers = auth(make_user("founder", organisation=startup))
    first = client.get(url, headers=headers)
    kept = app.extensions["matchmaker.review_cache"]
    hits = kept.hits
    second = client.get(url, headers=headers)
    assert kept.hits == hits + 1 and second.get_json() == first.get_json()
    assert second.headers["Content-Type"] == "application/json"
    _match(other, investor, 0.9)  # another startup's match: nothing this list shows
    assert client.get(url, headers=headers).get_json() == first.get_json() and kept.hits == hits + 2
    partner.name = "GridCo Renamed"
    db.session.commit()
    assert client.get(url, headers=headers).get_json()["items"][0]["organisation"]["name"] == "GridCo Renamed"
    _match(startup, investor, 0.9)
    assert [m["organisation"]["id"] for m in client.get(url, headers=headers).get_json()["items"]] == [
        investor.id,
        partner.id,
    ]
    korean = client.get(url, headers=headers | {"Accept-Language": "ko"})
    assert kept.hits == hits + 2  # each language its own entry
    assert korean.get_json()["items"][0]["organisation"]["id"] == investor.id
