"""A person signs in as the demo founder in a real browser and sees their dashboard."""

from __future__ import annotations

import pytest

from matchmaker.organisations.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.e2e


def test_demo_founder_logs_in_and_sees_the_dashboard(live_server, page):
    founder = next(a for a in DEMO_ACCOUNTS if a.role == "founder")
    page.goto(f"{live_server}/dashboard")
    assert page.url.startswith(f"{live_server}/login")  # anonymous: sent to sign in
    page.fill("#email", founder.email)
    page.fill("#password", founder.password)
    page.click("main form button[type=submit]")  # not the language switch
    page.wait_for_url(f"{live_server}/dashboard")
    assert page.locator("h1").inner_text().startswith("Hello,")
    assert "VoltCell" in page.locator("main").inner_text()
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server}/login")


def test_wrong_password_shows_a_message(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#email", "founder@matchmaker.example")
    page.fill("#password", "not the password")
    page.click("main form button[type=submit]")
    assert "Wrong e-mail address or password." in page.locator("[role=alert]").inner_text()
