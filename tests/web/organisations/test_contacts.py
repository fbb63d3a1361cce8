"""One contact rule for the profile page and the API: members, staff, and the sides once introduced."""

from __future__ import annotations

import pytest

from matchmaker.introductions import requests as service
from matchmaker.organisations import contacts
from tests.introduction_world import make_world


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _page_shows_contact(client, login, user, organisation) -> bool:
    login(user)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    client.post("/logout")
    return organisation.contact_email in page


def test_the_profile_page_shows_the_contact_once_introduced_as_the_api_does(client, login, world):
    startup, partner_user = world.startup, world.partner_user
    introduction = service.request_introduction(world.founder, world.partner.id, "Battery data?")
    assert not _page_shows_contact(client, login, partner_user, startup)
    assert not contacts.may_see_contact(partner_user, startup)
    service.approve(world.staff, introduction.id)
    assert not _page_shows_contact(client, login, partner_user, startup)  # approved is not introduced
    service.accept(partner_user, introduction.id)
    assert _page_shows_contact(client, login, partner_user, startup)
    assert contacts.may_see_contact(partner_user, startup)
    assert _page_shows_contact(client, login, world.founder, world.partner)  # both sides
    # A third party still does not see it; the startup's own people and staff always do.
    assert not _page_shows_contact(client, login, world.other_partner_user, startup)
    assert _page_shows_contact(client, login, world.founder, startup)
    assert _page_shows_contact(client, login, world.staff, startup)
