"""Staff bring organisations in from a spreadsheet: read it, preview every row, run it, report.

Rows are matched to stored profiles by a stable key (business registration number, else website
domain, else normalised name), so importing the same file twice changes nothing. Each row is judged by
the profile form's own validation. ``run_import`` is a plain job function given an id: it records its
progress and report on the import's row and may be run again after a crash (rows already reported are
skipped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult

from matchmaker.errors import ConflictError, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.inputs import is_storable_text
from matchmaker.jobs import queue as jobs
from matchmaker.jobs.queue import JobRef
from matchmaker.labels import kind_label
from matchmaker.matching import refresh as matching
from matchmaker.models import (
    AuditEvent,
    ImportStatus,
    Organisation,
    OrganisationImport,
    OrganisationKind,
    User,
    utcnow,
)
from matchmaker.organisations import bilingual
from matchmaker.organisations import profiles as organisations
from matchmaker.organisations.import_columns import (
    BY_FIELD,
    COLUMNS,
    REQUIRED,
    cells_to_form,
    choice_tables,
    field_for_header,
    normalised_name,
    tenant_value_unknown,
    website_domain,
)
from matchmaker.organisations.registration import normalise_registration_number
from matchmaker.organisations.spreadsheets import FORMATS, ExportFile, FileRefused, read_table, table_file
from matchmaker.schemas.common import clean_line
from matchmaker.schemas.profile import VERSION_FIELDS

logger = logging.getLogger(__name__)

CHUNK = 50  # rows written per transaction; progress is recorded after each
REFRESH_ONE_BY_ONE = 20  # up to this many changed profiles are refreshed like saves; more, all at once
AUDIT_ACTION = "organisations.import"
LANGUAGES = ("ko", "en")


@dataclass
class RowPlan:
    """What one row will do: create, update, leave unchanged or be refused (with errors per field)."""

    row: int
    action: str
    kind: str
    name: str
    organisation_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def parse_file(data: bytes, filename: str) -> dict[str, Any]:
    """Read an uploaded file into {"columns", "ignored", "rows"}; FileRefused says what is wrong with it."""
    table = read_table(
        data,
        filename,
        current_app.config["MATCHMAKER_IMPORT_MAX_BYTES"],
        current_app.config["MATCHMAKER_IMPORT_MAX_ROWS"],
    )
    header = table[0][1]
    positions: dict[int, str] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for position, title in enumerate(header):
        found = field_for_header(title) if title.strip() else None
        if found is None or found in columns:
            if title.strip():
                ignored.append(title)
            continue
        positions[position] = found
        columns[found] = title
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise FileRefused(
            _(
                "The first row must name the columns; missing: %(columns)s. The template shows them.",
                columns=", ".join(BY_FIELD[f].header for f in missing),
            )
        )
    if len(table) == 1:
        raise FileRefused(_("The file has a header row but no organisations below it."))
    rows = [
        {"row": number, "cells": {f: cells[p] if p < len(cells) else "" for p, f in positions.items()}}
        for number, cells in table[1:]
    ]
    return {"columns": columns, "ignored": ignored, "rows": rows}


def create_import(actor: User | None, filename: str, data: bytes) -> OrganisationImport:
    """Read an uploaded file and keep it as an import awaiting confirmation; nothing else is written."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Imports are for the complex's staff."))
    if not is_storable_text(filename):  # a NUL in the name cannot be stored (PostgreSQL refused: 500)
        raise FileRefused(_("The file's name contains a character that cannot be stored; rename it."), 400)
    content = parse_file(data, filename)
    record = OrganisationImport(
        created_by_id=actor.id if actor else None,
        filename=clean_line(filename)[:255],
        content=content,
        total_rows=len(content["rows"]),
        report=[],
    )
    db.session.add(record)
    db.session.commit()
    return record


