"""Issue 20, finding 7: odd requests and hostile files answer 4xx, in bounded time and memory, never 500.

JSON bodies are read only when they say they are JSON (else 415), within the JSON size limit (413);
an uploaded XLSX with a DTD, an entity bomb, broken XML, sizes that lie, or a million empty rows is
refused before it costs much; a file name with NUL is refused with 400."""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import OrganisationImport
from matchmaker.organisations.spreadsheets import FileRefused, read_table, write_xlsx

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'


def _xlsx_with_sheet(sheet: bytes) -> bytes:
    """A real workbook (from our own writer) whose first sheet's XML is replaced by ``sheet``."""
    original = zipfile.ZipFile(io.BytesIO(write_xlsx(["name"], [["VoltCell"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in original.infolist():
            archive.writestr(item.filename, sheet if item.filename == SHEET else original.read(item))
    return buffer.getvalue()


ENTITY = _xlsx_with_sheet(
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    + SHEET_HEAD.split(b"\n", 1)[1]
    + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
    + SHEET_TAIL
)
LAUGHS = _xlsx_with_sheet(
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b"]>"
    + SHEET_HEAD.split(b"\n", 1)[1]
    + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    + SHEET_TAIL
)
BROKEN = _xlsx_with_sheet(SHEET_HEAD + HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>Volt')
EMPTY_ROWS = _xlsx_with_sheet(
    SHEET_HEAD + HEADER_ROW + b"".join(b'<row r="%d"/>' % n for n in range(2, 400_000)) + SHEET_TAIL
)


def _lying_zip() -> bytes:
    """A sheet of 60 MB of blanks whose zip says it holds 30 MB (under the 40 MB limit)."""
    data = bytearray(_xlsx_with_sheet(SHEET_HEAD + b" " * (60 * 2**20) + SHEET_TAIL))
    position, patched = 0, 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:  # each central directory entry
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == SHEET.encode():
            struct.pack_into("<I", data, position + 24, 30 * 2**20)  # its uncompressed size
            patched += 1
        position += 4
    assert patched == 1
    return bytes(data)


HOSTILE = {
    "entity": ENTITY,
    "billion-laughs": LAUGHS,
    "broken-xml": BROKEN,
    "lying-zip": _lying_zip(),
    "empty-rows": EMPTY_ROWS,
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_xlsx_files_are_refused_quickly_and_cheaply(app, kind):
    data = HOSTILE[kind]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileRefused) as refused:
            read_table(data, "회사.xlsx", max_bytes=2 * 2**20, max_rows=2000)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 400 <= refused.value.status_code < 500
    assert elapsed < 15, elapsed  # generous for a loaded machine; each took 7-11 s before, then a 500
    assert peak < 120 * 2**20, peak


def _upload(client, data: bytes, filename: str):
    return client.post(
        "/staff/imports", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("kind", ["entity", "broken-xml", "lying-zip"])
def test_hostile_uploads_answer_4xx_on_the_page(client, make_user, login, kind):
    login(make_user("staff"))
    response = _upload(client, HOSTILE[kind], "회사.xlsx")
    assert 400 <= response.status_code < 500, response.status_code
    assert db.session.scalar(select(func.count()).select_from(OrganisationImport)) == 0


@pytest.mark.both_databases
def test_a_file_name_with_nul_is_refused_with_400(client, make_user, login):
    login(make_user("staff"))
    csv = "회사명,설명\nVoltCell,Battery storage for solar farms\n".encode()
    response = _upload(client, csv, "회사\x00.csv")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(OrganisationImport)) == 0


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded"])
def test_a_patch_that_is_not_json_is_refused_with_415(
    client, make_user, make_organisation, auth, content_type
):
    startup = make_organisation("startup", sectors=["energy"])
    headers = auth(make_user("founder", organisation=startup))
    body = json.dumps({"description": "Battery\u0000 storage"}, ensure_ascii=False)
    response = client.patch(
        f"/api/v1/organisations/{startup.id}", data=body, headers=headers, content_type=content_type
    )
    assert response.status_code == 415, response.get_data(as_text=True)
    assert "application/json" in response.get_json()["error"]["message"]


def test_the_json_size_limit_holds_on_every_json_route(client, make_user, make_organisation, auth):
    startup = make_organisation("startup", sectors=["energy"])
    staff = auth(make_user("staff"))
    founder = auth(make_user("founder", organisation=startup))
    big = json.dumps({"description": "x" * 300_000})
    for method, path, headers in (
        ("PATCH", f"/api/v1/organisations/{startup.id}", founder),
        ("POST", "/api/v1/organisations", staff),
        ("POST", "/api/v1/introductions", founder),
        ("POST", "/api/v1/introductions/decisions", staff),
    ):
        response = client.open(
            path, method=method, data=big, headers=headers, content_type="application/json"
        )
        assert response.status_code == 413, (path, response.status_code)
