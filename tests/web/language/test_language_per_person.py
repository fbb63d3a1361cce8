"""A language per person: set at the invitation, else the browser's at first sign-in; mail follows it.

These run on the app as installed (Korean by default), with the staff working in Korean, so that a mail
written in the language of the request instead of its recipient's shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from matchmaker.accounts.languages import organisation_language, text_language
from matchmaker.extensions import db
from matchmaker.introductions import requests as introductions
from matchmaker.language.detect import hangul_share
from matchmaker.models import Organisation, OutboxMessage, User
from matchmaker.organisations import deletion
from matchmaker.organisations.demo import demo_profiles
from tests.conftest import TEST_PASSWORD, app_with_schema, make_test_config

VOLTBUS_KO = "전기버스 배터리의 상태를 운행 데이터로 진단하고 교체 시기를 예측합니다. EV BMS 데이터를 씁니다."
NVIDIA_EN = "NVIDIA Inception supports AI startups with GPUs, training and go-to-market help in Korea."


@pytest.fixture
def korean_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app as installed: Korean unless someone's language says otherwise."""
    config = make_test_config(database_url, tmp_path)
    del config["BABEL_DEFAULT_LOCALE"]
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application


@pytest.fixture
def people(korean_app: Flask, make_organisation: Callable[..., Organisation], make_user: Callable[..., User]):
    startup = make_organisation("startup", name="볼트버스 진단", description=VOLTBUS_KO, sectors=["energy"])
    other_startup = make_organisation(
        "startup", name="빛고을셀테크", description="폐배터리를 재사용하는 에너지 저장 장치를 만듭니다."
    )
    nvidia = make_organisation("partner", name="NVIDIA", description=NVIDIA_EN, sectors=["energy"])
    founder = make_user("founder", startup, email="founder@voltbus.example")  # no language chosen
    make_user("founder", other_startup, email="founder@bitgoeul.example")
    staff = make_user("staff", email="staff@complex.example", language="ko")
    return {
        "startup": startup,
        "other_startup": other_startup,
        "nvidia": nvidia,
        "founder": founder,
        "staff": staff,
    }


def _mails(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
        )
    )


def _language(user: User) -> str | None:
    return db.session.scalar(select(User.language).where(User.id == user.id))


def _is_english(message: OutboxMessage) -> bool:
    text = f"{message.subject}\n{message.body}".replace("볼트버스 진단", "").replace("빛고을셀테크", "")
    return text_language(text) == "en" and (hangul_share(text) or 0) == 0


def _is_korean(message: OutboxMessage) -> bool:
    text = f"{message.subject}\n{message.body}".replace("NVIDIA", "").replace("Jane Park", "")
    return text_language(text) == "ko"


def test_the_language_of_a_text_is_the_share_of_its_hangul_letters() -> None:
    assert text_language(VOLTBUS_KO) == "ko"
    assert text_language("EV 배터리 진단 SaaS") == "ko"  # English terms in a Korean sentence
    assert text_language(NVIDIA_EN) == "en"
    assert text_language("We help 볼트버스 진단 and other startups scale their battery analytics.") == "en"
    assert text_language("2026 ₩2,000,000,000") is None


def test_the_demos_three_partners_and_its_fund_read_english(korean_app: Flask) -> None:
    partners = [p for p in demo_profiles() if p["kind"] in ("partner", "investor")]
    assert len(partners) == 4
    for profile in partners:
        organisation = Organisation(
            kind=profile["kind"],
            name=profile["name"],
            description=profile.get("description", ""),
            offers=profile.get("offers", ""),
            seeks=profile.get("seeks", ""),
        )
        assert organisation_language(organisation) == "en", profile["name"]


