"""In a real browser: NVIDIA, reading English, meets a startup registered in Korean only.

NVIDIA sees a romanised name and a plain "Written in Korean" marker; once the founder adds English
versions beside the Korean texts, NVIDIA sees those instead. Screenshots go to
test-artifacts/bilingual/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, Role, User
from matchmaker.organisations.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import full_page_png

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "bilingual"
PARTNER = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNER)
FOUNDER_EMAIL, FOUNDER_PASSWORD = "founder@voltbus.example.kr", "volt bus diagnostics 2026"
DESCRIPTION_KO = (
    "볼트버스 진단은 전기 버스의 배터리 상태를 운행 데이터로 진단하고 교체 시기를 예측합니다. "
    "광주 시내버스 40대에서 실증하고 있으며, GPU 학습 자원과 충전 인프라 파트너를 찾고 있습니다."
)
DESCRIPTION_EN = (
    "VoltBus Diagnostics checks the health of electric bus batteries from driving data and predicts when "
    "they need replacing. It is being piloted on 40 Gwangju city buses and looks for GPU training capacity "
    "and charging-infrastructure partners."
)


@pytest.fixture(scope="module")
def korean_startup(live_app) -> int:
    """A startup registered in Korean only, with a founder account, on NVIDIA's review list."""
    with live_app.app_context():
        startup = Organisation(
            kind="startup",
            slug="voltbus",
            name="볼트버스 진단",
            description=DESCRIPTION_KO,
            seeks="GPU 학습 자원, 충전 인프라 실증 파트너",
            stage="seed",
            visibility="listed",
        )
        startup.sectors = ["automotive", "energy"]
        db.session.add(startup)
        founder = User(email=FOUNDER_EMAIL, display_name="김볼트", role="founder", organisation=startup)
        founder.set_password(FOUNDER_PASSWORD)
        db.session.add(founder)
        db.session.flush()
        nvidia = db.session.scalar(select(Organisation).where(Organisation.slug == "nvidia"))
        db.session.add(
            Match(
                startup_id=startup.id,
                counterpart_id=nvidia.id,
                score=0.9,
                model_version="e2e",
                explanation={},
            )
        )
        db.session.commit()
        startup_id = startup.id
        db.session.remove()
    return startup_id


def _signed_in(browser, server: str, email: str, password: str, locale: str):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server}/dashboard")
    return context, page


def test_nvidia_reads_a_korean_only_startup_then_its_english_version(live_server, browser, korean_startup):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nvidia_context, nvidia = _signed_in(browser, live_server, PARTNER.email, PARTNER.password, "en-US")
    founder_context, founder = _signed_in(browser, live_server, FOUNDER_EMAIL, FOUNDER_PASSWORD, "ko-KR")
    try:
        # On its review list and on the profile: a romanised name and a plain marker, lang="ko" on the text.
        nvidia.goto(f"{live_server}/review/")
        card = nvidia.locator("li.review-item", has_text="Bolteubeoseu Jindan")
        assert card.count() == 1
        assert "Written in Korean" in card.inner_text()
        card.screenshot(path=str(ARTIFACTS / "1-review-card-korean-only.png"))
        nvidia.goto(f"{live_server}/organisations/{korean_startup}")
        heading = nvidia.locator("h1")
        assert "Bolteubeoseu Jindan" in heading.inner_text() and "볼트버스 진단" in heading.inner_text()
        description = nvidia.locator("[data-text=description]")
        assert description.get_attribute("lang") == "ko"
        assert description.inner_text() == DESCRIPTION_KO
        assert nvidia.locator(".written-in").first.inner_text() == "Written in Korean"
        markers_before = nvidia.locator(".written-in[data-written-in=ko]").count()  # description and seeks
        assert markers_before == 2
        full_page_png(nvidia, str(ARTIFACTS / "2-profile-korean-only.png"))

        # The founder, in Korean, adds English versions beside the Korean texts.
        founder.goto(f"{live_server}/organisations/{korean_startup}/edit")
        assert founder.locator("#name_en").input_value() == "Bolteubeoseu Jindan"  # suggested, editable
        assert "영어 버전" in founder.locator("label[for=description_en]").inner_text()
        founder.fill("#name_en", "VoltBus Diagnostics")
        founder.fill("#summary", "전기 버스 배터리 진단")
        founder.fill("#summary_en", "Battery diagnostics for electric buses")
        founder.fill("#description_en", DESCRIPTION_EN)
        full_page_png(founder, str(ARTIFACTS / "3-founder-form.png"))
        # the save refreshes the matches inline (no job queue here), loading the model the first time
        founder.click("main form button[type=submit]", timeout=300_000)
        founder.wait_for_url(f"{live_server}/organisations/{korean_startup}", timeout=300_000)
        assert founder.locator("[data-text=description]").inner_text() == DESCRIPTION_KO  # her own language

        # NVIDIA now reads the English versions, without the marker.
        nvidia.reload()
        assert "VoltBus Diagnostics" in nvidia.locator("h1").inner_text()
        description = nvidia.locator("[data-text=description]")
        assert description.get_attribute("lang") == "en"
        assert description.inner_text() == DESCRIPTION_EN
        assert nvidia.locator("[data-text=summary]").inner_text() == "Battery diagnostics for electric buses"
        assert nvidia.locator(".written-in[data-written-in=ko]").count() == 1  # only "what it seeks" is left
        full_page_png(nvidia, str(ARTIFACTS / "4-profile-english-version.png"))
        nvidia.goto(f"{live_server}/review/")
        card = nvidia.locator("li.review-item", has_text="VoltBus Diagnostics")
        assert DESCRIPTION_EN in card.inner_text()
        card.screenshot(path=str(ARTIFACTS / "5-review-card-english.png"))
    finally:
        nvidia_context.close()
        founder_context.close()
