"""A keyword exclusion reaches the other language through the glossary, and the page says how."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.matching import exclusions, reviews
from matchmaker.matching import refresh as matching
from matchmaker.models import ProfileVersion
from tests.introduction_world import make_world

Q = reviews.ReviewQuery


@pytest.fixture
def world(make_user, make_organisation):
    world = make_world(make_user, make_organisation)
    world.startup.description = "전기차 폐배터리를 재사용해 태양광 발전소용 에너지 저장장치를 만듭니다."
    world.english = make_organisation(
        "startup",
        sectors=["energy"],
        name="CellCycle",
        stage="seed",
        description="We recycle lithium-ion battery packs from electric buses.",
    )
    world.unrelated = make_organisation(
        "startup",
        sectors=["energy"],
        name="GridSense",
        stage="seed",
        description="태양광 발전량을 예측하는 AI 서비스입니다.",
    )
    db.session.commit()
    matching.rematch_all()
    return world


def _names(user) -> set[str]:
    return {item.organisation.name for item in reviews.review_for(user, Q()).items}


def test_battery_hides_배터리_startups_too(world):
    assert {"VoltCell", "CellCycle", "GridSense"} <= _names(world.partner_user)
    exclusions.exclude_keyword(world.partner_user, "Battery")
    assert _names(world.partner_user) == {"GridSense"}
    assert "NVIDIA" not in {item.organisation.name for item in reviews.review_for(world.founder, Q()).items}
    assert exclusions.hidden_from(world.startup.id) == {world.partner.id}  # the founder's side agrees


def test_배터리_hides_battery_startups_too(world):
    assert {"VoltCell", "CellCycle"} <= _names(world.other_partner_user)
    exclusions.exclude_keyword(world.other_partner_user, "배터리")
    assert _names(world.other_partner_user) == {"GridSense"}
    assert exclusions.private_pairs()[world.other_partner.id] == {world.startup.id, world.english.id}


def test_a_word_outside_the_glossary_stays_in_its_language(world):
    assert exclusions.keyword_equivalents("lithium-ion recycling") == ()
    exclusions.exclude_keyword(world.partner_user, "lithium-ion")
    assert _names(world.partner_user) == {"VoltCell", "GridSense"}


def test_the_page_names_the_equivalents_it_used(client, world, login):
    login(world.partner_user)
    client.post("/exclusions/keyword", data={"keyword": "battery"})
    page = client.get("/exclusions/?preview=battery").get_data(as_text=True)
    assert '(also “<span lang="ko">배터리</span>”)' in page
    assert 'Also looked for in the other language (glossary): “<span lang="ko">배터리</span>”.' in page
    assert "VoltCell" in page and "CellCycle" in page and "GridSense" not in page.split("mention")[1]


def test_a_version_in_the_other_language_is_looked_in_too(world):
    """VoltCell writes Korean; its English version names lithium-ion, a word outside the glossary."""
    db.session.add(
        ProfileVersion(
            organisation_id=world.startup.id,
            field="description",
            language="en",
            text="We reuse lithium-ion batteries from electric cars for solar storage.",
        )
    )
    db.session.commit()
    exclusions.exclude_keyword(world.partner_user, "lithium-ion")
    assert _names(world.partner_user) == {"GridSense"}  # CellCycle by its text, VoltCell by its version
    assert exclusions.hidden_from(world.startup.id) == {world.partner.id}
    found = reviews.review_for(world.other_partner_user, Q(text="lithium-ion"))
    assert {item.organisation.name for item in found.items} >= {"VoltCell", "CellCycle"}
