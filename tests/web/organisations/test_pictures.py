"""Pictures drawn on the server: the ecosystem map and a startup's score make-up, each with its text."""

from __future__ import annotations

import re

import pytest

from matchmaker.matching.ecosystem import MAP_SIZE, ecosystem_points
from tests.introduction_world import add_match, make_world


@pytest.fixture
def world(make_user, make_organisation):
    world = make_world(make_user, make_organisation)
    make_organisation(
        "startup", sectors=["healthcare"], name="MediScan", description="의료 영상 AI 판독 보조"
    )
    make_organisation(
        "startup", sectors=["content"], name="StoryForge", description="Generative video for K-pop fans"
    )
    make_organisation(
        "startup", sectors=["automotive"], name="RoadSense", description="Lidar perception for buses"
    )
    return world


def test_the_map_places_every_listed_organisation_inside_the_frame(world) -> None:
    points = ecosystem_points()
    names = {p.name for p in points}
    assert {"VoltCell", "MediScan", "StoryForge", "RoadSense", "NVIDIA", "Rising Tide Fund"} <= names
    assert all(0 <= p.x <= MAP_SIZE and 0 <= p.y <= MAP_SIZE for p in points)
    assert len({(p.x, p.y) for p in points}) > 1  # really projected, not stacked on one spot
    assert ecosystem_points() == points  # the same map on every visit (fixed random state)


def test_staff_open_the_map_and_each_point_links_to_its_profile(world, as_user) -> None:
    page = as_user(world.staff).get("/staff/ecosystem").get_data(as_text=True)
    links = re.findall(r'<a href="/organisations/(\d+)" class="map-point"', page)
    assert str(world.startup.id) in links and str(world.partner.id) in links
    assert "sector-fill-energy" in page and "partner-mark" in page
    assert '<desc id="map-desc">' in page and "The map as a list" in page
    assert as_user(world.founder).get("/staff/ecosystem").status_code == 403


def test_a_startup_without_a_sector_is_a_grey_point_not_a_500(world, as_user, make_organisation) -> None:
    # The form lets a founder save a startup with no sector ticked; the map once crashed on it.
    blank = make_organisation("startup", sectors=[], name="NoSector Labs", description="Battery swap kiosks")
    response = as_user(world.staff).get("/staff/ecosystem")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    point = page[page.index(f'data-organisation="{blank.id}"') :]
    assert 'class="dot sector-fill-none"' in point[: point.index("</a>")]
    listing = page[page.index("The map as a list") :]
    assert listing.index("No sector given") < listing.index("NoSector Labs")
    assert listing.count("No sector given") == 1


def test_a_startup_sees_how_its_score_with_each_partner_is_made_up(world, as_user) -> None:
    components = [
        {"name": "seeks_offers", "contribution": 0.30, "weight": 0.35, "similarity": 0.86},
        {"name": "description", "contribution": 0.20, "weight": 0.25, "similarity": 0.8},
        {"name": "sectors", "contribution": 0.10, "weight": 0.10, "similarity": 1.0},
    ]
    add_match(world.startup, world.partner, 0.6, explanation={"components": components, "confident": True})
    founder = as_user(world.founder)
    page = founder.get(f"/organisations/{world.startup.id}").get_data(as_text=True)
    section = page[page.index('id="score-makeup"') :]
    assert section.count('class="part-seeks_offers"') == 1 and "NVIDIA" in section
    assert '<table class="table chart-data">' in section and "<td>30</td>" in section
    # other organisations do not see VoltCell's make-up
    assert 'id="score-makeup"' not in as_user(world.partner_user).get(
        f"/organisations/{world.startup.id}"
    ).get_data(as_text=True)
