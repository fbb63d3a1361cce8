"""Korean pages and mail choose each particle from the name before it: no "이(가)" left for the reader."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from tests.introduction_world import add_match

FALLBACKS = re.compile(r"[이가을를은는와과]\([이가을를은는와과]\)|\(으\)로|\(이\)")


@pytest.fixture
def korean_world(make_user, make_organisation):
    volt = make_organisation("startup", sectors=["energy"], name="볼트버스 진단", stage="seed")
    home = make_organisation("startup", sectors=["energy"], name="HomeWatt", stage="seed")
    nvidia = make_organisation("partner", sectors=["energy"], name="NVIDIA")
    amazon = make_organisation("partner", sectors=["energy"], name="Amazon")
    for startup in (volt, home):
        for partner in (nvidia, amazon):
            add_match(startup, partner, 0.7)
    return {
        "volt": volt,
        "home": home,
        "nvidia": nvidia,
        "amazon": amazon,
        "founder": make_user("founder", volt, language="ko"),
        "partner": make_user("partner", nvidia, language="ko"),
        "staff": make_user("staff", language="ko", email="staff@complex.example"),
    }


def test_flashes_choose_the_particle_of_each_name(korean_world, as_user) -> None:
    founder = as_user(korean_world["founder"])
    founder.post(f"/review/{korean_world['amazon'].id}/dismiss", data={"kind": "not_interested"})
    page = founder.get("/review/").get_data(as_text=True)
    assert "Amazon을 목록에서 숨겼습니다" in page
    assert not FALLBACKS.search(page)

    partner = as_user(korean_world["partner"])
    partner.post("/exclusions/organisation", data={"startup_id": korean_world["volt"].id})
    page = partner.get("/exclusions/").get_data(as_text=True)
    assert "볼트버스 진단은 앞으로 귀사와 매칭되지 않습니다" in page
    assert "NVIDIA와 매칭되지 않습니다" in page  # the page's own text names the partner
    assert not FALLBACKS.search(page)


def test_a_korean_mail_chooses_the_particle_of_each_name(korean_world, as_user) -> None:
    partner = as_user(korean_world["partner"])
    other_id = korean_world["home"].id
    response = partner.post("/introductions/request", data={"other_id": other_id, "message": ""})
    assert response.status_code == 302
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == korean_world["staff"].email)
    ).one()
    assert "NVIDIA에서 HomeWatt과의 소개를 요청했습니다" in mail.body
    assert not FALLBACKS.search(mail.body + mail.subject)


def test_english_pages_are_left_alone(korean_world, as_user, make_user) -> None:
    english = as_user(make_user("founder", korean_world["volt"], language="en"))
    english.post(f"/review/{korean_world['amazon'].id}/dismiss", data={"kind": "not_interested"})
    assert "Amazon is hidden (not interested)." in english.get("/review/").get_data(as_text=True)
