"""Issue 18: every profile text in both languages, shown to each reader in their own language.

A founder writes in Korean and may add an English version beside each text; an English reader sees the
English version, a Korean reader the Korean original; without an English version the English reader
sees the original marked "Written in Korean" (lang="ko") and a romanised name.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Match, Organisation, OutboxMessage, ProfileVersion, User
from matchmaker.organisations import bilingual, exports, imports

NAME_KO = "볼트버스 진단"
DESCRIPTION_KO = "볼트버스 진단은 전기 버스 배터리의 상태를 운행 데이터로 진단하고 교체 시기를 예측합니다."
DESCRIPTION_EN = (
    "VoltBus Diagnostics checks the health of electric bus batteries from driving data and predicts when "
    "they need replacing."
)
UNRELATED_EN = "We run a studio that makes puzzle games for teenagers on mobile phones."

EN = {"Accept-Language": "en"}
KO = {"Accept-Language": "ko"}


def _form(organisation: Organisation, **changes: str) -> dict[str, str]:
    values = {
        "name": organisation.name,
        "description": organisation.description,
        "offers": organisation.offers or "",
        "seeks": organisation.seeks or "",
        "visibility": "listed",
    }
    values.update(changes)
    return values


def _page(client: FlaskClient, organisation: Organisation, headers: dict[str, str]) -> str:
    response = client.get(f"/organisations/{organisation.id}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _founder_startup(make_organisation, make_user, login) -> tuple[Organisation, User]:
    startup = make_organisation(name=NAME_KO, description=DESCRIPTION_KO, sectors=["energy"])
    founder = make_user("founder", organisation=startup)
    login(founder)
    return startup, founder


def test_the_english_version_goes_to_english_readers_and_the_korean_original_to_korean_readers(
    client, new_client, make_organisation, make_user, login
):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    response = client.post(
        f"/organisations/{startup.id}/edit",
        data=_form(startup, name_en="VoltBus Diagnostics", description_en=DESCRIPTION_EN),
        headers=KO,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.session.scalar(select(ProfileVersion).where(ProfileVersion.field == "description"))
    assert (version.language, version.source, version.text) == ("en", "person", DESCRIPTION_EN)
    assert (startup.description, startup.description_language) == (DESCRIPTION_KO, "ko")  # matching reads it

    partner = make_organisation("partner", name="NVIDIA", description="GPUs and AI computing.")
    reader = new_client()
    reader.post(
        "/login",
        data={"email": make_user("partner", organisation=partner).email, "password": "correct horse battery"},
    )
    english = _page(reader, startup, EN)
    assert f'lang="en" data-text="description">{DESCRIPTION_EN}' in english
    assert "VoltBus Diagnostics" in english
    assert DESCRIPTION_KO not in english
    assert "Written in Korean" not in english
    korean = _page(reader, startup, KO)
    assert f'lang="ko" data-text="description">{DESCRIPTION_KO}' in korean
    assert DESCRIPTION_EN not in korean and "한국어로 작성됨" not in korean
    # the directory finds it by its English name too
    found = reader.get("/organisations/?q=voltbus", headers=EN).get_data(as_text=True)
    assert f"/organisations/{startup.id}" in found


def test_without_an_english_version_the_original_is_marked_and_the_name_romanised(
    client, make_organisation, make_user, login
):
    startup = make_organisation(name=NAME_KO, description=DESCRIPTION_KO, sectors=["energy"])
    partner = make_organisation("partner", name="NVIDIA", description="GPUs and AI computing.")
    login(make_user("partner", organisation=partner))
    page = _page(client, startup, EN)
    assert "Written in Korean" in page
    assert f'lang="ko" data-text="description">{DESCRIPTION_KO}' in page
    assert "Bolteubeoseu Jindan" in page  # Revised Romanization, the Hangul name beside it
    assert re.search(r'class="original-name user-text" lang="ko">\(볼트버스 진단\)', page)
    # the directory and the Korean reader's page say the same, each in its language
    directory = client.get("/organisations/?kind=startup", headers=EN).get_data(as_text=True)
    assert "Bolteubeoseu Jindan" in directory and "Written in Korean" in directory
    korean = _page(client, startup, KO)
    assert "한국어로 작성됨" not in korean and "Bolteubeoseu" not in korean
    english_partner = _page(client, partner, KO)
    assert "영어로 작성됨" in english_partner  # the mirror image: an English profile for a Korean reader


def test_the_form_offers_the_other_language_and_a_romanisation(client, make_organisation, make_user, login):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    page = client.get(f"/organisations/{startup.id}/edit", headers=KO).get_data(as_text=True)
    assert 'name="description_en"' in page and 'name="summary_en"' in page
    assert 'value="Bolteubeoseu Jindan"' in page  # prefilled; the founder accepts or edits it
    assert "영어 버전" in page
    english_founder_page = client.get(f"/organisations/{startup.id}/edit", headers=EN).get_data(as_text=True)
    assert "English version" in english_founder_page


def test_a_version_in_the_wrong_language_is_refused_with_a_message(
    client, make_organisation, make_user, login
):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    response = client.post(
        f"/organisations/{startup.id}/edit",
        data=_form(startup, description_en="이것도 한국어입니다."),
        headers=EN,
    )
    assert response.status_code == 422
    assert "Write the English version in English" in response.get_data(as_text=True)
    # English typed into the Korean box of a Korean text is the English version it is
    response = client.post(
        f"/organisations/{startup.id}/edit", data=_form(startup, description_ko=DESCRIPTION_EN), headers=EN
    )
    assert response.status_code == 302
    assert startup.version("description", "en").text == DESCRIPTION_EN


def test_a_mismatched_version_warns_the_writer_and_staff(
    client, new_client, make_organisation, make_user, login
):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    response = client.post(
        f"/organisations/{startup.id}/edit",
        data=_form(startup, description_en=UNRELATED_EN),
        headers=EN,
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The two language versions of the description may not say the same thing" in page
    assert bilingual.mismatched_fields(startup) == ["description"]
    staff = new_client()
    staff.post("/login", data={"email": make_user("staff").email, "password": "correct horse battery"})
    board = staff.get("/dashboard", headers=EN).get_data(as_text=True)
    assert 'data-action="version-mismatch"' in board and f'data-organisation="{startup.id}"' in board
    # rewritten, the old finding no longer stands until the worker compares the new pair
    startup.version("description", "en").text = DESCRIPTION_EN
    db.session.commit()
    assert bilingual.mismatched_fields(startup) == []


def _match(startup: Organisation, other: Organisation, score: float = 0.8) -> None:
    db.session.add(
        Match(startup_id=startup.id, counterpart_id=other.id, score=score, explanation={}, model_version="t")
    )
    db.session.commit()


def test_a_founder_read_by_english_partners_is_asked_for_an_english_summary(
    client, make_organisation, make_user, login
):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    for name in ("NVIDIA", "Google"):
        partner = make_organisation("partner", name=name, description="AI computing for startups.")
        make_user("partner", organisation=partner, language="en")
        _match(startup, partner)
    korean_partner = make_organisation("partner", name="한빛전력", description="광주의 전력 회사입니다.")
    _match(startup, korean_partner)
    board = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert 'data-action="language-version" data-language="en" data-count="2"' in board
    assert (
        "Partners who read English are reviewing you: add an English summary (2 among your top matches)"
        in board
    )
    client.post(
        f"/organisations/{startup.id}/edit",
        data=_form(
            startup, summary="전기 버스 배터리 진단", summary_en="Battery diagnostics for electric buses"
        ),
    )
    assert 'data-action="language-version"' not in client.get("/dashboard", headers=EN).get_data(as_text=True)


def test_an_english_only_partner_with_korean_startups_is_asked_for_a_korean_summary(
    client, make_organisation, make_user, login
):
    partner = make_organisation("partner", name="NVIDIA", description="GPUs and AI computing for startups.")
    login(make_user("partner", organisation=partner, language="en"))
    startup = make_organisation(name=NAME_KO, description=DESCRIPTION_KO)
    _match(startup, partner)
    board = client.get("/dashboard", headers=KO).get_data(as_text=True)
    assert 'data-action="language-version" data-language="ko" data-count="1"' in board


def test_staff_ask_for_a_version_by_mail_in_each_members_language(
    client, make_organisation, make_user, login
):
    startup = make_organisation(name=NAME_KO, description=DESCRIPTION_KO)
    make_user("founder", organisation=startup, language="ko", email="founder@voltbus.kr")
    login(make_user("staff"))
    response = client.post(
        f"/organisations/{startup.id}/request-version", data={"language": "en"}, headers=EN
    )
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "founder@voltbus.kr"))
    assert "영어" in mail.subject and f"/organisations/{startup.id}/edit" in mail.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile.version_requested"))
    assert event.subject_id == startup.id and event.details["language"] == "en"
    assert (
        client.post(f"/organisations/{startup.id}/request-version", data={"language": "fr"}).status_code
        == 400
    )


def test_founders_may_not_ask_staff_style(client, make_organisation, make_user, login):
    startup, _founder = _founder_startup(make_organisation, make_user, login)
    response = client.post(f"/organisations/{startup.id}/request-version", data={"language": "en"})
    assert response.status_code == 403


@pytest.mark.both_databases
def test_an_import_carries_both_versions_and_the_export_gives_them_back(app, make_user):
    rows = [
        [
            "회사명 / name",
            "회사명 (영어) / name (English)",
            "설명 / description",
            "설명 (영어) / description (English)",
        ],
        [NAME_KO, "VoltBus Diagnostics", DESCRIPTION_KO, DESCRIPTION_EN],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    record = imports.create_import(None, "bilingual.csv", buffer.getvalue().encode())
    imports.start_import(record.id)
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == NAME_KO))
    assert organisation is not None
    assert organisation.version("description", "en").text == DESCRIPTION_EN
    assert organisation.version("name", "en").text == "VoltBus Diagnostics"
    assert bilingual.text_for(organisation, "description", "en").text == DESCRIPTION_EN

    staff = make_user("staff")
    for_people = exports.export(staff, "organisations", "csv").content.decode("utf-8-sig")
    assert "Description (English)" in for_people and DESCRIPTION_EN in for_people
    file = exports.export(staff, "organisations", "csv", "import")
    text = file.content.decode("utf-8-sig")
    assert "설명 (영어) / description (English)" in text and DESCRIPTION_EN in text
    again = imports.create_import(None, file.filename, file.content)
    imports.start_import(again.id)
    db.session.refresh(again)
    assert (again.created, again.updated, again.refused) == (0, 0, 0), again.report


def test_the_choice_is_made_in_one_place(app, make_organisation):
    startup = make_organisation(name=NAME_KO, description=DESCRIPTION_KO, offers="")
    shown = bilingual.text_for(startup, "description", "en")
    assert (shown.text, shown.language, shown.original, shown.marker) == (
        DESCRIPTION_KO,
        "ko",
        True,
        "Written in Korean",
    )
    assert bilingual.text_for(startup, "name", "en").source == "romanised"
    assert bilingual.text_for(startup, "name", "ko").text == NAME_KO
    assert not bilingual.text_for(startup, "offers", "en")
    make_machine = ProfileVersion(field="description", language="en", text=DESCRIPTION_EN, source="machine")
    startup.versions.append(make_machine)
    db.session.commit()
    shown = bilingual.text_for(startup, "description", "en")
    assert (shown.text, shown.is_machine, shown.foreign) == (DESCRIPTION_EN, True, False)


def test_a_hangul_name_with_its_own_latin_name_shows_that_name_to_english_readers(app, make_organisation):
    startup = make_organisation(name="에이치투웨이 (H2Way)", description=DESCRIPTION_KO, offers="")
    shown = bilingual.text_for(startup, "name", "en")
    assert (shown.text, shown.original_text, shown.original) == ("H2Way", "에이치투웨이", False)
    assert bilingual.text_for(startup, "name", "ko").text == "에이치투웨이 (H2Way)"
    assert bilingual.suggested_name(startup, {}) == "H2Way"  # offered in the form as its English name
