"""Issue 9's walk: founder, partner, investor and staff do their main job once in Korean and once in
English, in a real browser, at 1280 px and at 390 px (a phone).

On every page: nothing is wider than a phone's screen at 390 px, and a Korean page shows no English
apart from brand and company names and what people wrote themselves (marked class="user-text"), in
its text or in its form hints (placeholders, titles, labels for screen readers), nor the English the
app stores for deleted records and for the notes it writes (shown translated, even among user text).
The data has a deleted startup whose deleted founder had asked for an introduction, and a startup
without a sector (a grey point on the staff's ecosystem map).
Screenshots of every page at both widths are saved under test-artifacts/walk/ (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.i18n import DELETED_MEMBER_NAME, DELETED_STARTUP_NAME, NOTE_STARTUP_DELETED
from matchmaker.models import Organisation, User
from matchmaker.organisations.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import full_page_png

pytestmark = pytest.mark.e2e
ACCOUNTS = {a.role.value: a for a in DEMO_ACCOUNTS}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "walk"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
LOCALES = {"ko": "ko-KR", "en": "en-US"}
# Words a Korean page may show in Latin letters: the product, technical names and currencies.
ALLOWED = {"matchmaker", "api", "json", "smtp", "crm", "poc", "krw", "usd", "ai", "id", "https", "bearer"}
ALLOWED |= {"csv", "xlsx"}  # file formats, named as Excel names them
# Every text node's text, except inside what people wrote themselves, code and scripts.
PAGE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    // the language switch names the other language in that language (lang="en"): not page text
    const own = element && element.closest('[lang]').lang === document.documentElement.lang;
    if (own && !element.closest('.user-text, script, style, code')) {
      parts.push(walker.currentNode.textContent);
    }
  }
  // form hints and texts for screen readers are read too
  for (const element of document.body.querySelectorAll('[placeholder], [title], [aria-label], [alt]')) {
    const own = element.closest('[lang]').lang === document.documentElement.lang;
    if (own && !element.closest('.user-text')) {
      for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
        if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
      }
    }
  }
  return parts.join(' ');
}"""
# All the page's text, what people wrote included, except mail as it was sent (in its recipient's language).
ALL_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (element && !element.closest('pre, script, style')) parts.push(walker.currentNode.textContent);
  }
  return parts.join(' ');
}"""
# What the app stores in English and must show in the reader's language, wherever it appears.
STORED_ENGLISH = (DELETED_STARTUP_NAME, DELETED_MEMBER_NAME, NOTE_STARTUP_DELETED)
WALK_PASSWORD = "walk-founder-password-2026"


@pytest.fixture(scope="module")
def walk_records(live_app) -> dict[str, int]:
    """A deleted startup whose founder (deleted too) had asked NVIDIA for an introduction, and a
    listed startup that ticked no sector."""
    from matchmaker.accounts.personal_data import delete_account
    from matchmaker.introductions import requests as introductions
    from matchmaker.organisations.deletion import delete_startup

    with live_app.app_context():
        gone = Organisation(
            kind="startup", slug="walk-deleted", name="사라진 배터리", description="폐배터리 재사용 실증"
        )
        gone.sectors = ["energy"]
        founder = User(email="gone@walk.example", display_name="떠난 창업자", role="founder")
        founder.organisation = gone
        founder.set_password(WALK_PASSWORD)
        blank = Organisation(
            kind="startup",
            slug="walk-no-sector",
            name="분야 없는 스타트업",
            description="광주에서 전기버스 배터리를 진단하는 AI 스타트업입니다.",
            visibility="listed",
        )
        blank.sectors = []
        db.session.add_all([gone, founder, blank])
        db.session.commit()
        nvidia = db.session.scalars(select(Organisation).where(Organisation.slug == "nvidia")).one()
        withdrawn = introductions.request_introduction(founder, nvidia.id, "실증 협력을 원합니다")
        delete_startup(founder, gone, WALK_PASSWORD)
        delete_account(founder, WALK_PASSWORD)
        records = {"withdrawn": withdrawn.id, "no_sector": blank.id}
        db.session.remove()
    return records


@pytest.fixture(scope="module")
def matched(live_app, walk_records) -> None:
    """The demo data with every match computed by the real model, as `make run` serves it."""
    from matchmaker.matching.refresh import rematch_all

    with live_app.app_context():
        rematch_all()
        db.session.remove()


@pytest.fixture(scope="module")
def allowed_words(live_app) -> set[str]:
    """Company names and the demo people's names may appear in Latin letters on Korean pages."""
    with live_app.app_context():
        names = list(db.session.scalars(select(Organisation.name))) + list(
            db.session.scalars(select(User.display_name))
        )
    names = [name for name in names if name not in STORED_ENGLISH]  # shown translated, never allowed
    return ALLOWED | {w.lower() for name in names for w in re.findall(r"[A-Za-z]+", name)}


