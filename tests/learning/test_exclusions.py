"""Private exclusions hold in every list, digest and API answer; the excluded side never learns of them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.matching import digest, exclusions, reviews
from matchmaker.matching import refresh as matching
from matchmaker.models import AuditEvent, Match
from matchmaker.organisations import profiles as organisations
from tests.introduction_world import make_world

Q = reviews.ReviewQuery


@pytest.fixture
def world(make_user, make_organisation):
    world = make_world(make_user, make_organisation)
    world.startup.description = "전기차 폐배터리를 재사용해 태양광 발전소용 에너지 저장장치를 만듭니다."
    world.rival = make_organisation(
        "startup",
        sectors=["energy"],
        name="GridSense",
        stage="seed",
        description="태양광 발전량을 예측하는 AI 서비스입니다.",
    )
    world.rival_founder = make_user("founder", world.rival)
    db.session.commit()
    matching.rematch_all()
    return world


def _names(page) -> set[str]:
    return {item.organisation.name for item in page.items}


def _api_names(client, user, organisation) -> set[str]:
    _, secret = api_tokens.create_token(user, "tests")
    response = client.get(
        f"/api/v1/organisations/{organisation.id}/matches", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    return {item["organisation"]["name"] for item in response.get_json()["items"]}


def _everywhere(client, world) -> dict[str, bool]:
    """Whether the pair VoltCell-NVIDIA is visible on each surface, from each side."""
    return {
        "partner review": "VoltCell" in _names(reviews.review_for(world.partner_user, Q())),
        "founder review": "NVIDIA" in _names(reviews.review_for(world.founder, Q())),
        "partner digest": world.startup.id
        in {m.startup_id for m in digest.new_matches_for(world.partner_user, 50)},
        "founder digest": world.partner.id
        in {m.counterpart_id for m in digest.new_matches_for(world.founder, 50)},
        "partner api": "VoltCell" in _api_names(client, world.partner_user, world.partner),
        "founder api": "NVIDIA" in _api_names(client, world.founder, world.startup),
        "stored": db.session.scalar(
            select(Match.id).where(
                Match.startup_id == world.startup.id, Match.counterpart_id == world.partner.id
            )
        )
        is not None,
    }


@pytest.mark.both_databases
def test_a_korean_keyword_exclusion_holds_everywhere_and_stays_private(client, world):
    assert all(_everywhere(client, world).values())  # the pair is shown before: the test can fail
    exclusions.exclude_keyword(world.partner_user, "  배터리 ")  # the profile says 폐배터리를
    assert not any(_everywhere(client, world).values())
    # The rival does not mention batteries and stays; the other partner still sees VoltCell.
    assert _names(reviews.review_for(world.partner_user, Q())) == {"GridSense"}
    assert "VoltCell" in _names(reviews.review_for(world.other_partner_user, Q()))
    # Nothing the founder sees counts it: not even the "why is my list empty" filter summary.
    assert "dismissed" not in matching.filter_summary(world.startup)
    # a private exclusion is not a dismissal
    assert world.partner.id not in exclusions.dismissed_pairs().get(world.startup.id, set())
    matching.rematch_all()
    assert not any(_everywhere(client, world).values())
    # A startup that later writes the keyword into its profile is excluded from then on.
    form = organisations.profile_values(world.rival) | {"offers": "배터리 상태 진단 데이터"}
    organisations.update_organisation(world.rival_founder, world.rival, form)
    assert "GridSense" not in _names(reviews.review_for(world.partner_user, Q()))
    assert "NVIDIA" not in _names(reviews.review_for(world.rival_founder, Q()))
    pairs = exclusions.private_pairs()  # the matcher's view and each organisation's view agree
    for organisation in (world.startup, world.rival, world.partner, world.other_partner, world.investor):
        assert exclusions.hidden_from(organisation.id) == pairs.get(organisation.id, set())
    assert pairs[world.partner.id] == {world.startup.id, world.rival.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exclusion.added"))
    assert event.actor_id == world.partner_user.id and event.details["keyword"] == "배터리"


def test_an_organisation_exclusion_hides_one_startup_until_removed(client, world):
    exclusion = exclusions.exclude_organisation(world.investor_user, world.startup.id)
    assert "VoltCell" not in _names(reviews.review_for(world.investor_user, Q()))
    assert "Rising Tide Fund" not in _names(reviews.review_for(world.founder, Q()))
    assert "GridSense" in _names(reviews.review_for(world.investor_user, Q()))
    assert "NVIDIA" in _names(reviews.review_for(world.founder, Q()))  # other pairs are untouched
    owner = exclusions.remove_exclusion(world.investor_user, exclusion.id)
    matching.refresh_matches_for(owner)
    assert "VoltCell" in _names(reviews.review_for(world.investor_user, Q()))
    assert "Rising Tide Fund" in _names(reviews.review_for(world.founder, Q()))
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["exclusion.added", "exclusion.removed"]


@pytest.mark.both_databases
def test_who_may_exclude_what(world, make_organisation):
    with pytest.raises(PermissionDenied):
        exclusions.exclude_keyword(world.founder, "GPU")  # a founder cannot keep partners away
    with pytest.raises(PermissionDenied):
        exclusions.exclude_keyword(world.staff, "GPU")
    with pytest.raises(ValidationError):
        exclusions.exclude_keyword(world.partner_user, " a ")
    with pytest.raises(ValidationError):
        exclusions.exclude_keyword(world.partner_user, "x" * 61)
    with pytest.raises(NotFound):
        exclusions.exclude_organisation(world.partner_user, world.other_partner.id)  # not a startup
    with pytest.raises(NotFound):
        exclusions.exclude_organisation(world.partner_user, 2**40)
    hidden = make_organisation("startup", name="Stealth", visibility="hidden")
    with pytest.raises(NotFound):
        exclusions.exclude_organisation(world.partner_user, hidden.id)
    exclusions.exclude_keyword(world.partner_user, "Solar")
    with pytest.raises(ConflictError):
        exclusions.exclude_keyword(world.partner_user, "SOLAR")  # the same keyword, case-folded
    mine = exclusions.exclusions_of(world.partner_user)
    with pytest.raises(NotFound):
        exclusions.remove_exclusion(world.other_partner_user, mine[0].id)  # someone else's list


def test_the_page_in_korean_text(client, world, login):
    login(world.partner_user)
    response = client.post("/exclusions/keyword", data={"keyword": "태양광"})
    assert response.status_code == 303
    page = client.get("/exclusions/?preview=태양광").get_data(as_text=True)
    assert "태양광" in page and "GridSense" in page and "VoltCell" in page
    assert client.post("/exclusions/keyword", data={"keyword": "태양광"}).status_code == 303  # refused
    assert "already on your list" in client.get("/exclusions/").get_data(as_text=True)
    assert client.post("/exclusions/organisation", data={"startup_id": "abc"}).status_code == 303
    assert client.post("/exclusions/999999/remove").status_code == 303
    client.post("/logout")
    login(world.founder)
    assert client.get("/exclusions/").status_code == 403
    assert client.post("/exclusions/keyword", data={"keyword": "GPU"}).status_code == 403
