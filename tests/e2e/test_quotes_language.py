"""In a real browser: NVIDIA (English) reads "What matched" for a Korean startup.

The startup wrote what it seeks in Korean and added an English version; its description has none. The
refresh job (run here as a save queues it) aligns the two versions with the shipped model, and NVIDIA's
review card quotes the English sentence, with the Korean original in its tooltip; a Korean quote with no
English counterpart is shown as written, marked "Written in Korean". The screenshot goes to
test-artifacts/quotes/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker.engine.text import split_sentences
from matchmaker.extensions import db
from matchmaker.jobs import tasks
from matchmaker.models import Organisation, ProfileVersion, Role
from matchmaker.organisations.demo import DEMO_ACCOUNTS
from tests.services.test_quote_alignment import SEEKS_EN, SEEKS_KO

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "quotes"
PARTNER = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNER)


def _startup(slug: str, name: str, english_version: bool) -> int:
    startup = Organisation(
        kind="startup",
        slug=slug,
        name=name,
        description="전기 버스 배터리의 상태를 운행 데이터로 진단하고 교체 시기를 예측합니다.",
        seeks=SEEKS_KO,
        stage="seed",
        visibility="listed",
    )
    startup.sectors = ["automotive", "energy"]
    if english_version:
        startup.versions.append(ProfileVersion(field="seeks", language="en", text=SEEKS_EN))
    db.session.add(startup)
    db.session.commit()
    tasks.refresh_organisation(startup.id)  # matches and the versions' alignment, with the model
    return startup.id


@pytest.fixture(scope="module")
def korean_startup(live_app) -> tuple[int, int]:
    """The same Korean startup twice: with an English version of what it seeks, and without one."""
    with live_app.app_context():
        ids = (
            _startup("voltbus-quotes", "볼트버스 진단 (VoltBus Diagnostics)", True),
            _startup("voltbus-korean-only", "볼트버스 한글", False),
        )
        db.session.remove()
    return ids


def _open_card(page, organisation_id: int):
    card = page.locator(f"li.review-item[data-organisation='{organisation_id}']")
    assert card.count() == 1
    card.locator("details:has(table.components) > summary").click()
    return card


def test_nvidia_reads_the_startups_english_sentence_under_what_matched(live_server, browser, korean_startup):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server}/login")
        page.fill("#email", PARTNER.email)
        page.fill("#password", PARTNER.password)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server}/dashboard")
        page.goto(f"{live_server}/review/")
        with_version, korean_only = korean_startup
        card = _open_card(page, with_version)
        phrases = card.locator("ul.phrases > li")
        assert phrases.count() >= 1
        english, korean = set(split_sentences(SEEKS_EN)), set(split_sentences(SEEKS_KO))
        quotes = card.locator("ul.phrases span.quote")
        shown = [
            (q.get_attribute("lang"), q.inner_text().strip("“”"), q.get_attribute("title"))
            for q in quotes.all()
        ]
        startup_quotes = [s for s in shown if s[1] in english or s[1] in korean]
        assert startup_quotes, shown
        for lang, text, title in startup_quotes:  # what it seeks: the English version's sentence
            assert lang == "en" and text in english and title and title.removeprefix("Original: ") in korean
        # a Korean quote (the description has no English version) is marked; an English one is not
        for item in phrases.all():
            marked = item.locator(".written-in[data-written-in=ko]").count()
            assert marked == item.locator("span.quote[lang=ko]").count()
        assert card.locator(".written-in[data-written-in=en]").count() == 0
        card.screenshot(path=str(ARTIFACTS / "nvidia-review-card.png"))

        # without an English version: the same Korean sentence as written, marked
        card = _open_card(page, korean_only)
        quote = card.locator("ul.phrases span.quote[lang=ko]").first
        assert quote.inner_text().strip("“”") in korean and quote.get_attribute("title") is None
        assert (
            card.locator("ul.phrases .written-in[data-written-in=ko]").first.inner_text()
            == "Written in Korean"
        )
        card.screenshot(path=str(ARTIFACTS / "nvidia-review-card-korean-only.png"))
    finally:
        context.close()
