"""The review search finds by meaning across Korean and English, with the model the app ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.matching import exclusions, reviews
from matchmaker.matching import refresh as matching
from matchmaker.models import Organisation, User
from matchmaker.organisations.demo import DEMO_ACCOUNTS, seed_demo

pytestmark = pytest.mark.slow

PARTNER = next(account for account in DEMO_ACCOUNTS if account.email == "partner@matchmaker.example")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: this measures what the model finds, not the database."""
    return f"sqlite:///{tmp_path / 'search.sqlite'}"


@pytest.fixture
def nvidia(app, shipped_encoder) -> User:
    """The demo data with NVIDIA's matches computed by the shipped model; NVIDIA's partner account."""
    app.extensions["matchmaker.encoder"] = shipped_encoder
    seed_demo()
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "nvidia"))
    matching.refresh_matches_for(organisation)
    return db.session.scalar(select(User).where(User.email == PARTNER.email))


def _names(user: User, text: str) -> list[str]:
    page = reviews.review_for(user, reviews.ReviewQuery(text=text), per_page=5)
    return [item.organisation.name for item in page.items]


def test_battery_finds_the_korean_battery_startups_and_배터리_the_english_one(nvidia):
    first_five = _names(nvidia, "battery")
    assert {"빛고을셀테크", "에이치투웨이 (H2Way)"} <= set(first_five), first_five
    first_five = _names(nvidia, "배터리")
    assert "VoltCell" in first_five, first_five


def test_a_korean_query_finds_english_startups_by_meaning_alone(nvidia):
    """자율주행 appears in no English text: GoRound Robotics (autonomous delivery robots) is found by
    meaning, through the glossary's "autonomous driving" and the model."""
    page = reviews.review_for(nvidia, reviews.ReviewQuery(text="자율주행"), per_page=10)
    hits = {item.organisation.name: page.found(item.organisation.id) for item in page.items}
    assert "GoRound Robotics" in hits, list(hits)
    assert hits["GoRound Robotics"].close_in_meaning


def test_the_page_marks_keyword_hits_and_closeness_of_meaning(nvidia, client):
    response = client.post("/login", data={"email": PARTNER.email, "password": PARTNER.password})
    assert response.status_code == 302
    html = client.get("/review/?q=battery").get_data(as_text=True)
    assert '“<span lang="ko">배터리</span>”' in html  # the Korean term is marked as Korean
    page = re.sub(r"<[^>]+>", "", html)
    assert "equivalents: “배터리”. Ranked by the words found first" in page
    assert "Contains “배터리”" in page and "Contains “battery”" in page
    assert "Close in meaning to “battery”" in page
    korean = client.get("/review/?q=배터리").get_data(as_text=True)  # another query, another cached page
    assert "equivalents: “battery”." in re.sub(r"<[^>]+>", "", korean)


def _listed(user: User) -> set[str]:
    return {item.organisation.name for item in reviews.review_for(user, reviews.ReviewQuery(), 100).items}


def test_on_the_demo_an_exclusion_battery_hides_the_korean_battery_startups_and_배터리_the_english(nvidia):
    korean = {"빛고을셀테크", "에이치투웨이 (H2Way)"}
    assert korean | {"VoltCell"} <= _listed(nvidia)
    battery = exclusions.exclude_keyword(nvidia, "battery")
    assert not (korean | {"VoltCell"}) & _listed(nvidia)
    matching.refresh_matches_for(exclusions.remove_exclusion(nvidia, battery.id))
    assert korean | {"VoltCell"} <= _listed(nvidia)  # back: the next exclusion can fail
    exclusions.exclude_keyword(nvidia, "배터리")
    assert not (korean | {"VoltCell"}) & _listed(nvidia)
