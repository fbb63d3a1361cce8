"""An empty list of matches says which filter emptied it."""

from __future__ import annotations

from matchmaker.matching import refresh as matching


def test_an_empty_list_names_the_stage_filter(client, make_organisation, make_user, login):
    startup = make_organisation("startup", name="Idea Co", stage="idea", description="Batteries for solar.")
    make_organisation(
        "investor", name="Series A Fund", investor_stages=["series_a"], description="Energy fund."
    )
    matching.rematch_all()
    login(make_user("founder", organisation=startup))
    page = client.get("/review/").get_data(as_text=True)
    assert "No matches fit these filters." in page
    assert "1 investor invests at other stages than yours." in page


def test_a_list_with_matches_says_nothing_about_filters(client, make_organisation, make_user, login):
    startup = make_organisation("startup", name="Seed Co", stage="seed", description="Batteries for solar.")
    make_organisation("investor", name="Seed Fund", investor_stages=["seed"], description="Energy fund.")
    matching.rematch_all()
    login(make_user("founder", organisation=startup))
    page = client.get("/review/").get_data(as_text=True)
    assert "Seed Fund" in page and "other stages" not in page
