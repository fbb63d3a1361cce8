"""In a real browser, on the demo data matched by the real model: search and keyword exclusions cross
the language line (issue 18).

NVIDIA, reading English, searches its review list for "battery": the demo's two Korean startups that
write 배터리 (빛고을셀테크, 에이치투웨이) are among its first five results. A private exclusion "battery"
hides them as well as the English ones. The other way round, a Korean-reading investor searches for
"배터리" and finds VoltCell, which writes only "battery", and an exclusion "배터리" hides it. Screenshots
go to test-artifacts/search/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Organisation, Role
from matchmaker.organisations.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import full_page_png
from tests.e2e.test_walk import PAGE_TEXT

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "search"
ACCOUNTS = {a.role: a for a in DEMO_ACCOUNTS}
KOREAN_BATTERY = ("bitgoeul-celltech", "h2way")  # write 배터리, never "battery"
ENGLISH_BATTERY = ("voltcell-battery", "forgeye", "carbonledger")  # write "battery", never 배터리


@pytest.fixture(scope="module")
def ids(live_app) -> dict[str, int]:
    """The demo data with every match computed by the real model, as `make run` serves it; slug -> id."""
    from matchmaker.matching.refresh import rematch_all

    with live_app.app_context():
        rematch_all()
        found = {o.slug: o.id for o in db.session.scalars(select(Organisation))}
        db.session.remove()
    return found


def _signed_in(browser, server: str, role: Role, language: str):
    """A browser context signed in as the demo account of ``role``, its interface in ``language``."""
    context = browser.new_context(locale={"ko": "ko-KR", "en": "en-US"}[language])
    page = context.new_page()
    page.set_default_timeout(60_000)  # the first search may load the real model
    account = ACCOUNTS[role]
    page.goto(f"{server}/login")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server}/dashboard")
    if page.evaluate("document.documentElement.lang") != language:
        page.locator(f"form.language-switch button[value='{language}']").first.click()
        page.wait_for_url(f"{server}/dashboard")
    assert page.evaluate("document.documentElement.lang") == language
    return context, page


def _listed(page) -> list[int]:
    """The organisation ids of the review list's cards, in their order."""
    return [
        int(i)
        for i in page.locator("li.review-item").evaluate_all("els => els.map(e => e.dataset.organisation)")
    ]


def _search(page, server: str, query: str) -> list[int]:
    page.goto(f"{server}/review/")
    page.fill("#q", query)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    return _listed(page)


def _exclude(page, server: str, keyword: str) -> None:
    page.goto(f"{server}/exclusions/")
    page.fill("#keyword", keyword)
    page.click("form[action='/exclusions/keyword'] button[type=submit]")
    page.wait_for_url(f"{server}/exclusions/")


def _every_listed(page, server: str) -> set[int]:
    """Every startup on the unfiltered review list, all pages."""
    found: set[int] = set()
    number = 1
    while True:
        page.goto(f"{server}/review/?page={number}")
        listed = _listed(page)
        if not listed:
            return found
        found |= set(listed)
        number += 1


def test_nvidia_searches_and_excludes_battery_across_languages(live_server, browser, ids) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, nvidia = _signed_in(browser, live_server, Role.PARTNER, "en")
    try:
        before = _every_listed(nvidia, live_server)
        assert {ids[s] for s in KOREAN_BATTERY + ENGLISH_BATTERY} <= before, "all five are NVIDIA's matches"

        first_five = _search(nvidia, live_server, "battery")[:5]
        full_page_png(nvidia, str(ARTIFACTS / "1-nvidia-search-battery.png"))
        assert {ids[s] for s in KOREAN_BATTERY} <= set(first_five), first_five
        assert {ids[s] for s in ENGLISH_BATTERY} <= set(first_five), first_five
        # the page says why a Korean card is there: the glossary's word it contains
        celltech = nvidia.locator(f"li.review-item[data-organisation='{ids['bitgoeul-celltech']}']")
        assert "“배터리”" in celltech.locator(".search-hit").inner_text()
        assert celltech.locator(".search-hit span[lang=ko]").inner_text() == "배터리"  # marked Korean
        assert "배터리" in nvidia.locator(".search-terms").inner_text()

        # What the keyword would hide, before saving it: the Korean startups too.
        nvidia.goto(f"{live_server}/exclusions/?preview=battery")
        preview = nvidia.locator("main").inner_text()
        assert "빛고을셀테크" in preview and "에이치투웨이" in preview and "VoltCell" in preview
        # named as NVIDIA reads them: romanised, or the Latin name the founder gave, the Hangul beside it
        assert "Bitgoeulseltekeu (빛고을셀테크)" in preview and "H2Way (에이치투웨이)" in preview
        full_page_png(nvidia, str(ARTIFACTS / "2-nvidia-exclusion-preview-battery.png"))

        _exclude(nvidia, live_server, "battery")
        full_page_png(nvidia, str(ARTIFACTS / "3-nvidia-excluded-battery.png"))
        after = _every_listed(nvidia, live_server)
        assert not {ids[s] for s in KOREAN_BATTERY + ENGLISH_BATTERY} & after, (
            "every battery startup is hidden"
        )
        assert before - after == {ids[s] for s in KOREAN_BATTERY + ENGLISH_BATTERY}, "and nothing else"
        assert _search(nvidia, live_server, "배터리") == []
        full_page_png(nvidia, str(ARTIFACTS / "4-nvidia-search-after-exclusion.png"))
    finally:
        context.close()


def test_a_korean_reader_searches_and_excludes_배터리(live_server, browser, ids) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, investor = _signed_in(browser, live_server, Role.INVESTOR, "ko")
    try:
        before = _every_listed(investor, live_server)
        assert ids["voltcell-battery"] in before

        found = _search(investor, live_server, "배터리")
        full_page_png(investor, str(ARTIFACTS / "5-korean-search-배터리.png"))
        assert ids["voltcell-battery"] in found[:5], found
        voltcell = investor.locator(f"li.review-item[data-organisation='{ids['voltcell-battery']}']")
        assert "“battery”" in voltcell.locator(".search-hit").inner_text()
        # the glossary's English word is marked as English: the Korean page's own text has none
        assert "battery" not in investor.evaluate(PAGE_TEXT)

        _exclude(investor, live_server, "배터리")
        full_page_png(investor, str(ARTIFACTS / "6-korean-excluded-배터리.png"))
        after = _every_listed(investor, live_server)
        assert ids["voltcell-battery"] not in after, "the English battery startup is hidden"
        assert not {ids[s] for s in KOREAN_BATTERY} & after
        assert ids["voltcell-battery"] not in _search(investor, live_server, "battery")
    finally:
        context.close()