class Walk:
    """One person's browser: checks and photographs every page it reaches."""

    def __init__(self, browser, server: str, role: str, language: str, allowed: set[str]) -> None:
        self.context = browser.new_context(locale=LOCALES[language], viewport=WIDE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)  # the first profile page loads the real model
        self.server, self.role, self.language, self.allowed = server, role, language, allowed
        self.step = 0
        self.problems: list[str] = []

    def sign_in(self) -> None:
        account = ACCOUNTS[self.role]
        self.page.goto(f"{self.server}/login")
        self.page.fill("#email", account.email)
        self.page.fill("#password", account.password)
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_url(f"{self.server}/dashboard")
        # An account keeps the language of its first sign-in (an earlier walk's): switch to this walk's.
        if self.page.evaluate("document.documentElement.lang") != self.language:
            self.page.locator(f"form.language-switch button[value='{self.language}']").first.click()
            self.page.wait_for_url(f"{self.server}/dashboard")
        self.check("dashboard")

    def visit(self, path: str, name: str) -> None:
        self.page.goto(f"{self.server}{path}")
        self.check(name)

    def check(self, name: str) -> None:
        """Both widths: the screenshots, no sideways scrolling on a phone, and the page's language."""
        self.step += 1
        stem = ARTIFACTS / f"{self.language}-{self.role}-{self.step:02d}-{name}"
        page = self.page
        assert page.evaluate("document.documentElement.lang") == self.language, (name, page.url)
        full_page_png(page, f"{stem}-1280.png")
        page.set_viewport_size(PHONE)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{name} ({page.url}) is {overflow}px wider than a 390px phone")
        full_page_png(page, f"{stem}-390.png")
        page.set_viewport_size(WIDE)
        if self.language == "ko":
            text = page.evaluate(PAGE_TEXT)
            text = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", text)  # addresses and paths
            english = sorted(
                {w for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", text) if w.lower() not in self.allowed}
            )
            if english:
                self.problems.append(f"{name} ({page.url}) shows English on a Korean page: {english[:12]}")
            everything = page.evaluate(ALL_TEXT)
            stored = [text for text in STORED_ENGLISH if text in everything]
            if stored:
                self.problems.append(f"{name} ({page.url}) shows stored English on a Korean page: {stored}")

    def close(self) -> None:
        self.context.close()


def _walk_founder(walk: Walk) -> None:
    page = walk.page
    walk.visit("/review/", "matches")
    request = page.locator("form.request-form").first
    if request.count():
        request.locator("button[type=submit]").click()
        page.wait_for_load_state()
        walk.check("after-request")
    walk.visit("/introductions/", "introductions")
    walk.visit(f"/organisations/{_organisation_id(walk, 'voltcell-battery')}", "profile")
    walk.visit(f"/organisations/{_organisation_id(walk, 'voltcell-battery')}/edit", "edit-profile")
    walk.visit(f"/organisations/{_organisation_id(walk, 'nvidia')}", "partner-and-what-would-raise-it")


def _walk_counterpart(walk: Walk) -> None:
    page = walk.page
    walk.visit("/review/", "review")
    first = page.locator("li.review-item h2 a").first
    if first.count():
        first.click()
        page.wait_for_load_state()
        walk.check("startup-profile")
    walk.visit("/introductions/", "introductions")
    opened = page.locator("table a[href^='/introductions/']").first
    if opened.count():
        opened.click()
        page.wait_for_load_state()
        walk.check("introduction")
    walk.visit("/exclusions/?preview=배터리", "private-exclusions")


def _walk_staff(walk: Walk) -> None:
    page = walk.page
    walk.visit("/staff/queue", "queue")
    item = page.locator("article.queue-item input[type=checkbox]").first
    if item.count():
        item.check()
        page.click("button[name=decision][value=approve]")
        page.wait_for_load_state()
        walk.check("approved")
    walk.visit("/staff/funnel", "funnel")
    walk.visit("/staff/ecosystem", "ecosystem")
    grey = page.locator(f"a.map-point[data-organisation='{walk.records['no_sector']}'] .sector-fill-none")
    assert grey.count() == 1, "the startup without a sector is a grey point on the map"
    walk.visit(f"/introductions/{walk.records['withdrawn']}", "deleted-startup-introduction")
    walk.visit("/introductions/", "introductions")
    walk.visit("/staff/accounts", "accounts")
    walk.visit("/staff/outbox", "outbox")
    walk.visit("/staff/imports", "imports")
    # A sheet naming a demo startup (empty cells keep its profile) and a row the form refuses.
    sheet = "회사명,설명,분야\n소리드라이브 (SoriDrive),,\n우주항공,,우주\n".encode("cp949")
    page.set_input_files("input[name=file]", {"name": "회사.csv", "mimeType": "text/csv", "buffer": sheet})
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    walk.check("import-preview")
    assert page.locator("table tbody tr").count() == 2
    page.click("form.busy-form button[type=submit]")
    page.wait_for_load_state()
    walk.check("import-report")
    walk.visit("/staff/learning/", "learning")
    walk.visit("/staff/triples/", "three-way-matches")


def _organisation_id(walk: Walk, slug: str) -> int:
    return walk.ids[slug]


WALKS = {
    "founder": _walk_founder,
    "partner": _walk_counterpart,
    "investor": _walk_counterpart,
    "staff": _walk_staff,
}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("role", list(WALKS))
def test_each_role_walks_its_main_job(
    browser, live_server, live_app, matched, allowed_words, walk_records, role, language
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        ids = {o.slug: o.id for o in db.session.scalars(select(Organisation))}
    walk = Walk(browser, live_server, role, language, allowed_words)
    walk.ids = ids
    walk.records = walk_records
    try:
        walk.sign_in()
        WALKS[role](walk)
        # the menu button works without JavaScript: on a phone the navigation opens and closes
        walk.page.set_viewport_size(PHONE)
        nav = walk.page.locator("nav.main-nav")
        assert not nav.is_visible()
        walk.page.click("label.menu-button")
        assert nav.is_visible()
        walk.page.set_viewport_size(WIDE)
    finally:
        walk.close()
    assert not walk.problems, "\n".join(walk.problems)
