"""A founder deletes their startup (PIPA): personal data goes, the audit trail stays, staff see it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.introductions import requests as intro_service
from matchmaker.models import Dismissal, Introduction, IntroductionEvent, Match, Organisation
from matchmaker.organisations.deletion import DELETED_STARTUP_NAME
from tests.conftest import TEST_PASSWORD
from tests.introduction_world import add_match, make_world

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

PRIVATE = "VoltCell secret battery chemistry"


def _world(make_user, make_organisation):
    world = make_world(make_user, make_organisation)
    startup = world.startup
    startup.description = PRIVATE
    startup.website = "https://voltcell.example.kr"
    startup.tags = ["battery"]
    db.session.commit()
    add_match(startup, world.partner, 0.8)
    done = intro_service.request_introduction(world.founder, world.investor.id, "Met at the demo day")
    intro_service.approve(world.staff, done.id)
    intro_service.accept(world.investor_user, done.id)  # introduced: a past introduction, kept
    open_request = intro_service.request_introduction(world.founder, world.partner.id, "Hello")
    db.session.add(
        Dismissal(organisation_id=world.other_partner.id, other_id=startup.id, kind="not_interested")
    )
    db.session.commit()
    return world, done.id, open_request.id


def test_a_founder_deletes_their_startup_after_confirming(client, login, make_user, make_organisation):
    world, done_id, open_id = _world(make_user, make_organisation)
    startup_id = world.startup.id
    login(world.founder)
    page = client.get(f"/organisations/{startup_id}")
    assert f"/organisations/{startup_id}/delete" in page.get_data(as_text=True)
    assert client.get(f"/organisations/{startup_id}/delete").status_code == 200

    wrong = client.post(f"/organisations/{startup_id}/delete", data={"password": "not my password"})
    assert wrong.status_code == 422
    assert db.session.get(Organisation, startup_id).description == PRIVATE  # nothing happened

    done = client.post(f"/organisations/{startup_id}/delete", data={"password": TEST_PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    startup = db.session.get(Organisation, startup_id)
    assert startup.name == DELETED_STARTUP_NAME and startup.deleted_at is not None
    assert (startup.description, startup.website, startup.contact_email, startup.tags) == ("", "", "", [])
    assert startup.visibility == "hidden" and startup.sectors == []
    assert world.founder.organisation_id is None  # the founder keeps their account, without the startup
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    assert db.session.scalar(select(func.count()).select_from(Dismissal)) == 0
    # The audit trail stays: the past introduction is still there; the open request was withdrawn.
    assert db.session.get(Introduction, done_id).state == "introduced"
    withdrawn = db.session.get(Introduction, open_id)
    assert withdrawn.state == "withdrawn"
    last = db.session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == open_id)
        .order_by(IntroductionEvent.id)
    ).all()[-1]
    assert last.to_state == "withdrawn" and "deleted" in last.note
    assert PRIVATE not in client.get(f"/introductions/{done_id}").get_data(as_text=True)


def test_staff_see_that_it_happened(client, login, make_user, make_organisation):
    world, done_id, _ = _world(make_user, make_organisation)
    from matchmaker.organisations.deletion import delete_startup

    delete_startup(world.founder, world.startup, TEST_PASSWORD)
    login(world.staff)
    listing = client.get("/organisations/?hidden=1").get_data(as_text=True)
    assert DELETED_STARTUP_NAME in listing
    page = client.get(f"/organisations/{world.startup.id}").get_data(as_text=True)
    assert "Deleted by its founder on" in page
    assert DELETED_STARTUP_NAME in client.get(f"/introductions/{done_id}").get_data(as_text=True)


def test_only_the_startups_own_founder_may_delete_it(client, login, make_user, make_organisation):
    world, _, _ = _world(make_user, make_organisation)
    url = f"/organisations/{world.startup.id}/delete"
    for person in (world.staff, world.partner_user, make_user("founder")):
        login(person)
        assert client.post(url, data={"password": TEST_PASSWORD}).status_code == 403
        client.post("/logout")
    db.session.expire_all()
    assert db.session.get(Organisation, world.startup.id).description == PRIVATE


def test_a_deleted_startup_cannot_be_edited_and_the_founder_can_start_again(
    client, login, make_user, make_organisation
):
    world, _, _ = _world(make_user, make_organisation)
    from matchmaker.organisations.deletion import delete_startup

    delete_startup(world.founder, world.startup, TEST_PASSWORD)
    login(world.staff)
    edit = client.post(
        f"/organisations/{world.startup.id}/edit", data={"name": "Back", "description": "Again"}
    )
    assert edit.status_code == 409
    client.post("/logout")
    login(world.founder)
    again = client.post("/organisations/new", data={"name": "VoltCell 2", "description": "A new start."})
    assert again.status_code == 302
