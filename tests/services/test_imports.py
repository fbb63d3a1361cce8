"""Staff imports: a real 500-row file, Korean headers, CP949, XLSX, export round trips, refusals, resuming."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.errors import ConflictError, PermissionDenied
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, ImportStatus, Match, Organisation, OrganisationImport
from matchmaker.models import organisations as limits
from matchmaker.organisations import exports, imports
from matchmaker.organisations.registration import check_digit, normalise_registration_number
from matchmaker.organisations.spreadsheets import FileRefused
from tests.conftest import SHARED_DATA, unavailable

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def registration_number(seed: int) -> str:
    """A well-formed 사업자등록번호 made from ``seed`` (its check digit computed by the NTS rule)."""
    first_nine = f"{100_000_000 + seed * 7919 % 900_000_000:09d}"
    return f"{first_nine[:3]}-{first_nine[3:5]}-{first_nine[5:]}{check_digit(first_nine)}"


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data: bytes, filename: str = "companies.csv") -> OrganisationImport:
    record = imports.create_import(None, filename, data)
    imports.start_import(record.id)
    return db.session.get(OrganisationImport, record.id)


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


# --- the registration number ------------------------------------------------------------------


@pytest.mark.parametrize("number", ["220-81-62517", "2208162517", "220 81 62517", "220-81-62517 "])
def test_real_registration_numbers_pass_their_check_digit(number: str) -> None:
    assert normalise_registration_number(number) == "220-81-62517"
    assert normalise_registration_number("124-81-00998") == "124-81-00998"


@pytest.mark.parametrize(
    "number", ["220-81-62518", "220-81-6251", "abc-de-fghij", "２２０-８１-６２５１７", ""]
)
def test_a_wrong_check_digit_or_shape_is_refused(number: str) -> None:
    assert normalise_registration_number(number) is None


# --- the 500-row file from the shared data ----------------------------------------------------


def _shared_rows(count: int) -> list[dict]:
    if not SHARED_DATA.exists():
        unavailable(f"{SHARED_DATA} is absent (shared/ must sit beside the checkout)")
    with SHARED_DATA.open(encoding="utf-8") as lines:
        return [json.loads(line) for _, line in zip(range(count), lines, strict=False)]


def test_a_500_row_file_imports_with_a_per_row_report_and_a_second_import_changes_nothing(app: Flask) -> None:
    startups = _shared_rows(500)
    header = ["name", "registration number", "description", "sectors", "team size", "투자 유치 금액", "단계"]
    rows = [header]
    for s in startups:
        description = s["long_description"] or s["one_liner"]
        team = "" if s["team_size"] is None else str(s["team_size"])
        rows.append(
            [s["name"], registration_number(s["id"]), description, ", ".join(s["sectors"]), team, "", ""]
        )
    first = startups[0]
    broken = [  # (row as written, the column its error names)
        (["No Description Co", registration_number(1), "", "energy", "", "", ""], "description"),
        (["Space Co", registration_number(2), "Rockets.", "우주항공", "", "", ""], "sectors"),
        (["Bad Number Co", "220-81-62518", "Batteries.", "energy", "", "", ""], "registration_number"),
        (["Money Co", registration_number(3), "Chargers.", "energy", "", "lots", ""], "raising_amount"),
        (["Stage Co", registration_number(4), "Sensors.", "", "", "", "someday"], "stage"),
        ([first["name"] + " again", registration_number(first["id"]), "Dup.", "", "", "", ""], "name"),
    ]
    rows += [row for row, _ in broken]
    # The shared data has rows the profile form refuses too (acquired companies with a team of 0).
    expected_refusals = {i + 2: "team_size" for i, s in enumerate(startups) if s["team_size"] == 0}
    expected_refusals |= {
        i + 2: "description"
        for i, s in enumerate(startups)
        if len(s["long_description"] or "") > limits.DESCRIPTION_MAX
    }
    data = csv_bytes(rows)

    preview = imports.plan_rows(imports.parse_file(data, "startups.csv"))
    assert organisation_count() == 0  # the preview writes nothing
    assert len(preview) == 506

    record = run(data, "startups.csv")
    assert record.status == ImportStatus.DONE
    assert record.total_rows == record.processed_rows == 506
    assert record.created == 500 - len(expected_refusals)
    assert record.refused == len(broken) + len(expected_refusals)
    assert organisation_count() == record.created
    by_row = {entry["row"]: entry for entry in record.report}
    for row, column in expected_refusals.items():
        assert by_row[row]["action"] == "refused" and list(by_row[row]["errors"]) == [column]
    for offset, (_, column) in enumerate(broken):
        entry = by_row[502 + offset]
        assert entry["action"] == "refused"
        assert column in entry["errors"], entry
        assert (
            entry["errors"][column]["en"] and entry["errors"][column]["ko"] != entry["errors"][column]["en"]
        )
    assert "Row 2 already describes" in by_row[507]["errors"]["name"]["en"]
    stored = db.session.scalar(select(Organisation).where(Organisation.name == first["name"]))
    assert stored.registration_number == registration_number(first["id"])
    assert stored.sectors == sorted(first["sectors"])
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == record.id)))
    assert [e.details["created"] for e in events] == [record.created]

    stamps = dict(db.session.execute(select(Organisation.id, Organisation.updated_at)).all())
    again = run(data, "startups.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, record.created)
    assert again.refused == record.refused
    assert organisation_count() == record.created
    assert dict(db.session.execute(select(Organisation.id, Organisation.updated_at)).all()) == stamps


def test_a_row_naming_a_company_an_earlier_row_creates_is_refused_in_preview_and_run(app: Flask) -> None:
    rows = [
        ["name", "registration number", "description"],
        ["Twin Co", "220-81-62517", "First mention, with its number."],
        ["(주)Twin Co", "", "Second mention, by name only."],
    ]
    preview = imports.plan_rows(imports.parse_file(csv_bytes(rows), "twins.csv"))
    record = run(csv_bytes(rows))
    for row in (preview[1], record.report[1]):
        message = row.errors["name"] if isinstance(row, imports.RowPlan) else row["errors"]["name"]["en"]
        assert "Row 2 already describes this organisation." in message
    assert [p.action for p in preview] == [e["action"] for e in record.report] == ["create", "refused"]


# --- Korean files ------------------------------------------------------------------------------

KOREAN_ROWS = [
    ["종류", "회사명", "사업자등록번호", "설명", "분야", "단계", "투자 유치 금액", "웹사이트", "단지 입주"],
    [
        "스타트업",
        "햇살그리드",
        "220-81-62517",
        "태양광 발전량을 예측합니다.",
        "에너지",
        "시드",
        "20억",
        "www.sunny.kr",
        "예",
    ],
    ["파트너", "빛고을모빌리티", "", "자율주행 실증을 돕습니다.", "모빌리티, 에너지", "", "", "", "아니오"],
]


def _check_korean_rows() -> None:
    sunny = db.session.scalar(select(Organisation).where(Organisation.name == "햇살그리드"))
    assert sunny.kind == "startup" and sunny.stage == "seed" and sunny.sectors == ["energy"]
    assert (sunny.raising_amount, sunny.raising_currency) == (2_000_000_000, "KRW")
    assert sunny.website == "https://www.sunny.kr" and sunny.is_complex_tenant
    assert sunny.registration_number == "220-81-62517"
    partner = db.session.scalar(select(Organisation).where(Organisation.name == "빛고을모빌리티"))
    assert partner.kind == "partner" and partner.sectors == ["automotive", "energy"]
    assert not partner.is_complex_tenant


def test_a_cp949_csv_with_korean_headers_imports(app: Flask) -> None:
    record = run(csv_bytes(KOREAN_ROWS, "cp949"), "회사목록.csv")
    assert (record.created, record.refused) == (2, 0), record.report
    _check_korean_rows()


def test_an_xlsx_with_korean_headers_imports_and_numbers_read_as_typed(app: Flask) -> None:
    rows: list[list[object]] = [row[:] for row in KOREAN_ROWS]
    rows[0].append("인원")
    rows[1].append(12)  # Excel keeps numbers as numbers; 12 is not "12.0"
    rows[2].append(None)
    record = run(xlsx_bytes(rows), "회사목록.xlsx")
    assert (record.created, record.refused) == (2, 0), record.report
    _check_korean_rows()
    assert db.session.scalar(select(Organisation.team_size).where(Organisation.name == "햇살그리드")) == 12
    assert run(xlsx_bytes(rows), "회사목록.xlsx").unchanged == 2


def test_the_template_reads_back_and_its_example_row_is_valid(app: Flask) -> None:
    for fmt in ("csv", "xlsx"):
        template = imports.template_file(fmt)
        plans = imports.plan_rows(imports.parse_file(template.content, template.filename))
        assert [p.action for p in plans] == ["create"], plans


# --- matching rows to stored profiles ----------------------------------------------------------


def test_rows_match_by_registration_number_then_domain_then_name(
    app: Flask, make_organisation: Callable[..., Organisation]
) -> None:
    numbered = make_organisation(name="Old Name", registration_number="220-81-62517")
    by_site = make_organisation(name="Site Co", website="https://www.site.example.kr/about")
    by_name = make_organisation(name="(주)이름기업")
    rows = [
        ["name", "registration number", "website", "description"],
        ["New Name", "2208162517", "", "Renamed; the number says who it is."],
        ["Site Company", "", "http://site.example.kr", "Found by its domain."],
        ["이름기업 주식회사", "", "", "Found by its name."],
        ["Site Co", "", "https://other.example.kr", "Same name, another site: another company."],
    ]
    record = run(csv_bytes(rows))
    assert [(e["action"], e["organisation_id"]) for e in record.report[:3]] == [
        ("update", numbered.id),
        ("update", by_site.id),
        ("update", by_name.id),
    ]
    assert record.report[3]["action"] == "create"
    db.session.refresh(numbered)
    assert numbered.name == "New Name"


def test_empty_cells_keep_what_is_stored(app: Flask, make_organisation: Callable[..., Organisation]) -> None:
    stored = make_organisation(name="Keep Co", offers="GPU hours", sectors=["energy"])
    record = run(csv_bytes([["name", "description", "offers", "sectors"], ["Keep Co", "New words.", "", ""]]))
    assert record.report[0]["changes"] == ["description"]
    db.session.refresh(stored)
    assert (stored.offers, stored.sectors) == ("GPU hours", ["energy"])


def test_imported_startups_get_their_matches(app: Flask, make_organisation, monkeypatch) -> None:
    partner = make_organisation("partner", name="GPU Cloud", description="GPU cloud credits for energy AI.")
    rows = [["name", "description"], ["Sun Forecast", "Solar forecasting with energy AI on GPU clouds."]]
    record = run(csv_bytes(rows))
    startup_id = record.report[0]["organisation_id"]
    assert db.session.scalars(select(Match.counterpart_id).where(Match.startup_id == startup_id)).all() == [
        partner.id
    ]
    # Many changed profiles: every match is recomputed once instead of one refresh per row.
    monkeypatch.setattr(imports, "REFRESH_ONE_BY_ONE", 0)
    record = run(csv_bytes(rows[:1] + [["Wind Forecast", "Wind power forecasting with AI."]]))
    wind = record.report[0]["organisation_id"]
    assert db.session.scalar(select(func.count(Match.id)).where(Match.startup_id == wind)) == 1


# --- export round trips --------------------------------------------------------------------------


def test_export_then_import_changes_nothing(
    app: Flask, make_organisation: Callable[..., Organisation], make_user: Callable
) -> None:
    make_organisation(
        name="수소드림",
        description="=SUM(A1) 수소 연료전지 진단",  # starts like a formula
        sectors=["energy", "automotive"],
        tags=["수소", "fuel cell"],
        stage="series_a",
        raising_amount=3_000_000_000,
        raising_currency="KRW",
        registration_number="124-81-00998",
        is_complex_tenant=True,
        team_size=14,
    )
    make_organisation(
        "investor",
        name="Rising Tide Fund",
        investor_stages=["seed", "series_a"],
        ticket_min=250_000,
        ticket_max=3_000_000,
        ticket_currency="USD",
        monthly_intro_capacity=4,
        website="https://risingtide.example.com",
    )
    make_organisation("partner", name="-Minus Partner", visibility="hidden", contact_email="hi@minus.example")
    staff = make_user("staff")
    before = {o.id: dict(o.__dict__) for o in db.session.scalars(select(Organisation))}
    for fmt in ("csv", "xlsx"):
        file = exports.export(staff, "organisations", fmt, "import")
        record = run(file.content, file.filename)
        assert (record.created, record.updated, record.refused) == (0, 0, 0), record.report
        assert record.unchanged == 3
    assert organisation_count() == 3
    assert {o.id for o in db.session.scalars(select(Organisation))} == set(before)


def test_csv_exports_have_a_bom_and_no_live_formulas(app: Flask, make_organisation, make_user) -> None:
    make_organisation(name="@Risky", description="+1 formula", offers="-2", seeks='=HYPERLINK("x")')
    for audience in exports.AUDIENCES:
        file = exports.export(make_user("staff"), "organisations", "csv", audience)
        assert file.content.startswith(b"\xef\xbb\xbf")
        cells = [cell for row in csv.reader(io.StringIO(file.content.decode("utf-8-sig"))) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert "'@Risky" in cells and '\'=HYPERLINK("x")' in cells
        # XLSX: the cells are typed as text, so they show as written, without the CSV's apostrophe.
        sheet = load_workbook(
            io.BytesIO(exports.export(make_user("admin"), "organisations", "xlsx", audience).content)
        ).active
        cells_by_value = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
        assert not [c for c in cells_by_value.values() if c.data_type == "f"]
        for text in ("@Risky", "+1 formula", "-2", '=HYPERLINK("x")'):
            assert cells_by_value[text].data_type == "s", text
        assert not [v for v in cells_by_value if isinstance(v, str) and v.startswith("'")]


def test_matches_and_introductions_export(app: Flask, make_user) -> None:
    staff = make_user("staff")
    for dataset in ("matches", "introductions"):
        for fmt in ("csv", "xlsx"):
            assert exports.export(staff, dataset, fmt).content


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "status", "words"),
    [
        (b"", "empty.csv", 422, "empty"),
        (b"\n\n , ,\n", "blank.csv", 422, "empty"),
        (b"name,description\n", "header.csv", 422, "no organisations"),
        (b"firm,text\nA,B\n", "wrong.csv", 422, "missing"),
        ("이름,소개\n가,나\n".encode(), "korean-wrong.csv", 422, "회사명 / name"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "logo.png", 415, "CSV or XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", 415, ".xls"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", 415, "CSV or XLSX"),
        (b"name,description\n\xff\xfe\xfa,\x80\x80\n", "latin.csv", 422, "encoding"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(
    app: Flask, data: bytes, filename: str, status: int, words: str
) -> None:
    with pytest.raises(FileRefused) as refused:
        imports.create_import(None, filename, data)
    assert refused.value.status_code == status
    assert words in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(OrganisationImport)) == 0


def test_an_xlsx_that_unpacks_to_too_much_is_refused(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from matchmaker.organisations import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_XLSX_UNPACKED", 1000)
    with pytest.raises(FileRefused) as refused:
        imports.create_import(None, "bomb.xlsx", xlsx_bytes([["name", "description"], ["A", "x" * 5000]]))
    assert refused.value.status_code == 413


def test_size_and_row_limits(app: Flask) -> None:
    app.config["MATCHMAKER_IMPORT_MAX_ROWS"] = 3
    rows = [["name", "description"]] + [[f"Co {i}", "Words."] for i in range(4)]
    with pytest.raises(FileRefused) as refused:
        imports.create_import(None, "many.csv", csv_bytes(rows))
    assert refused.value.status_code == 413 and "3" in refused.value.message
    app.config["MATCHMAKER_IMPORT_MAX_BYTES"] = 10
    with pytest.raises(FileRefused) as refused:
        imports.create_import(None, "big.csv", csv_bytes(rows[:2]))
    assert refused.value.status_code == 413


# --- a job that stops half way -------------------------------------------------------------------


def test_an_import_stopped_half_way_resumes_without_doing_rows_twice(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["name", "description"]] + [[f"Company {i}", f"Does thing {i}."] for i in range(7)]
    record = imports.create_import(None, "seven.csv", csv_bytes(rows))
    monkeypatch.setattr(imports, "CHUNK", 3)
    real_apply = imports._apply

    def crash_on_row_6(plan: imports.RowPlan) -> int | None:
        if plan.row == 6:
            raise RuntimeError("worker killed")
        return real_apply(plan)

    monkeypatch.setattr(imports, "_apply", crash_on_row_6)
    with pytest.raises(RuntimeError):
        imports.run_import(record.id)
    stopped = db.session.get(OrganisationImport, record.id)
    assert stopped.status == ImportStatus.FAILED and "worker killed" in stopped.error
    assert stopped.processed_rows == 3 and organisation_count() == 3  # the first chunk, whole

    monkeypatch.setattr(imports, "_apply", real_apply)
    done = imports.run_import(record.id)
    assert done.status == ImportStatus.DONE
    assert (done.created, done.unchanged, done.processed_rows) == (7, 0, 7)
    assert organisation_count() == 7
    assert imports.run_import(record.id).created == 7  # done is done: running it again does nothing
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_confirming_twice_runs_the_import_once(app: Flask, make_user) -> None:
    staff = make_user("staff")
    sheet = csv_bytes([["name", "description"], ["Once Co", "Words."]])
    record = imports.create_import(staff, "one.csv", sheet)
    imports.confirm_import(staff, record)
    with pytest.raises(ConflictError):
        imports.confirm_import(make_user("admin"), record)
    assert organisation_count() == 1
    with pytest.raises(PermissionDenied):
        imports.confirm_import(make_user("founder"), record)


# --- the command ---------------------------------------------------------------------------------


def test_the_command_previews_with_dry_run_then_imports(app: Flask, runner, tmp_path) -> None:
    sheet = tmp_path / "회사.csv"
    sheet.write_bytes(csv_bytes(KOREAN_ROWS + [["", "빈 설명 회사", "", "", "", "", "", "", ""]], "cp949"))
    dry = runner.invoke(args=["import-organisations", str(sheet), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 would be created, 0 updated, 0 unchanged, 1 refused. Nothing was written" in dry.output
    assert "row     4  refused    빈 설명 회사  - 설명: Describe the organisation" in dry.output
    assert organisation_count() == 0 and db.session.scalar(select(func.count(OrganisationImport.id))) == 0

    real = runner.invoke(args=["import-organisations", str(sheet), "--quiet"])
    assert real.exit_code == 0, real.output
    assert "3 rows: 2 were created, 0 updated, 0 unchanged, 1 refused." in real.output
    assert "햇살그리드" not in real.output  # --quiet lists only the refused rows
    assert organisation_count() == 2
    again = runner.invoke(args=["import-organisations", str(sheet)])
    assert "0 were created, 0 updated, 2 unchanged, 1 refused." in again.output


def test_the_command_says_what_is_wrong_with_a_file(app: Flask, runner, tmp_path) -> None:
    sheet = tmp_path / "notes.csv"
    sheet.write_text("just,some\nwords,here\n", encoding="utf-8")
    result = runner.invoke(args=["import-organisations", str(sheet)])
    assert result.exit_code != 0 and "missing" in result.output