class OrganisationIndex:
    """Stored organisations by registration number, website domain and normalised name."""

    def __init__(self) -> None:
        self.by_number: dict[str, int] = {}
        self.by_domain: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.keys: dict[int, tuple[str, str]] = {}
        rows = db.session.execute(
            select(Organisation.id, Organisation.registration_number, Organisation.website, Organisation.name)
        )
        for organisation_id, number, website, name in rows:
            self.add(organisation_id, number or "", website, name)

    def add(self, organisation_id: int, number: str, website: str, name: str) -> None:
        """Know one more organisation (one just created by this import)."""
        domain = website_domain(website)
        if number:
            self.by_number[number] = organisation_id
        if domain:
            self.by_domain.setdefault(domain, []).append(organisation_id)
        self.by_name.setdefault(normalised_name(name), []).append(organisation_id)
        self.keys[organisation_id] = (number, domain)

    def find(self, number: str, domain: str, name: str) -> list[int]:
        """Ids of the stored organisations this key names: by number, else domain, else name.

        A stored organisation with a different registration number (or, by name, a different domain)
        is another company and never matches.
        """
        if number and number in self.by_number:
            return [self.by_number[number]]

        def agrees(organisation_id: int, by_name: bool) -> bool:
            stored_number, stored_domain = self.keys[organisation_id]
            if number and stored_number and stored_number != number:
                return False
            return not (by_name and domain and stored_domain and stored_domain != domain)

        if domain:
            found = [i for i in self.by_domain.get(domain, []) if agrees(i, False)]
            if found:
                return found
        return [i for i in self.by_name.get(name, []) if name and agrees(i, True)]


def _stored_form(organisation: Organisation) -> dict[str, Any]:
    """The stored profile as the form would send it back."""
    form: dict[str, Any] = {}
    for key, value in organisations.profile_values(organisation).items():
        if isinstance(value, bool):
            form[key] = "on" if value else ""
        elif isinstance(value, list):
            form[key] = list(value)
        else:
            form[key] = "" if value is None else str(value)
    form["registration_number"] = organisation.registration_number or ""
    return form


def _stored_value(organisation: Organisation, key: str) -> Any:
    if key in VERSION_FIELDS:
        return bilingual.version_form_values(organisation)[key]
    if key in ("tags", "investor_stages"):
        return list(getattr(organisation, key) or [])
    return getattr(organisation, key)


class Planner:
    """Plans rows one after the other, remembering which organisations earlier rows already named."""

    def __init__(self) -> None:
        self.index = OrganisationIndex()
        self.choices = choice_tables()
        self.seen_keys: dict[str, int] = {}
        self.seen_ids: dict[int, int] = {}

    def plan(self, row: int, cells: dict[str, str]) -> RowPlan:
        """What ``cells`` would do, checked by the profile form's validation; nothing is written."""
        form = cells_to_form(cells, self.choices)
        errors: dict[str, str] = {}
        kind_written = form.pop("kind", "")
        if kind_written and kind_written not in OrganisationKind.__members__.values():
            errors["kind"] = _(
                "Unknown kind %(value)r; use startup, partner or investor.", value=kind_written
            )
            kind_written = ""
        number = normalise_registration_number(form.get("registration_number", "")) or ""
        domain = website_domain(form.get("website", ""))
        name_key = normalised_name(form.get("name", ""))
        key = (
            f"n:{number}" if number else (f"d:{domain}" if domain else (f"m:{name_key}" if name_key else ""))
        )
        found = self.index.find(number, domain, name_key)
        # An organisation an earlier row of this file creates is known by minus that row's number.
        earlier_rows = [-i for i in found if i < 0 and -i != row]
        found = [i for i in found if i > 0]
        existing = db.session.get(Organisation, found[0]) if len(found) == 1 else None
        kind = existing.kind if existing else (kind_written or OrganisationKind.STARTUP.value)
        plan = RowPlan(row=row, action="refused", kind=kind, name=form.get("name", ""))
        candidates = [self.seen_keys.get(key), self.seen_ids.get(existing.id) if existing else None]
        earlier = next((r for r in [*candidates, *earlier_rows] if r and r != row), None)
        if earlier:
            errors["name"] = _("Row %(row)s already describes this organisation.", row=earlier)
        if len(found) > 1:
            errors["name"] = _(
                "Several stored organisations match this row (numbers %(ids)s); add the registration number.",
                ids=", ".join(str(i) for i in found),
            )
        if existing and kind_written and kind_written != existing.kind:
            errors["kind"] = _(
                "The stored organisation this row names is a %(stored)s, not a %(written)s.",
                stored=kind_label(existing.kind),
                written=kind_label(kind_written),
            )
        if tenant_value_unknown(form):
            errors["is_complex_tenant"] = _("Write yes or no (예 or 아니오).")
        # Empty cells keep what is stored: a sheet with a blank column never erases profiles.
        merged = (_stored_form(existing) if existing else {"registration_number": ""}) | form
        try:
            values = organisations.validate_profile(merged, kind)
        except ValidationError as error:
            errors = {**error.errors, **errors}
            values = {}
        if key:
            self.seen_keys.setdefault(key, row)
        if existing:
            self.seen_ids.setdefault(existing.id, row)
            plan.organisation_id = existing.id
        if errors:
            plan.errors = errors
            return plan
        plan.values = values
        plan.name = values["name"]
        if existing is None:
            plan.action = "create"
            self.index.add(-row, values.get("registration_number") or "", values["website"], values["name"])
        else:
            plan.changes = [k for k, v in values.items() if _stored_value(existing, k) != v]
            plan.action = "update" if plan.changes else "unchanged"
        return plan


