"""Three-way matches: an investor that fits both the startup and the partner's sectors; one click
requests the two introductions together, and each goes through the normal approval."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.engine.profiles import Profile
from matchmaker.engine.triples import propose_triples
from matchmaker.errors import ConflictError, NotFound, PermissionDenied
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.matching import exclusions, triples
from matchmaker.models import Introduction, IntroductionEvent
from tests.introduction_world import add_match


def test_the_engine_keeps_investors_that_fit_both_sides():
    startup = Profile(id=1, kind="startup", name="S", stage="seed", sectors=frozenset({"energy"}))
    profiles = {
        10: Profile(id=10, kind="partner", name="P", sectors=frozenset({"energy", "automotive"})),
        20: Profile(id=20, kind="investor", name="Both", sectors=frozenset({"energy", "automotive"})),
        21: Profile(id=21, kind="investor", name="Half", sectors=frozenset({"energy"})),
        22: Profile(id=22, kind="investor", name="Elsewhere", sectors=frozenset({"content"})),
        23: Profile(
            id=23,
            kind="investor",
            name="Late",
            sectors=frozenset({"energy"}),
            investor_stages=frozenset({"growth"}),
        ),
    }
    found = propose_triples(startup, {10: 0.6}, {20: 0.5, 21: 0.6, 22: 0.9, 23: 0.9}, profiles)
    assert [(t.partner_id, t.investor_id) for t in found] == [(10, 20), (10, 21)]
    assert found[0].shared_sectors == ("automotive", "energy") and found[0].score == pytest.approx(0.55)
    assert found[1].score == pytest.approx(0.6 * 0.75)  # covers half of the partner's sectors
    assert propose_triples(startup, {10: 0.39}, {20: 0.9}, profiles) == []  # no strong partner match


@pytest.fixture
def world(make_organisation, make_user):
    startup = make_organisation("startup", name="볼트셀", sectors=["energy"], stage="seed")
    partner = make_organisation("partner", name="한전", sectors=["energy"])
    fund = make_organisation("investor", name="빛고을펀드", sectors=["energy"], investor_stages=["seed"])
    media_fund = make_organisation("investor", name="Content Fund", sectors=["content"])
    add_match(startup, partner, 0.7)
    add_match(startup, fund, 0.5)
    add_match(startup, media_fund, 0.9)  # a good investor match, but not in the partner's sector
    users = {
        "founder": make_user("founder", startup),
        "fund": make_user("investor", fund),
        "partner": make_user("partner", partner),
        "staff": make_user("staff"),
    }
    return startup, partner, fund, users


def _names(views):
    return [(v.startup.name, v.partner.name, v.investor.name) for v in views]


def test_triples_for_the_founder_and_for_staff_respect_private_exclusions(world):
    startup, partner, fund, users = world
    assert _names(triples.triples_for(startup)) == [("볼트셀", "한전", "빛고을펀드")]
    assert _names(triples.best_triples()) == [("볼트셀", "한전", "빛고을펀드")]
    exclusions.exclude_organisation(users["fund"], startup.id)
    assert triples.triples_for(startup) == [] and triples.best_triples() == []


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Introduction))


@pytest.mark.both_databases
def test_one_click_requests_both_and_each_is_approved_on_its_own(world):
    startup, partner, fund, users = world
    first, second = triples.request_triple(users["founder"], startup.id, partner.id, fund.id)
    assert {first.counterpart_id, second.counterpart_id} == {partner.id, fund.id}
    for intro in (first, second):
        assert intro.state == "requested" and intro.requested_by_side == "startup"
        assert "Three-way" in intro.message
        assert [
            e.to_state
            for e in db.session.scalars(
                select(IntroductionEvent).where(IntroductionEvent.introduction_id == intro.id)
            )
        ] == ["requested"]
    intros.approve(users["staff"], first.id)
    db.session.expire_all()
    assert db.session.get(Introduction, first.id).state == "approved"
    assert db.session.get(Introduction, second.id).state == "requested"  # still waits for its own approval
    assert triples.triples_for(startup) == []  # both pairs are open now
    with pytest.raises(ConflictError):
        triples.request_triple(users["founder"], startup.id, partner.id, fund.id)


def test_staff_request_on_the_startups_behalf_and_the_founder_can_withdraw(world):
    startup, partner, fund, users = world
    requested = triples.request_triple(users["staff"], startup.id, partner.id, fund.id)
    assert all(i.requested_by_id == users["staff"].id and i.startup_id == startup.id for i in requested)
    intros.withdraw(users["founder"], requested[1].id)  # the request is the startup's own
    assert _count() == 2


@pytest.mark.both_databases
def test_refusals_change_nothing(app, world, make_organisation):
    startup, partner, fund, users = world
    with pytest.raises(PermissionDenied):
        triples.request_triple(users["partner"], startup.id, partner.id, fund.id)
    with pytest.raises(NotFound):
        triples.request_triple(users["founder"], startup.id, fund.id, partner.id)  # kinds swapped
    with pytest.raises(NotFound):
        triples.request_triple(users["founder"], startup.id, partner.id, 2**40)
    app.config["MATCHMAKER_MAX_PENDING_REQUESTS"] = 1
    with pytest.raises(ConflictError, match="too many"):
        triples.request_triple(users["founder"], startup.id, partner.id, fund.id)
    assert _count() == 0


def test_the_pages(client, login, world):
    startup, partner, fund, users = world
    login(users["founder"])
    assert "Three-way matches" in client.get("/review/").get_data(as_text=True)
    assert client.get("/staff/triples/").status_code == 403
    client.post("/logout")
    login(users["staff"])
    page = client.get("/staff/triples/").get_data(as_text=True)
    assert "빛고을펀드" in page and "Content Fund" not in page
    form = {"startup_id": startup.id, "partner_id": partner.id, "investor_id": fund.id}
    assert client.post("/triples/request", data=form).status_code == 303
    assert _count() == 2
    assert client.post("/triples/request", data=form).status_code == 303  # refused: already open
    assert _count() == 2
    assert client.post("/triples/request", data={"startup_id": "x"}).status_code == 303
