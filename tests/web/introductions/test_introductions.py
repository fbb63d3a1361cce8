"""Introductions through the pages: the whole walk, refused transitions and every role boundary."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Introduction, IntroductionEvent, OutboxMessage
from tests.introduction_world import add_look_alikes, add_match, make_world


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _intro_id(response) -> int:
    return int(re.search(r"/introductions/(\d+)$", response.headers["Location"]).group(1))


@pytest.mark.both_databases
def test_one_introduction_from_request_to_outcome_through_the_pages(world, as_user):
    add_match(world.startup, world.partner, 0.82)
    partner, staff, founder = as_user(world.partner_user), as_user(world.staff), as_user(world.founder)

    review = partner.get("/review/")
    assert review.status_code == 200 and "VoltCell" in review.get_data(as_text=True)
    response = partner.post(
        "/introductions/request", data={"other_id": world.startup.id, "message": "Pilot?"}
    )
    assert response.status_code == 302
    intro_id = _intro_id(response)
    page = partner.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Requested" in page and "hello@voltcell.example" not in page and world.founder.email not in page

    queue = staff.get("/staff/queue").get_data(as_text=True)
    assert f'data-introduction="{intro_id}"' in queue and "VoltCell" in queue and "NVIDIA" in queue
    assert 'data-score="82"' in queue  # the match explanation sits next to both profiles
    assert (
        staff.post(
            "/staff/queue/decide",
            data={"introduction_id": intro_id, "decision": "approve", "note": "Fits the energy track"},
        ).status_code
        == 302
    )

    founder_page = founder.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Accept introduction" in founder_page and "inception@nvidia.example" not in founder_page
    assert founder.post(f"/introductions/{intro_id}/accept", data={"note": "Gladly"}).status_code == 302

    partner_page = partner.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "hello@voltcell.example" in partner_page and world.founder.email in partner_page
    founder_page = founder.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "inception@nvidia.example" in founder_page and world.partner_user.email in founder_page

    assert partner.post(f"/introductions/{intro_id}/mark_met").status_code == 302
    assert (
        founder.post(
            f"/introductions/{intro_id}/record_outcome",
            data={"outcome": "pilot", "note": "PoC in the demo building"},
        ).status_code
        == 302
    )
    final = staff.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Outcome recorded" in final and "Pilot or proof of concept" in final
    assert 'id="audit-log"' in final and "Fits the energy track" in final
    assert 'id="audit-log"' not in partner.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(IntroductionEvent)) == 6
    # everyone concerned got mail, and staff can read it in the outbox
    recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
    assert {world.staff.email, world.founder.email, world.partner_user.email} <= recipients
    assert "You are introduced" in staff.get("/staff/outbox").get_data(as_text=True)


def test_refused_transitions_say_why_on_the_introduction_and_change_nothing(world, as_user):
    """A stale button (the state moved on) brings the person back to the introduction with the reason."""
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    staff, founder = as_user(world.staff), as_user(world.founder)
    page = f"/introductions/{intro.id}"

    def refused(client, action, **data):
        response = client.post(f"{page}/{action}", data=data)
        assert response.status_code == 303 and response.headers["Location"].endswith(page), action
        return client.get(page).get_data(as_text=True)

    assert "cannot be accepted" in refused(founder, "accept")
    assert 'class="flash error"' in refused(staff, "mark_met")
    assert 'class="flash error"' in refused(staff, "record_outcome", outcome="pilot")
    staff.post(f"{page}/reject", data={"note": "Not this quarter"})
    assert "cannot be approved" in refused(staff, "approve")
    db.session.expire_all()
    assert db.session.get(Introduction, intro.id).state == "rejected"
    assert staff.post(f"{page}/fly").status_code == 404
    assert 'class="flash error"' in refused(founder, "record_outcome", outcome="x")


def test_role_boundaries(world, as_user):
    intro = intros.request_introduction(world.founder, world.partner.id)
    founder, other, investor, staff = (
        as_user(world.founder),
        as_user(world.other_partner_user),
        as_user(world.investor_user),
        as_user(world.staff),
    )
    assert founder.post(f"/introductions/{intro.id}/approve").status_code == 403  # a founder cannot approve
    assert founder.get("/staff/queue").status_code == 403
    assert (
        founder.post(
            "/staff/queue/decide", data={"introduction_id": intro.id, "decision": "approve"}
        ).status_code
        == 403
    )
    for stranger in (other, investor):  # another partner sees nothing of it
        assert stranger.get(f"/introductions/{intro.id}").status_code == 404
        assert stranger.post(f"/introductions/{intro.id}/withdraw").status_code == 404
        assert f'data-introduction="{intro.id}"' not in stranger.get("/introductions/").get_data(as_text=True)
    for path in ("/staff/outbox", "/staff/funnel"):
        assert founder.get(path).status_code == 403 and other.get(path).status_code == 403
        assert staff.get(path).status_code == 200
    assert staff.get("/review/").status_code == 403  # staff have no review list of their own
    assert staff.post("/introductions/request", data={"other_id": world.startup.id}).status_code == 403
    assert f'data-introduction="{intro.id}"' in staff.get("/introductions/").get_data(as_text=True)
    assert staff.get(f"/introductions/{intro.id}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Introduction, intro.id).state == "requested"


def test_partner_never_sees_startup_contacts_before_introduced(world, as_user):
    add_match(world.startup, world.partner, 0.7)
    partner = as_user(world.partner_user)
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    for step in ("requested", "approved"):
        if step == "approved":
            intros.approve(world.staff, intro.id)
        for path in (f"/introductions/{intro.id}", "/review/", f"/organisations/{world.startup.id}"):
            body = partner.get(path).get_data(as_text=True)
            assert "hello@voltcell.example" not in body and world.founder.email not in body, (step, path)


@pytest.mark.both_databases
def test_bulk_decisions_and_queue_filters(world, as_user, make_organisation):
    health = make_organisation("startup", sectors=["healthcare"], name="MediScan")
    a = intros.request_introduction(world.partner_user, world.startup.id)
    b = intros.request_introduction(world.other_partner_user, health.id)
    staff = as_user(world.staff)
    only_amazon = staff.get(f"/staff/queue?counterpart={world.other_partner.id}").get_data(as_text=True)
    assert "MediScan" in only_amazon and f'data-introduction="{a.id}"' not in only_amazon
    energy = staff.get("/staff/queue?sector=energy").get_data(as_text=True)
    assert f'data-introduction="{a.id}"' in energy and f'data-introduction="{b.id}"' not in energy
    everything = staff.get("/staff/queue").get_data(as_text=True)
    assert everything.index(f'data-introduction="{a.id}"') < everything.index(f'data-introduction="{b.id}"')
    response = staff.post(
        "/staff/queue/decide",
        data={"introduction_id": [str(a.id), str(b.id)], "decision": "reject", "note": "Full this month"},
        follow_redirects=True,
    )
    assert "2 requests rejected" in response.get_data(as_text=True)
    # Nothing ticked: back to the queue with what to do, not a bare 400 page.
    nothing = staff.post("/staff/queue/decide", data={"decision": "approve"})
    assert nothing.status_code == 303 and nothing.headers["Location"].endswith("/staff/queue")
    assert "Tick at least one request" in staff.get("/staff/queue").get_data(as_text=True)
    again = staff.post(
        "/staff/queue/decide", data={"introduction_id": a.id, "decision": "approve"}, follow_redirects=True
    )
    assert "was not changed" in again.get_data(as_text=True)


def test_founder_sees_ranked_partners_and_requests(world, as_user):
    add_match(world.startup, world.partner, 0.9)
    add_match(world.startup, world.investor, 0.6)
    founder = as_user(world.founder)
    page = founder.get("/review/").get_data(as_text=True)
    assert page.index("NVIDIA") < page.index("Rising Tide Fund")
    assert "Rising Tide Fund" not in founder.get("/review/?kind=partner").get_data(as_text=True)
    response = founder.post("/introductions/request", data={"other_id": world.investor.id})
    assert response.status_code == 302
    assert "Introduction: Requested" in founder.get("/review/").get_data(as_text=True)
    # The same request again from a stale page: back to the list with why, not a bare 409 page.
    duplicate = founder.post(
        "/introductions/request", data={"other_id": world.investor.id, "next": "/review/"}
    )
    assert duplicate.status_code == 303 and duplicate.headers["Location"].endswith("/review/")
    assert "already open" in founder.get("/review/").get_data(as_text=True)
    assert founder.post("/introductions/request", data={"other_id": "abc"}).status_code == 400
    assert founder.post("/introductions/request", data={"other_id": 99999}).status_code == 404


def test_capacity_field_on_the_partner_profile(world, as_user):
    partner = as_user(world.partner_user)
    form = {"name": "NVIDIA", "description": "GPUs and the Inception programme.", "visibility": "listed"}
    assert "New introductions per month" in partner.get(f"/organisations/{world.partner.id}/edit").get_data(
        as_text=True
    )
    bad = partner.post(
        f"/organisations/{world.partner.id}/edit", data={**form, "monthly_intro_capacity": "-3"}
    )
    assert bad.status_code == 422
    ok = partner.post(f"/organisations/{world.partner.id}/edit", data={**form, "monthly_intro_capacity": "4"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert world.partner.monthly_intro_capacity == 4
    founder = as_user(world.founder)
    assert "New introductions per month" not in founder.get(
        f"/organisations/{world.startup.id}/edit"
    ).get_data(as_text=True)


def test_review_page_dismissal_with_reason_and_restore(world, as_user, make_organisation):
    add_match(world.startup, world.partner, 0.8)
    add_match(make_organisation("startup", name="GridMind"), world.partner, 0.6)
    partner = as_user(world.partner_user)
    response = partner.post(
        f"/review/{world.startup.id}/dismiss",
        data={
            "kind": "not_interested",
            "reason": "Battery work is outside our focus",
            "next": "/review/?page=1",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/?page=1")
    page = partner.get("/review/").get_data(as_text=True)
    assert f'data-organisation="{world.startup.id}"' not in page and "GridMind" in page
    assert "Battery work is outside our focus" in page  # the kept reason, in the Hidden section
    bogus = partner.post(f"/review/{world.startup.id}/dismiss", data={"kind": "bogus"})
    assert bogus.status_code == 303  # back to the list, with the reason, instead of a bare 422 page
    assert "Choose not interested or already met." in partner.get("/review/").get_data(as_text=True)
    assert partner.post("/review/99999/dismiss", data={"kind": "already_met"}).status_code == 404
    offsite = partner.post(f"/review/{world.startup.id}/restore", data={"next": "https://evil.example/"})
    assert offsite.headers["Location"].endswith("/review/")
    assert f'data-organisation="{world.startup.id}"' in partner.get("/review/").get_data(as_text=True)


def test_review_page_filters_and_pages(world, as_user, make_organisation, app):
    app.config["REVIEW_PAGE_SIZE"] = 2
    for n in range(5):
        add_match(
            make_organisation("startup", name=f"Tenant {n}", is_complex_tenant=n < 2), world.partner, 0.5
        )
    partner = as_user(world.partner_user)
    first = partner.get("/review/").get_data(as_text=True)
    assert "5 matches" in first and "Page 1 of 3" in first
    assert "Page 3 of 3" in partner.get("/review/?page=3").get_data(as_text=True)
    assert "2 matches" in partner.get("/review/?tenant=1").get_data(as_text=True)
    assert "0 matches" in partner.get("/review/?min_score=90").get_data(as_text=True)
    assert partner.get("/review/?min_score=abc&page=-1&sector=mars").status_code == 200


def test_funnel_page_shows_a_table_and_a_chart(world, as_user):
    add_match(world.startup, world.partner, 0.8)
    intros.request_introduction(world.partner_user, world.startup.id)
    page = as_user(world.staff).get("/staff/funnel").get_data(as_text=True)
    assert 'class="funnel-chart"' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']  # nothing inline
    assert 'data-row="NVIDIA"' in page and 'data-row="Energy"' in page


def test_absurd_ids_in_urls_are_404_or_ignored_never_500(world, as_user):
    huge = "99999999999999"
    staff, founder = as_user(world.staff), as_user(world.founder)
    assert staff.get(f"/introductions/{huge}").status_code == 404
    assert staff.post(f"/introductions/{huge}/approve").status_code == 404
    assert staff.get(f"/staff/queue?counterpart={huge}").status_code == 200
    decided = staff.post("/staff/queue/decide", data={"introduction_id": huge, "decision": "approve"})
    assert decided.status_code == 303  # no request can have that id: refused like an empty selection
    assert staff.get("/staff/outbox?page=99999999999999999999").status_code == 200
    assert founder.post("/introductions/request", data={"other_id": huge}).status_code == 404
    assert founder.post(f"/review/{huge}/dismiss", data={"kind": "already_met"}).status_code == 404
    assert founder.post(f"/review/{huge}/restore").status_code == 404


def test_partner_can_ask_for_a_varied_order(world, as_user, make_organisation):
    add_look_alikes(world, make_organisation)
    partner = as_user(world.partner_user)
    ranked = partner.get("/review/").get_data(as_text=True)
    assert ranked.index("Battery 1") < ranked.index("K-pop Stream")
    varied = partner.get("/review/?order=varied").get_data(as_text=True)
    assert varied.index("K-pop Stream") < varied.index("Battery 1")
    assert '<option value="varied" selected' in varied
    # An unknown order is ignored like other URL filters: the ranked list.
    assert partner.get("/review/?order=sideways").status_code == 200


def test_the_pager_keeps_the_varied_order(world, as_user, make_organisation, app):
    for n in range(app.config["REVIEW_PAGE_SIZE"] + 1):
        add_match(make_organisation("startup", name=f"Startup {n}"), world.partner, 0.5 + n / 100)
    page = as_user(world.partner_user).get("/review/?order=varied").get_data(as_text=True)
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', page).group(1)
    assert "order=varied" in next_link