def plan_rows(content: dict[str, Any]) -> list[RowPlan]:
    """Every row of an import as it would be saved now, with its errors; writes nothing."""
    planner = Planner()
    return [planner.plan(r["row"], r["cells"]) for r in content["rows"]]


def column_title(content: dict[str, Any], field_name: str) -> str:
    """The header a field has in the file, else the template's."""
    column = BY_FIELD.get(field_name)
    return content["columns"].get(field_name) or (column.header if column else field_name)


def _apply(plan: RowPlan) -> int | None:
    values = dict(plan.values)
    sectors = values.pop("sectors")
    versions = bilingual.version_values(values)
    if plan.action == "create":
        organisation = Organisation(kind=plan.kind, slug=organisations._unique_slug(values["name"]), **values)
        organisation.sectors = sectors
        bilingual.store_versions(organisation, versions, None)
        db.session.add(organisation)
        db.session.flush()
        return organisation.id
    if plan.action == "update" and plan.organisation_id is not None:
        stored = db.session.get(Organisation, plan.organisation_id)
        assert stored is not None
        stored.sectors = sectors
        for key, value in values.items():
            setattr(stored, key, value)
        bilingual.store_versions(stored, versions, None)
    return plan.organisation_id


def _report_entry(planner: Planner, plan: RowPlan, cells: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "row": plan.row,
        "action": plan.action,
        "organisation_id": plan.organisation_id,
        "name": plan.name,
        "changes": plan.changes,
        "errors": {},
    }
    if plan.errors:
        # Kept in both languages, so the report reads in whoever downloads it's language.
        for language in LANGUAGES:
            with force_locale(language):
                for key, message in planner.plan(plan.row, cells).errors.items():
                    entry["errors"].setdefault(key, {})[language] = message
    return entry


def run_import(import_id: int) -> OrganisationImport | None:
    """Run a confirmed import: a job given an id, safe to run again (rows already reported are skipped)."""
    record = db.session.get(OrganisationImport, import_id)
    if record is None or record.status == ImportStatus.DONE:
        return record
    record.status = ImportStatus.RUNNING.value
    db.session.commit()
    try:
        _run_rows(record)
    except Exception as error:
        db.session.rollback()
        record = db.session.get(OrganisationImport, import_id)
        assert record is not None
        record.status = ImportStatus.FAILED.value
        record.error = f"{error.__class__.__name__}: {error}"[:500]
        db.session.commit()
        logger.exception("import %s failed", import_id)
        raise
    _refresh_matches(record)
    return record


# Any fixed 64-bit number names the PostgreSQL advisory lock every import's chunks take.
IMPORT_LOCK_KEY = 0x4D4D_494D_504F_5254  # "MMIMPORT"


