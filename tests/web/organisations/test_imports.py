"""The staff import and export pages: preview before writing, confirm, report, refusals, who may use them."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, OrganisationImport

KOREAN_CSV = (
    "회사명,설명,분야,단계,투자 유치 금액,사업자등록번호\n"
    "햇살그리드,태양광 발전량을 예측합니다.,에너지,시드,20억,220-81-62517\n"
    "우주항공,,우주,,,\n"
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, data: bytes, filename: str = "회사.csv", **headers):
    return client.post(
        "/staff/imports",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


@pytest.mark.both_databases
def test_staff_preview_then_confirm_and_download_the_report_in_korean(client, make_user, login):
    login(make_user("staff", language="ko"))
    response = _upload(client, KOREAN_CSV.encode("cp949"))
    assert response.status_code == 303
    assert _count(Organisation) == 0  # the preview comes first; nothing is saved yet
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "미리보기: 아직 아무것도 저장되지 않았습니다" in preview
    assert "햇살그리드" in preview and "20억" in preview, preview
    assert "설명: 기관 소개를 몇 문장으로 적어 주십시오." in preview  # row error, column as written, Korean
    assert "분야: 알 수 없는 분야(&#39;우주&#39;)" in preview

    record = db.session.scalar(select(OrganisationImport))
    done = client.post(f"/staff/imports/{record.id}/run")
    assert done.status_code == 303
    assert _count(Organisation) == 1
    report_page = client.get(f"/staff/imports/{record.id}").get_data(as_text=True)
    assert "새로 만듦 1, 고침 0, 바뀌지 않음 0, 거절 1." in report_page

    report = client.get(f"/staff/imports/{record.id}/report.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert report.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert rows[0][0] == "행 / row"
    assert rows[1][:2] == ["2", "새로 만듦"]
    refused = rows[2]
    assert refused[0] == "3" and refused[1] == "거절" and "설명:" in refused[5] and "분야:" in refused[5]

    assert client.post(f"/staff/imports/{record.id}/run").status_code == 303  # already run: nothing twice
    assert _count(Organisation) == 1


def test_the_report_reads_in_english_for_an_english_reader(client, make_user, login):
    login(make_user("admin"))
    _upload(client, KOREAN_CSV.encode())
    record = db.session.scalar(select(OrganisationImport))
    client.post(f"/staff/imports/{record.id}/run")
    text = client.get(f"/staff/imports/{record.id}/report.csv").data.decode("utf-8-sig")
    assert "Refused" in text and "설명: Describe the organisation" in text


@pytest.mark.parametrize(
    ("data", "filename", "status", "words"),
    [
        (b"", "empty.csv", 422, "The file is empty."),
        (b"%PDF-1.7\n", "report.pdf", 415, "Upload a CSV or XLSX file."),
        (b"firm,text\nA,B\n", "wrong.csv", 422, "missing"),
        (b"name,description\n\xff\xfe\xfa,\x80\x80\n", "latin.csv", 422, "encoding"),
    ],
)
def test_unreadable_files_get_a_clear_4xx(client, make_user, login, data, filename, status, words):
    login(make_user("staff"))
    response = _upload(client, data, filename)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert _count(OrganisationImport) == 0


def test_no_file_and_a_file_too_large(app, client, make_user, login):
    login(make_user("staff"))
    assert client.post("/staff/imports", data={}).status_code == 400
    app.config["MATCHMAKER_IMPORT_MAX_ROWS"] = 1
    response = _upload(client, b"name,description\nA,one\nB,two\n", "two.csv")
    assert response.status_code == 413 and "more than 1 rows" in response.get_data(as_text=True)
    # Past the request limit the upload is refused before it is read (a raw body: the test client would
    # otherwise spool it to a temporary file that the refused request never closes).
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    huge = client.post("/staff/imports", data=body, content_type="multipart/form-data; boundary=b")
    assert huge.status_code == 413
    assert _count(OrganisationImport) == 0


@pytest.mark.parametrize("role", ["founder", "partner", "investor"])
def test_members_cannot_import_or_export(client, make_user, make_organisation, login, role):
    kind = "startup" if role == "founder" else role
    login(make_user(role, organisation=make_organisation(kind)))
    assert _upload(client, KOREAN_CSV.encode()).status_code == 403
    for url in ("/staff/imports", "/staff/imports/template.xlsx", "/staff/exports/organisations.csv"):
        assert client.get(url).status_code == 403, url
    assert _count(OrganisationImport) == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/exports/organisations.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_exports_and_template_download(client, make_user, make_organisation, login):
    make_organisation(name="=cmd|' /C calc'!A0", sectors=["energy"])
    login(make_user("staff"))
    for dataset in ("organisations", "matches", "introductions"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/staff/exports/{dataset}.{fmt}")
            assert response.status_code == 200, (dataset, fmt)
            assert "attachment" in response.headers["Content-Disposition"]
    text = client.get("/staff/exports/organisations.csv").data.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text
    assert client.get("/staff/exports/passwords.csv").status_code == 404
    assert client.get("/staff/exports/organisations.pdf").status_code == 404
    template = client.get("/staff/imports/template.csv").data.decode("utf-8-sig")
    assert template.startswith("종류 / kind,회사명 / name,사업자등록번호 / registration number")
    assert client.get("/staff/imports/template.xlsx").data.startswith(b"PK")


@pytest.mark.both_databases
def test_the_profile_form_takes_a_registration_number(client, make_user, make_organisation, login):
    taken = make_organisation(name="Taken", registration_number="124-81-00998")
    startup = make_organisation(name="VoltCell")
    login(make_user("founder", organisation=startup))
    form = {"name": "VoltCell", "description": "Batteries.", "visibility": "listed"}
    edit = f"/organisations/{startup.id}/edit"
    wrong = client.post(edit, data=form | {"registration_number": "220-81-62518"})
    assert wrong.status_code == 422 and "check digit" in wrong.get_data(as_text=True)
    twice = client.post(edit, data=form | {"registration_number": "1248100998"})
    assert twice.status_code == 422 and "already has this registration number" in twice.get_data(as_text=True)
    saved = client.post(edit, data=form | {"registration_number": "2208162517"})
    assert saved.status_code == 302
    db.session.refresh(startup)
    assert startup.registration_number == "220-81-62517"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="220-81-62517"' in page  # shown again, so the next save keeps it
    assert taken.registration_number == "124-81-00998"
