"""Sector suggestions learned from the database's labelled profiles, shown to a profile's editors."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.matching.sectors import sector_suggester, suggest_sectors

ENERGY = [
    "Battery storage for solar farms and the power grid.",
    "Solar power forecasting for a virtual power plant.",
    "Hydrogen fuel cells and energy storage for the grid.",
    "Smart meters cutting home energy use and electricity bills.",
    "Wind turbine maintenance with drones, renewable energy.",
]
HEALTH = [
    "AI reading chest X-rays for hospitals and radiologists.",
    "Remote rehabilitation for patients after a stroke.",
    "Digital pathology slides analysed for cancer diagnosis.",
    "A voice companion for elderly people with dementia care.",
    "Clinical trial matching for patients at hospitals.",
]


@pytest.mark.both_databases
def test_suggester_learns_from_the_database_and_refits_when_it_changes(
    app, make_organisation, recording_encoder
):
    for i, text in enumerate(ENERGY * 3):
        make_organisation("startup", name=f"Energy {i}", description=text, sectors=["energy"])
    for i, text in enumerate(HEALTH * 3):
        make_organisation("startup", name=f"Health {i}", description=text, sectors=["healthcare"])
    first = sector_suggester()
    assert "energy" in first.models_ and "healthcare" in first.models_  # learned, not prototypes
    assert sector_suggester() is first  # cached while nothing changes
    unlabelled = make_organisation(
        "startup", name="New", description="Battery storage and solar energy for the grid."
    )
    suggestions = dict(suggest_sectors(unlabelled))
    assert "energy" in suggestions and "healthcare" not in suggestions
    # An edit is folded in later, not at once: the page after every save would otherwise refit.
    edited = make_organisation("startup", name="Edited", description=HEALTH[0], sectors=["healthcare"])
    refitted = sector_suggester()
    edited.description = HEALTH[1]
    db.session.commit()
    assert sector_suggester() is refitted
    make_organisation(
        "startup", name="One more", description="Hospital AI for patients.", sectors=["healthcare"]
    )
    assert sector_suggester() is not first


def test_editors_see_suggestions_others_do_not(
    client, make_organisation, make_user, login, recording_encoder
):
    for i, text in enumerate(ENERGY * 3):
        make_organisation("startup", name=f"Energy {i}", description=text, sectors=["energy"])
    for i, text in enumerate(HEALTH * 3):
        make_organisation("startup", name=f"Health {i}", description=text, sectors=["healthcare"])
    own = make_organisation(
        "startup", name="Mine", description="Battery storage for solar power and the grid."
    )
    login(make_user("founder", organisation=own))
    page = client.get(f"/organisations/{own.id}").get_data(as_text=True)
    assert "Your description also points to" in page and "Energy (" in page
    client.post("/logout")
    login(make_user("partner", organisation=make_organisation("partner")))
    assert "Your description also points to" not in client.get(f"/organisations/{own.id}").get_data(
        as_text=True
    )
