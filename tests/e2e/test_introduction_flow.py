"""In a real browser: NVIDIA asks to meet VoltCell, staff approve, the founder accepts, both see contacts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match, Organisation
from matchmaker.organisations.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.e2e
ACCOUNTS = {a.role.value: a for a in DEMO_ACCOUNTS}
VOLTCELL_CONTACT = "founders@voltcell.example.kr"
NVIDIA_CONTACT = "inception-gwangju@nvidia.example.com"


@pytest.fixture(scope="module")
def voltcell_matches_nvidia(live_app):
    """Make sure the pair is on NVIDIA's review page, whether or not seeding computed matches."""
    with live_app.app_context():
        ids = {o.slug: o.id for o in db.session.scalars(select(Organisation))}
        pair = (ids["voltcell-battery"], ids["nvidia"])
        exists = db.session.scalar(
            select(Match).where(Match.startup_id == pair[0], Match.counterpart_id == pair[1])
        )
        if exists is None:
            db.session.add(
                Match(
                    startup_id=pair[0],
                    counterpart_id=pair[1],
                    score=0.83,
                    model_version="e2e",
                    explanation={},
                )
            )
            db.session.commit()
        db.session.remove()


def _person(browser, live_server, role):
    """A separate browser context per person, signed in through the login form."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    account = ACCOUNTS[role]
    page.goto(f"{live_server}/login")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("main form button[type=submit]")  # not the language switch
    page.wait_for_url(f"{live_server}/dashboard")
    return context, page


def test_partner_requests_staff_approves_founder_accepts_both_see_contacts(
    live_server, browser, voltcell_matches_nvidia
):
    partner_context, partner = _person(browser, live_server, "partner")
    staff_context, staff = _person(browser, live_server, "staff")
    founder_context, founder = _person(browser, live_server, "founder")
    try:
        # NVIDIA's manager finds VoltCell on the review page and asks for an introduction.
        partner.click("nav >> text=Review")
        partner.fill("#q", "VoltCell")
        partner.click("form.filters button[type=submit]")
        card = partner.locator("li.review-item", has_text="VoltCell")
        card.locator("input[name=message]").fill("We would like to run an energy pilot together.")
        card.locator("text=Request introduction").click()
        partner.wait_for_url("**/introductions/*")
        intro_url = partner.url
        assert partner.locator("#intro-state").inner_text() == "Requested"
        assert VOLTCELL_CONTACT not in partner.locator("main").inner_text()

        # Staff see it in the queue next to both profiles, tick it and approve it.
        staff.click("nav >> text=Queue")
        item = staff.locator("article.queue-item", has_text="VoltCell")
        item.locator("input[type=checkbox]").check()
        staff.fill("#note", "Fits the energy demonstration track.")
        staff.click("text=Approve ticked")
        assert "1 request approved" in staff.locator("main").inner_text()

        # The founder opens the introduction and accepts it.
        founder.goto(intro_url)
        assert founder.locator("#intro-state").inner_text() == "Approved"
        assert NVIDIA_CONTACT not in founder.locator("main").inner_text()
        founder.click("text=Accept introduction")
        founder.wait_for_url(intro_url)
        assert founder.locator("#intro-state").inner_text() == "Introduced"
        assert NVIDIA_CONTACT in founder.locator("#contacts").inner_text()
        assert ACCOUNTS["partner"].email in founder.locator("#contacts").inner_text()

        # And NVIDIA now sees how to reach VoltCell.
        partner.goto(intro_url)
        contacts = partner.locator("#contacts").inner_text()
        assert VOLTCELL_CONTACT in contacts and ACCOUNTS["founder"].email in contacts

        # Staff can read the mail that went out, without any mail server.
        staff.click("nav >> text=Outbox")
        assert "You are introduced" in staff.locator("main").inner_text()
    finally:
        for context in (partner_context, staff_context, founder_context):
            context.close()
