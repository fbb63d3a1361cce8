"""Staff exports: for people (the reader's language, Korea time, XLSX typed as text) and for re-import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.labels import kind_label, sector_label, stage_label, state_label
from matchmaker.models import Introduction, Match, Organisation, OrganisationImport

CHANGED = datetime(2026, 11, 24, 5, 5, 41, 123456, tzinfo=UTC)  # 14:05 in Gwangju
CHANGED_KST = "2026-11-24 14:05"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _sheet(response) -> list[list[object]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _world(make_organisation):
    startup = make_organisation(
        name="볼트버스 진단",
        description="전기버스 배터리를 진단합니다.",
        sectors=["energy", "automotive"],
        stage="pre_seed",
        updated_at=CHANGED,
    )
    nvidia = make_organisation("partner", name="NVIDIA", updated_at=CHANGED)
    db.session.add(
        Match(
            startup_id=startup.id,
            counterpart_id=nvidia.id,
            score=0.734,
            explanation={},
            model_version="test",
            computed_at=CHANGED,
        )
    )
    db.session.add(
        Introduction(
            startup_id=startup.id,
            counterpart_id=nvidia.id,
            requested_by_side="counterpart",
            state="introduced",
            created_at=CHANGED,
            introduced_at=CHANGED,
        )
    )
    db.session.commit()
    return startup, nvidia


def test_the_people_export_is_in_a_korean_readers_language_and_korea_time(
    client, make_user, make_organisation, login
) -> None:
    _world(make_organisation)
    login(make_user("staff", language="ko"))
    with force_locale("ko"):
        korean = {
            "startup": kind_label("startup"),
            "partner": kind_label("partner"),
            "pre_seed": stage_label("pre_seed"),
            "sectors": f"{sector_label('energy')}, {sector_label('automotive')}",
            "introduced": state_label("introduced"),
        }
    organisations = _csv(client.get("/staff/exports/organisations.csv"))
    header, rows = organisations[0], {row[1]: row for row in organisations[1:]}
    assert header[:3] == ["종류", "회사명", "사업자등록번호"] and header[-1] == "마지막 수정 시각"
    voltbus = dict(zip(header, rows["볼트버스 진단"], strict=True))
    assert voltbus["종류"] == korean["startup"] != "startup"
    assert voltbus["단계"] == korean["pre_seed"] != "pre_seed"
    assert voltbus["분야"] in (korean["sectors"], ", ".join(reversed(korean["sectors"].split(", "))))
    assert voltbus["공개 여부"] == "공개" and voltbus["단지 입주"] == "아니요"
    assert voltbus["마지막 수정 시각"] == CHANGED_KST  # KST to the minute, not UTC ISO with microseconds

    matches = _csv(client.get("/staff/exports/matches.csv"))
    assert matches[0][0] == "스타트업" and matches[1] == [
        "볼트버스 진단",
        "NVIDIA",
        korean["partner"],
        "73",
        CHANGED_KST,
    ]
    introductions = _csv(client.get("/staff/exports/introductions.csv"))
    row = dict(zip(introductions[0], introductions[1], strict=True))
    assert row["요청한 쪽"] == korean["partner"] and row["상태"] == korean["introduced"]
    assert row["요청 시각 (한국 시간)"] == CHANGED_KST and row["승인 시각 (한국 시간)"] == ""

    # XLSX: the same, with times as times (formatted to the minute) and no text that is a formula.
    sheet = _sheet(client.get("/staff/exports/introductions.xlsx"))
    assert sheet[0][0] == "번호" and sheet[1][6] == datetime(2026, 11, 24, 14, 5)


def test_an_english_reader_gets_english_headers_and_labels(client, make_user, make_organisation, login):
    _world(make_organisation)
    login(make_user("staff", language="en"))
    organisations = _csv(client.get("/staff/exports/organisations.csv?for=people"))
    header = organisations[0]
    assert header[:3] == ["Kind", "Name", "Registration number"] and header[-1] == "Last changed"
    row = dict(zip(header, next(r for r in organisations if r[1] == "볼트버스 진단"), strict=True))
    assert (row["Kind"], row["Stage"], row["Visibility"]) == ("Startup", "Pre-seed", "Listed")


@pytest.mark.both_databases
def test_the_codes_export_round_trips_through_the_import(client, make_user, make_organisation, login):
    """The second link: stored codes and UTC, and importing the file again changes nothing."""
    startup, _nvidia = _world(make_organisation)
    make_organisation(
        "investor",
        name="Rising Tide Fund",
        description="=SUM(A1) Seed fund for climate tech.",  # starts like a formula
        investor_stages=["seed", "series_a"],
        ticket_min=250_000,
        ticket_max=3_000_000,
        ticket_currency="USD",
    )
    login(make_user("staff", language="ko"))
    page = client.get("/staff/imports").get_data(as_text=True)
    assert "/staff/exports/organisations.xlsx?for=import" in page
    codes = _csv(client.get("/staff/exports/organisations.csv?for=import"))
    assert codes[0][0] == "종류 / kind"
    stage = codes[0].index("단계 / stage")
    assert "startup" in [r[0] for r in codes] and "pre_seed" in [r[stage] for r in codes]
    introductions = _csv(client.get("/staff/exports/introductions.csv?for=import"))
    assert introductions[1][3:5] == ["counterpart", "introduced"]
    assert introductions[1][6] == CHANGED.isoformat()
    for fmt in ("xlsx", "csv"):
        download = client.get(f"/staff/exports/organisations.{fmt}?for=import")
        assert download.status_code == 200
        assert f"matchmaker-organisations-codes.{fmt}" in download.headers["Content-Disposition"]
        upload = client.post(
            "/staff/imports",
            data={"file": (io.BytesIO(download.data), f"export.{fmt}")},
            content_type="multipart/form-data",
        )
        assert upload.status_code == 303, upload.get_data(as_text=True)
        record = db.session.scalars(select(OrganisationImport).order_by(OrganisationImport.id.desc())).first()
        assert client.post(f"/staff/imports/{record.id}/run").status_code == 303
        db.session.refresh(record)
        assert (record.created, record.updated, record.refused, record.unchanged) == (0, 0, 0, 3), (
            record.report
        )
    assert db.session.get(Organisation, startup.id).stage == "pre_seed"
    assert client.get("/staff/exports/organisations.csv?for=robots").status_code == 404


@pytest.mark.both_databases
def test_xlsx_exports_survive_control_characters_in_stored_text(client, make_user, make_organisation, login):
    """Issue 20: a vertical tab in `offers` made openpyxl refuse the cell and the export answer 500."""
    make_organisation(
        name="Tab\x0bCorp",
        offers="GPU credits\x0b and\x01 mentoring\x1f",
        seeks="line one\nline two\twith a tab",
    )
    login(make_user("staff"))
    for audience in ("people", "import"):
        sheet = _sheet(client.get(f"/staff/exports/organisations.xlsx?for={audience}"))
        values = [v for row in sheet for v in row if isinstance(v, str)]
        assert "TabCorp" in values and "GPU credits and mentoring" in values
        assert "line one\nline two\twith a tab" in values  # tabs and line breaks stay
        rows = _csv(client.get(f"/staff/exports/organisations.csv?for={audience}"))
        assert "GPU credits and mentoring" in [v for row in rows for v in row]


def test_the_people_export_reads_back_unchanged_too(client, make_user, make_organisation, login):
    """Not its purpose, but a person may edit the readable file and import it: labels read as codes."""
    _world(make_organisation)
    make_organisation("investor", name="Quiet Fund", visibility="hidden", investor_stages=["seed"])
    for language in ("ko", "en"):
        staff = make_user("staff", language=language)
        login(staff)
        download = client.get("/staff/exports/organisations.xlsx")
        upload = client.post(
            "/staff/imports",
            data={"file": (io.BytesIO(download.data), "people.xlsx")},
            content_type="multipart/form-data",
        )
        assert upload.status_code == 303, upload.get_data(as_text=True)
        record = db.session.scalars(select(OrganisationImport).order_by(OrganisationImport.id.desc())).first()
        client.post(f"/staff/imports/{record.id}/run")
        db.session.refresh(record)
        assert (record.created, record.updated, record.refused, record.unchanged) == (0, 0, 0, 3), (
            language,
            record.report,
        )
        client.post("/logout")