def test_an_invited_english_partner_gets_every_mail_in_english_and_a_korean_founder_korean(
    korean_app: Flask, people: dict
) -> None:
    client = korean_app.test_client()
    client.post("/login", data={"email": people["staff"].email, "password": TEST_PASSWORD})
    # A Korean-reading staff member invites Jane without choosing a language: NVIDIA writes English.
    page = client.get("/staff/accounts/new").get_data(as_text=True)
    assert 'name="language"' in page and "계정과 메일의 언어" in page
    answer = client.post(
        "/staff/accounts/new",
        data={
            "display_name": "Jane Park",
            "email": "jane@nvidia.example",
            "role": "partner",
            "organisation_id": str(people["nvidia"].id),
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    jane = db.session.scalar(select(User).where(User.email == "jane@nvidia.example"))
    assert jane.language == "en"
    jane.set_password(TEST_PASSWORD)
    db.session.commit()

    founder, staff = people["founder"], people["staff"]
    with korean_app.test_request_context(headers={"Accept-Language": "ko"}):  # the actors read Korean
        approved = introductions.request_introduction(jane, people["startup"].id, "Let's talk.")
        introductions.approve(staff, approved.id)
        introductions.accept(founder, approved.id)  # both agreed: introduced
        rejected = introductions.request_introduction(jane, people["other_startup"].id)
        introductions.reject(staff, rejected.id)

    jane_mails = _mails(jane.email)
    subjects = [m.subject for m in jane_mails]
    assert subjects[0] == "Your matchmaker account at the Gwangju AI complex"
    assert jane_mails[0].body.startswith("Hello Jane Park,")
    assert any(s.startswith("Introduction approved:") for s in subjects), subjects
    assert any(s.startswith("You are introduced:") for s in subjects), subjects
    assert any(s.startswith("Introduction not approved:") for s in subjects), subjects
    assert all(_is_english(m) for m in jane_mails), [(m.subject, m.body) for m in jane_mails]

    founder_mails = _mails(founder.email)
    assert len(founder_mails) == 2  # asked to answer, then introduced
    assert all(_is_korean(m) for m in founder_mails), [(m.subject, m.body) for m in founder_mails]
    assert any("소개" in m.subject for m in founder_mails)
    assert _language(founder) is None  # defaulted, not saved for them


def test_the_invitation_form_can_choose_another_language(korean_app: Flask, people: dict) -> None:
    client = korean_app.test_client()
    client.post("/login", data={"email": people["staff"].email, "password": TEST_PASSWORD})
    client.post(
        "/staff/accounts/new",
        data={
            "display_name": "김지원",
            "email": "jiwon@nvidia.example",
            "role": "partner",
            "organisation_id": str(people["nvidia"].id),
            "language": "ko",
        },
    )
    client.post(
        "/staff/accounts/new",
        data={
            "display_name": "Colleague",
            "email": "colleague@complex.example",
            "role": "founder",
            "organisation_id": str(people["startup"].id),
        },
    )
    refused = client.post(
        "/staff/accounts/new",
        data={
            "display_name": "X",
            "email": "x@nvidia.example",
            "role": "partner",
            "organisation_id": str(people["nvidia"].id),
            "language": "fr",
        },
    )
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    languages = dict(db.session.execute(select(User.email, User.language)).all())
    assert languages["jiwon@nvidia.example"] == "ko"
    assert languages["colleague@complex.example"] == "ko"  # founders default to Korean
    assert "x@nvidia.example" not in languages
    (invitation,) = _mails("jiwon@nvidia.example")
    assert invitation.subject == "광주 AI 집적단지 matchmaker 계정 안내"
    accounts_page = client.get("/staff/accounts").get_data(as_text=True)
    assert "English" in accounts_page and "한국어" in accounts_page


def test_an_account_without_a_language_takes_the_browsers_at_first_sign_in(
    korean_app: Flask, people: dict, make_user: Callable[..., User]
) -> None:
    partner = make_user("partner", people["nvidia"], email="old@nvidia.example")
    assert partner.language is None
    first = korean_app.test_client()
    first.post(
        "/login",
        data={"email": partner.email, "password": TEST_PASSWORD},
        headers={"Accept-Language": "en-GB,en;q=0.9,ko;q=0.5"},
    )
    assert _language(partner) == "en"
    later = korean_app.test_client()  # another browser, in Korean: the account keeps its language
    later.post(
        "/login", data={"email": partner.email, "password": TEST_PASSWORD}, headers={"Accept-Language": "ko"}
    )
    assert _language(partner) == "en"
    assert '<html lang="en">' in later.get("/dashboard").get_data(as_text=True)
    # The switch in the navigation changes it on the account.
    later.post("/language", data={"language": "ko", "next": "/dashboard"})
    assert _language(partner) == "ko"


def test_a_founder_who_signs_up_in_english_gets_english_and_one_without_a_choice_korean(
    korean_app: Flask,
) -> None:
    english, korean = korean_app.test_client(), korean_app.test_client()
    form = {
        "display_name": "Mina",
        "password": "a long enough passphrase 42",
        "confirm": "a long enough passphrase 42",
    }
    english.post("/signup", data=form | {"email": "mina@example.kr"}, headers={"Accept-Language": "en"})
    korean.post("/signup", data=form | {"email": "minji@example.kr"})
    assert db.session.scalar(select(User.language).where(User.email == "mina@example.kr")) == "en"
    assert db.session.scalar(select(User.language).where(User.email == "minji@example.kr")) is None


def test_mail_to_an_english_partner_without_accounts_goes_to_its_contact_in_english(
    korean_app: Flask, people: dict
) -> None:
    """A deletion notice: the founder deletes the startup while NVIDIA's request is open."""
    nvidia = people["nvidia"]
    nvidia.contact_email = "inception@nvidia.example"
    requester = User(email="jane@nvidia.example", display_name="Jane", role="partner", organisation=nvidia)
    requester.set_password(TEST_PASSWORD)
    db.session.add(requester)
    db.session.commit()
    # Outside a request the app writes in its default, Korean: only the recipient's language makes English.
    pending = introductions.request_introduction(requester, people["startup"].id)
    requester.is_active_account = False  # NVIDIA has no active member now: its contact address is written to
    db.session.commit()
    deletion.delete_startup(people["founder"], people["startup"], TEST_PASSWORD)
    assert pending.id
    (notice,) = _mails("inception@nvidia.example")
    assert notice.subject.startswith("Introduction withdrawn:")
    assert "The startup was deleted by its founder." in notice.body
    staff_notice = [m for m in _mails(people["staff"].email) if "철회" in m.subject]
    assert staff_notice and "창업자가 스타트업을 삭제했습니다." in staff_notice[0].body