def _write_alone(record: OrganisationImport) -> tuple[Any, ...]:
    """Hold the imports' write lock until this transaction ends; returns the organisations' stamp.

    Two imports of one file running side by side would each plan a row as new and both insert it: one
    then failed on a unique key (or, for a row keyed by name alone, made a duplicate). Each chunk is
    planned and written under this lock, so the later import sees the rows the earlier one committed.
    PostgreSQL: a transaction-level advisory lock. SQLite: a write as the transaction's first statement
    takes the database's one write lock, and every read after it sees the latest commit.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK_KEY)))
    else:
        db.session.execute(
            update(OrganisationImport)
            .where(OrganisationImport.id == record.id)
            .values(processed_rows=OrganisationImport.processed_rows)
        )
    return _stamp()


def _stamp() -> tuple[Any, ...]:
    """What changes when any organisation is added, edited or deleted (counted, newest id and edit)."""
    row = db.session.execute(
        select(func.count(), func.max(Organisation.id), func.max(Organisation.updated_at))
    ).one()
    return tuple(row)


def _run_rows(record: OrganisationImport) -> None:
    done = {entry["row"] for entry in record.report}
    pending = [r for r in record.content["rows"] if r["row"] not in done]
    planner: Planner | None = None
    seen: tuple[Any, ...] | None = None
    for start in range(0, len(pending), CHUNK):
        stamp = _write_alone(record)
        if planner is None:
            planner = Planner()  # under the lock: what earlier imports committed is known
        elif stamp != seen:
            # Someone else (another import, a save) changed organisations since our last chunk.
            planner.index = OrganisationIndex()
        entries = []
        for row in pending[start : start + CHUNK]:
            plan = planner.plan(row["row"], row["cells"])
            if plan.action in ("create", "update"):
                plan.organisation_id = _apply(plan)
                if plan.action == "create" and plan.organisation_id is not None:
                    # Known by its id once the index is read again: a later row naming it is refused
                    # as a repeat of this one, as while the index knows it by this row's number.
                    planner.seen_ids.setdefault(plan.organisation_id, plan.row)
            entries.append(_report_entry(planner, plan, row["cells"]))
        record.report = [*record.report, *entries]
        _count(record)
        db.session.flush()
        seen = _stamp()  # our own writes, which the next chunk need not read again
        db.session.commit()  # these rows, their report and the progress, together
    _count(record)
    record.status = ImportStatus.DONE.value
    record.finished_at = utcnow()
    details = {"filename": record.filename, "rows": record.total_rows, **record.counts}
    db.session.add(
        AuditEvent(actor_id=record.created_by_id, action=AUDIT_ACTION, subject_id=record.id, details=details)
    )
    db.session.commit()


def _count(record: OrganisationImport) -> None:
    actions = [entry["action"] for entry in record.report]
    record.processed_rows = len(actions)
    record.created = actions.count("create")
    record.updated = actions.count("update")
    record.unchanged = actions.count("unchanged")
    record.refused = actions.count("refused")


def _refresh_matches(record: OrganisationImport) -> None:
    """After an import, refresh the matches of the profiles it changed: one by one like a save when they
    are few, else every match once (not once per row)."""
    changed = [e["organisation_id"] for e in record.report if e["action"] in ("create", "update")]
    if not changed or not current_app.config["MATCHMAKER_MATCH_ON_SAVE"]:
        return
    if len(changed) <= REFRESH_ONE_BY_ONE:
        for organisation_id in changed:
            organisation = db.session.get(Organisation, organisation_id)
            if organisation is not None:
                matching.refresh_after_save(organisation)
        return
    try:
        matching.rematch_all()
    except Exception:  # the import is saved; `flask rematch` repairs the matches later
        db.session.rollback()
        logger.exception("refreshing matches after import %s failed", record.id)


def start_import(import_id: int) -> JobRef:
    """The one place an import is started: a job on the queue (retried, listed for staff when it
    fails), or run at once without Redis. The import's row records its progress and report."""

    return jobs.enqueue(
        "import-organisations",
        import_id,
        description=f"import organisations (import {import_id})",
        meta={"kind": "import", "import_id": import_id},
        timeout=3 * 3600,
    )


def import_progress(record: OrganisationImport) -> dict[str, object]:
    """For the import page's poll: still running, how far (rows written of all rows), any error."""
    total = record.total_rows or 0
    return {
        "pending": record.status == ImportStatus.RUNNING,
        "state": record.status,
        "progress": round(record.processed_rows / total, 3) if total else 0.0,
        "error": record.error or None,
    }


