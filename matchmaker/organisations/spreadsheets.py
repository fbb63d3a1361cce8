"""Reading and writing CSV and XLSX tables: the encodings Korean Excel writes, and safe cells for Excel."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

from flask_babel import gettext as _

from matchmaker.errors import ServiceError

# A cell Excel would run as a formula (=, +, -, @, and tab or carriage return before them). In CSV, which
# has no cell types, it is written with a leading apostrophe (reading strips it again); in XLSX the cell
# is typed as text instead, so Excel shows it as written and never runs it, with no apostrophe to see.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters (C0) other than tab and line breaks: nothing a person types, and XLSX cannot hold
# them (openpyxl refuses the cell). A stored one is dropped when a cell is written.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_TEXT_FORMAT = "@"
MAX_COLUMNS = 60
# An XLSX is a zip: a small upload may unpack to far more XML than any real sheet of companies holds.
MAX_XLSX_UNPACKED = 40 * 1024 * 1024
MAX_XLSX_MEMBERS = 500  # Excel writes a dozen files; thousands only make the zip slow to list
XLSX_CHUNK = 1024 * 1024
EMPTY_ROWS_ALLOWED = 1000  # blank rows read beyond twice the row limit before a sheet is refused
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")  # a sheet's <row ...>, with any prefix
# What openpyxl raises on a damaged or hostile sheet: each becomes a 4xx, never a 500.
XLSX_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
    ParseError,
)
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

# Rows as (row number in the file, cells); the header is row 1 and empty rows are left out.
Table = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class ExportFile:
    """A file ready to download."""

    filename: str
    media_type: str
    content: bytes


class FileRefused(ServiceError):
    """An uploaded file that cannot be read as a table; ``status_code`` says why (413, 415 or 422)."""

    def __init__(self, message: str, status_code: int = 422) -> None:
        super().__init__(message)
        self.status_code = status_code


def cell_text(value: Any) -> str:
    """A value as the text of a cell, without control characters a sheet cannot hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return _CONTROL.sub("", str(value))


