"""Dashboards say what to do next, per role, and an action disappears once it is done."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Introduction, utcnow
from tests.introduction_world import add_match, make_world


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _actions(client) -> dict[str, str]:
    """The next-action items on the dashboard, by their data-action, with their text."""
    page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index('id="next-actions"') :]
    section = section[: section.index("</section>")]
    actions = {}
    for item in section.split('<li class="action')[1:]:
        kind = re.search(r'data-action="([a-z-]+)"', item).group(1)
        actions[kind] = " ".join(re.sub(r"<[^>]+>", " ", item.split(">", 1)[1]).split())
    return actions


def test_founder_sees_a_request_to_answer_until_it_is_answered(world, as_user):
    add_match(world.startup, world.partner, 0.8)
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    intros.approve(world.staff, intro.id)
    founder = as_user(world.founder)
    actions = _actions(founder)
    assert "NVIDIA is waiting for your answer" in actions["answer"]
    founder.post(f"/introductions/{intro.id}/accept")
    assert "answer" not in _actions(founder)  # done: it is gone


@pytest.mark.both_databases
def test_founder_new_matches_count_until_the_matches_page_is_opened(world, as_user):
    add_match(world.startup, world.partner, 0.8)
    add_match(world.startup, world.investor, 0.6)
    founder = as_user(world.founder)
    assert "2 new matches since your last visit" in _actions(founder)["new-matches"]
    founder.get("/review/")
    assert "new-matches" not in _actions(founder)
    add_match(world.startup, world.other_partner, 0.5)
    assert "1 new match since your last visit" in _actions(founder)["new-matches"]


def test_founder_sees_profile_gaps_that_cost_matches(world, as_user):
    gaps = _actions(as_user(world.founder))["profile-gaps"]
    assert "Say what you seek" in gaps and "Add how much you raise" in gaps
    assert "Add your stage" not in gaps  # the world's startup gave its stage


def test_investor_sees_requests_waiting_for_it_and_its_capacity(world, as_user):
    world.investor.monthly_intro_capacity = 3
    db.session.commit()
    add_match(world.startup, world.investor, 0.7)
    intro = intros.request_introduction(world.founder, world.investor.id)
    intros.approve(world.staff, intro.id)
    investor = as_user(world.investor_user)
    assert "VoltCell is waiting for your answer" in _actions(investor)["answer"]
    page = investor.get("/dashboard").get_data(as_text=True)
    assert "Introductions this month: 1 of 3 used." in page
    investor.post(f"/introductions/{intro.id}/decline", data={"note": "Outside our focus"})
    assert "answer" not in _actions(investor)
    assert "Introductions this month: 0 of 3 used." in investor.get("/dashboard").get_data(as_text=True)


def test_partner_sees_its_own_requests_waiting_on_others(world, as_user):
    add_match(world.startup, world.partner, 0.8)
    intros.request_introduction(world.partner_user, world.startup.id)
    actions = _actions(as_user(world.partner_user))
    assert "1 of your requests is waiting for an answer" in actions["waiting"]
    assert "answer" not in actions


@pytest.mark.both_databases
def test_staff_see_the_queue_with_its_oldest_age_and_stuck_introductions(world, as_user):
    staff = as_user(world.staff)
    assert set(_actions(staff)) == {"none"}
    first = intros.request_introduction(world.partner_user, world.startup.id)
    intros.request_introduction(world.founder, world.investor.id)
    db.session.execute(
        update(Introduction)
        .where(Introduction.id == first.id)
        .values(created_at=utcnow() - timedelta(days=9), state_changed_at=utcnow() - timedelta(days=9))
    )
    db.session.commit()
    actions = _actions(staff)
    assert "2 requests are waiting for your decision" in actions["queue"]
    assert "The oldest has waited 9 days" in actions["queue"]
    assert "VoltCell ↔ NVIDIA" in actions["stuck"] and "Requested for 9 days" in actions["stuck"]
    page = staff.get("/dashboard").get_data(as_text=True)
    assert 'href="/staff/queue"' in page and f'href="/introductions/{first.id}"' in page
    staff.post("/staff/queue/decide", data={"introduction_id": [first.id], "decision": "approve"})
    actions = _actions(staff)
    assert "1 request is waiting for your decision" in actions["queue"] and "stuck" not in actions


@pytest.mark.both_databases
def test_staff_dashboard_draws_sector_and_month_charts_with_text(world, as_user):
    add_match(world.startup, world.partner, 0.8)
    page = as_user(world.staff).get("/dashboard").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2 and 'role="img"' in page
    assert '<table class="table chart-data">' in page  # the text alternative
    assert "<script>" not in page
