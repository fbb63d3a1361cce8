"""Korean pages read as Korean: placeholders of deleted records, audit notes, hints and waiting times."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import update

from matchmaker.accounts.personal_data import delete_account
from matchmaker.extensions import db
from matchmaker.introductions import requests as intro_service
from matchmaker.models import Introduction, Organisation, utcnow
from matchmaker.organisations.deletion import DELETED_STARTUP_NAME, delete_startup
from tests.conftest import TEST_PASSWORD
from tests.introduction_world import make_world

CATALOG = Path(__file__).resolve().parents[3] / "matchmaker/translations/ko/LC_MESSAGES/messages.po"


def _korean_staff_world(make_user, make_organisation):
    world = make_world(make_user, make_organisation)
    world.staff.language = "ko"
    db.session.commit()
    done = intro_service.request_introduction(world.founder, world.investor.id, "Met at the demo day")
    intro_service.approve(world.staff, done.id)
    intro_service.accept(world.investor_user, done.id)
    open_request = intro_service.request_introduction(world.founder, world.partner.id, "Hello")
    return world, done.id, open_request.id


def test_a_deleted_startup_and_member_read_korean_but_stay_stored_in_english(
    client, login, make_user, make_organisation
):
    world, done_id, open_id = _korean_staff_world(make_user, make_organisation)
    delete_account(world.investor_user, TEST_PASSWORD)
    delete_startup(world.founder, world.startup, TEST_PASSWORD)
    login(world.staff)
    withdrawn = client.get(f"/introductions/{open_id}").get_data(as_text=True)
    assert "(삭제된 스타트업)" in withdrawn
    assert "창업자가 스타트업을 삭제했습니다." in withdrawn  # the note of the founder's deletion
    introduced = client.get(f"/introductions/{done_id}").get_data(as_text=True)
    assert "(삭제된 회원)" in introduced
    listing = client.get("/organisations/?hidden=1").get_data(as_text=True)
    assert "(삭제된 스타트업)" in listing
    for page in (withdrawn, introduced, listing):
        assert "(deleted startup)" not in page and "(deleted member)" not in page
        assert "The startup was deleted" not in page
    db.session.expire_all()
    assert db.session.get(Organisation, world.startup.id).name == DELETED_STARTUP_NAME


def test_waiting_times_are_told_in_human_units(client, login, make_user, make_organisation):
    world, _, open_id = _korean_staff_world(make_user, make_organisation)
    moment = utcnow() - timedelta(seconds=131)
    db.session.execute(
        update(Introduction)
        .where(Introduction.id == open_id)
        .values(created_at=moment, state_changed_at=moment)
    )
    db.session.commit()
    login(world.staff)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "가장 오래된 요청은 2분째 대기 중입니다." in page
    assert "초째" not in page


def test_the_amount_hint_has_no_english_in_korean(client, login, make_user) -> None:
    login(make_user("founder", language="ko"))
    response = client.post("/organisations/new", data={"name": "볼트버스 진단", "raising_amount": "lots"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "20억원, 1.5억, 5,000만, ₩2,000,000,000 또는 $1.5M처럼 금액을 입력해 주십시오." in body
    assert " or $1.5M" not in body


def test_the_catalog_speaks_one_register() -> None:
    """하십시오체 throughout: no 해요체 endings ("적어 주세요", "추가하세요") in the Korean catalog."""
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    strings = [s for m in catalog if m.id for s in ((m.string,) if isinstance(m.string, str) else m.string)]
    polite_informal = re.compile(r"(세요|해요|에요|예요|어요|아요|네요|까요|나요|가요)[.?!:]?(\s|$)")
    assert [s for s in strings if polite_informal.search(s)] == []