def safe_cell(value: Any) -> str:
    """A value as CSV text that Excel shows as written, never runs as a formula."""
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_cell(text: str) -> str:
    """Undo safe_cell: an apostrophe that only protected a formula-like start is dropped."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens Korean text right; every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    """One sheet with a header row; numbers as numbers, times as times, everything else typed as text.

    A text cell is never a formula, whatever it starts with, and shows no guard apostrophe; one that
    looks like a formula is also formatted as text (@), so editing it in Excel keeps it text.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def cell(value: Any) -> Any:
        if _is_number(value):
            return value
        if isinstance(value, datetime) and value.tzinfo is None:
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = XLSX_TIME_FORMAT
            return written
        text = cell_text(value)
        written = WriteOnlyCell(sheet, value=text)
        written.data_type = "s"  # openpyxl would take "=..." for a formula
        if text.startswith(FORMULA_STARTS):
            written.number_format = XLSX_TEXT_FORMAT
        return written

    sheet.append([cell(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def write_table(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """CSV or XLSX bytes of a table."""
    return write_xlsx(headers, rows, title) if fmt == "xlsx" else write_csv(headers, rows)


def table_file(fmt: str, stem: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> ExportFile:
    """A table as a downloadable CSV or XLSX file named ``stem``.``fmt``."""
    media_type = XLSX_MEDIA_TYPE if fmt == "xlsx" else CSV_MEDIA_TYPE
    return ExportFile(f"{stem}.{fmt}", media_type, write_table(fmt, headers, rows, stem))


def read_table(data: bytes, filename: str, max_bytes: int, max_rows: int) -> Table:
    """The rows of an uploaded CSV or XLSX (first sheet) as text, header first, empty rows dropped.

    Raises FileRefused: 413 beyond ``max_bytes`` or ``max_rows``, 415 for a file that is neither CSV
    nor XLSX, 422 for an empty file or text in an encoding other than UTF-8, UTF-16 or CP949/EUC-KR.
    """
    if len(data) > max_bytes:
        raise FileRefused(
            _(
                "The file is larger than %(num)s MB; split it into smaller files.",
                num=max_bytes // 2**20 or 1,
            ),
            413,
        )
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        cells = _read_xlsx(data, max_rows)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or suffix in {"xls", "xlsx", "xlsm"}:
        raise FileRefused(_("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV."), 415)
    elif suffix not in {"", "csv", "txt", "tsv"} or (b"\x00" in data[:4096] and not _utf16_bom(data)):
        raise FileRefused(_("Upload a CSV or XLSX file."), 415)
    else:
        cells = _read_csv(_decode(data))
    rows: Table = []
    for number, row in enumerate(cells, start=1):
        if any(c.strip() for c in row):
            rows.append((number, row))
            if len(rows) - 1 > max_rows:
                raise FileRefused(
                    _("The file has more than %(num)s rows; split it into smaller files.", num=max_rows), 413
                )
    if not rows:
        raise FileRefused(_("The file is empty."))
    return rows


def _utf16_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else CP949 (Korean Excel)."""
    if _utf16_bom(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The file's text encoding is not UTF-8 or CP949 (EUC-KR); save it as CSV UTF-8."))


def _read_csv(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [unguard_cell(cell.replace("\x00", "").strip()) for cell in row[:MAX_COLUMNS]]
    except csv.Error as error:
        raise FileRefused(_("The CSV file cannot be read: %(reason)s", reason=str(error))) from error


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unguard_cell(str(value).strip())


def _check_archive(data: bytes, max_rows: int) -> None:
    """Refuse an XLSX whose zip could cost more than reading a real sheet does, before openpyxl opens it.

    The sizes the zip declares are checked first; then every member is unpacked in chunks, counting
    what it really yields (a zip may lie about its sizes), looking for a DTD (no sheet Excel writes
    has one, and entities are how XML bombs and external references start) and counting the sheets'
    rows, empty ones too: openpyxl reads a whole sheet once when it opens it.
    """
    unreadable = _("The XLSX file cannot be read; save it again from Excel, or as CSV.")
    row_limit = 2 * max_rows + EMPTY_ROWS_ALLOWED
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise FileRefused(unreadable)
            if sum(item.file_size for item in members) > MAX_XLSX_UNPACKED:
                raise _too_large_unpacked()
            unpacked = 0
            for item in members:
                is_sheet = item.filename.startswith("xl/worksheets/")
                rows = 0
                with archive.open(item) as member:
                    tail = b""
                    while chunk := member.read(XLSX_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > MAX_XLSX_UNPACKED:
                            raise _too_large_unpacked()
                        window = tail + chunk
                        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                            raise FileRefused(unreadable)
                        if is_sheet:
                            rows += sum(1 for m in ROW_TAG.finditer(window) if m.end() > len(tail))
                            if rows > row_limit:
                                raise _too_many_rows(max_rows)
                        tail = window[-32:]
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        zlib.error,
    ) as error:
        raise FileRefused(_("Upload a CSV or XLSX file."), 415) from error


def _too_large_unpacked() -> FileRefused:
    return FileRefused(
        _(
            "The file unpacks to more than %(num)s MB; split it into smaller files.",
            num=MAX_XLSX_UNPACKED // 2**20,
        ),
        413,
    )


def _read_xlsx(data: bytes, max_rows: int) -> Iterator[list[str]]:
    """The first sheet's rows as text. At most ``max_rows`` rows plus a margin of empty ones are read,
    and at most MAX_COLUMNS cells of each: a sheet of a million empty rows stops early."""
    from openpyxl import load_workbook

    _check_archive(data, max_rows)
    unreadable = _("The XLSX file cannot be read; save it again from Excel, or as CSV.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        raise FileRefused(unreadable, 415) from error
    limit = 2 * max_rows + EMPTY_ROWS_ALLOWED
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(max_row=limit + 1, max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=1):
            if number > limit:
                raise _too_many_rows(max_rows)
            yield [_xlsx_text(v) for v in values[:MAX_COLUMNS]]
    except XLSX_ERRORS as error:
        raise FileRefused(unreadable) from error
    finally:
        workbook.close()


def _too_many_rows(max_rows: int) -> FileRefused:
    return FileRefused(
        _("The file has more than %(num)s rows; split it into smaller files.", num=max_rows), 413
    )