def confirm_import(actor: User, record: OrganisationImport) -> JobRef:
    """Staff confirm a previewed (or stopped) import, which then runs; a second click does nothing."""
    if not actor.is_staff:
        raise PermissionDenied(_("Imports are for the complex's staff."))
    # Claimed in one statement, so two staff confirming at once cannot run it twice side by side.
    # An UPDATE answers with a CursorResult (its rowcount); SQLAlchemy types execute() more loosely.
    claimed = cast(
        CursorResult[Any],
        db.session.execute(
            update(OrganisationImport)
            .where(
                OrganisationImport.id == record.id,
                OrganisationImport.status.in_([ImportStatus.PREVIEWED.value, ImportStatus.FAILED.value]),
            )
            .values(status=ImportStatus.RUNNING.value)
        ),
    )
    db.session.commit()
    if claimed.rowcount != 1:
        raise ConflictError(_("This import is already running or done."))
    return start_import(record.id)


def reasons(content: dict[str, Any], errors: dict[str, Any], language: str) -> list[str]:
    """A row's problems as "header: message", from a stored report (both languages) or a preview."""
    lines = []
    for key, message in errors.items():
        if isinstance(message, dict):
            message = message.get(language) or next(iter(message.values()), "")
        lines.append(f"{column_title(content, key)}: {message}")
    return lines


def reason_text(content: dict[str, Any], errors: dict[str, Any], language: str) -> str:
    """A row's problems in one line (the CSV report and the command's output)."""
    return "; ".join(reasons(content, errors, language))


def find_import(import_id: int) -> OrganisationImport | None:
    """One import by its id, or None."""
    return db.session.get(OrganisationImport, import_id)


def recent_imports(limit: int = 20) -> list[OrganisationImport]:
    """The latest imports, newest first."""
    statement = select(OrganisationImport).order_by(OrganisationImport.id.desc()).limit(limit)
    return list(db.session.scalars(statement))


ACTION_LABELS = {
    "create": _l("New profile"),
    "update": _l("Profile updated"),
    "unchanged": _l("No change"),
    "refused": _l("Refused"),
}
STATUS_LABELS = {
    ImportStatus.PREVIEWED.value: _l("Awaiting confirmation"),
    ImportStatus.RUNNING.value: _l("Running"),
    ImportStatus.DONE.value: _l("Done"),
    ImportStatus.FAILED.value: _l("Stopped with an error"),
}
REPORT_HEADERS = (
    "행 / row",
    "결과 / result",
    "기관 번호 / organisation id",
    "회사명 / name",
    "바뀐 항목 / changed",
    "사유 / reasons",
)


def report_file(record: OrganisationImport, language: str) -> ExportFile:
    """The import's per-row report as CSV, results and reasons in ``language``."""
    content = record.content
    with force_locale(language):
        rows = [
            [
                entry["row"],
                str(ACTION_LABELS[entry["action"]]),
                entry["organisation_id"] or "",
                entry["name"],
                ", ".join(column_title(content, key) for key in entry["changes"]),
                reason_text(content, entry["errors"], language),
            ]
            for entry in record.report
        ]
    return table_file("csv", f"import-{record.id}-report", REPORT_HEADERS, rows)


def template_file(fmt: str) -> ExportFile:
    """An empty import file with every column and one example row, as CSV or XLSX."""
    if fmt not in FORMATS:
        fmt = "csv"
    headers, rows = template_rows()
    return table_file(fmt, "matchmaker-import-template", headers, rows)


def template_rows() -> tuple[list[str], list[list[str]]]:
    """The template: every column's header and one example row."""
    example = {
        "kind": "startup",
        "name": "햇살그리드",
        "registration_number": "123-45-67891",
        "description": "태양광 발전량 예측과 가상발전소(VPP) 플랫폼을 만드는 에너지 AI 스타트업입니다.",
        "sectors": "에너지",
        "stage": "시드",
        "raising_amount": "20억",
        "website": "https://example.kr",
        "is_complex_tenant": "예",
    }
    return [c.header for c in COLUMNS], [[example.get(c.field, "") for c in COLUMNS]]
