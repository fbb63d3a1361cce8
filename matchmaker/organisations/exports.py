"""Staff export organisations, matches and introductions to CSV or XLSX, for people or for re-import.

- **For people** (the default): headers and values in the reader's language (Korean or English labels,
  not the stored codes) and times in the complex's time zone (Asia/Seoul) to the minute.
- **For import** (codes): the stored values and UTC ISO times, with headers in both languages. The
  organisations export has the import's columns, so exporting and importing the file again changes
  nothing.

Every cell is written formula-safe (see spreadsheets.write_csv and write_xlsx).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from matchmaker.errors import NotFound, PermissionDenied
from matchmaker.extensions import db
from matchmaker.i18n import current_language
from matchmaker.labels import (
    kind_label,
    outcome_label,
    sector_label,
    stage_label,
    state_label,
    visibility_label,
)
from matchmaker.models import Introduction, Match, Organisation, User
from matchmaker.models.introductions import Side
from matchmaker.organisations.import_columns import COLUMNS, organisation_cells
from matchmaker.organisations.spreadsheets import FORMATS, ExportFile, table_file

DATASETS = ("organisations", "matches", "introductions")
PEOPLE, IMPORT = "people", "import"
AUDIENCES = (PEOPLE, IMPORT)

Table = tuple[list[str], Iterator[list[Any]]]


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def local_time(value: datetime | None) -> datetime | None:
    """A stored (UTC) time in the complex's time zone, to the minute, as a naive time for a sheet."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _joined(values: list[str] | None, name: Callable[[str], str]) -> str:
    return ", ".join(name(v) for v in values or [])


# --- organisations ----------------------------------------------------------------------------------


def _organisation_header(field: str) -> str:
    column = next(c for c in COLUMNS if c.field == field)
    return column.korean if current_language() == "ko" else column.english[:1].upper() + column.english[1:]


def _organisation_for_people(organisation: Organisation) -> list[Any]:
    """One organisation as a person reads it: the import's columns with labels, then when it changed."""
    values = dict(zip([c.field for c in COLUMNS], organisation_cells(organisation), strict=True))
    values |= {
        "kind": kind_label(organisation.kind),
        "sectors": _joined(organisation.sectors, sector_label),
        "stage": stage_label(organisation.stage),
        "investor_stages": _joined(organisation.investor_stages, stage_label),
        "is_complex_tenant": _yes_no(organisation.is_complex_tenant),
        "visibility": visibility_label(organisation.visibility),
    }
    return [values[c.field] for c in COLUMNS] + [local_time(organisation.updated_at)]


def _organisations(audience: str) -> Table:
    statement = select(Organisation).order_by(Organisation.kind, Organisation.name, Organisation.id)
    organisations = db.session.scalars(statement)
    if audience == IMPORT:
        return [c.header for c in COLUMNS], (organisation_cells(o) for o in organisations)
    headers = [_organisation_header(c.field) for c in COLUMNS] + [_("Last changed")]
    return headers, (_organisation_for_people(o) for o in organisations)


# --- matches ----------------------------------------------------------------------------------------


def _matches(audience: str) -> Table:
    startup, counterpart = aliased(Organisation), aliased(Organisation)
    statement = (
        select(Match, startup.name, counterpart.name, counterpart.kind)
        .join(startup, Match.startup_id == startup.id)
        .join(counterpart, Match.counterpart_id == counterpart.id)
        .order_by(startup.name, Match.score.desc(), Match.id)
    )
    if audience == PEOPLE:
        headers = [
            _("Startup"),
            _("Partner or investor"),
            _("Kind"),
            _("Score (0–100)"),
            _("Computed at (Korea time)"),
        ]
        return headers, (
            [s, c, kind_label(kind), m.percent, local_time(m.computed_at)]
            for m, s, c, kind in db.session.execute(statement)
        )
    headers = [
        "스타트업 번호 / startup id",
        "스타트업 / startup",
        "상대 번호 / counterpart id",
        "상대 / counterpart",
        "상대 종류 / counterpart kind",
        "점수 / score",
        "계산 시각 / computed at",
        "모델 / model",
    ]
    rows = (
        [m.startup_id, s, m.counterpart_id, c, kind, m.percent, _iso(m.computed_at), m.model_version]
        for m, s, c, kind in db.session.execute(statement)
    )
    return headers, rows


# --- introductions ----------------------------------------------------------------------------------


def _introductions(audience: str) -> Table:
    startup, counterpart = aliased(Organisation), aliased(Organisation)
    statement = (
        select(Introduction, startup.name, counterpart.name, counterpart.kind)
        .join(startup, Introduction.startup_id == startup.id)
        .join(counterpart, Introduction.counterpart_id == counterpart.id)
        .order_by(Introduction.id)
    )
    if audience == PEOPLE:
        headers = [
            _("No."),
            _("Startup"),
            _("Partner or investor"),
            _("Requested by"),
            _("State"),
            _("Outcome"),
            _("Requested at (Korea time)"),
            _("Approved at (Korea time)"),
            _("Introduced at (Korea time)"),
            _("Met at (Korea time)"),
        ]
        return headers, (
            [
                i.id,
                s,
                c,
                kind_label("startup" if i.requested_by_side == Side.STARTUP.value else kind),
                state_label(i.state),
                outcome_label(i.outcome),
                local_time(i.created_at),
                local_time(i.approved_at),
                local_time(i.introduced_at),
                local_time(i.met_at),
            ]
            for i, s, c, kind in db.session.execute(statement)
        )
    headers = [
        "번호 / id",
        "스타트업 / startup",
        "상대 / counterpart",
        "요청한 쪽 / requested by",
        "상태 / state",
        "결과 / outcome",
        "요청 시각 / requested at",
        "승인 시각 / approved at",
        "소개 시각 / introduced at",
        "만남 시각 / met at",
    ]
    rows = (
        [
            i.id,
            s,
            c,
            i.requested_by_side,
            i.state,
            i.outcome or "",
            _iso(i.created_at),
            _iso(i.approved_at),
            _iso(i.introduced_at),
            _iso(i.met_at),
        ]
        for i, s, c, _kind in db.session.execute(statement)
    )
    return headers, rows


_BUILDERS: dict[str, Callable[[str], Table]] = {
    "organisations": _organisations,
    "matches": _matches,
    "introductions": _introductions,
}


def export(actor: User, dataset: str, fmt: str, audience: str = PEOPLE) -> ExportFile:
    """One dataset as CSV (UTF-8 with BOM) or XLSX; staff only.

    ``audience`` "people": labels in the reader's language and Korea time; "import": stored codes and
    UTC, the organisations file ready to import again.
    """
    if not actor.is_staff:
        raise PermissionDenied(_("Exports are for the complex's staff."))
    if dataset not in _BUILDERS or fmt not in FORMATS or audience not in AUDIENCES:
        raise NotFound(_("There is no such export."))
    headers, rows = _BUILDERS[dataset](audience)
    suffix = "" if audience == PEOPLE else "-codes"
    return table_file(fmt, f"matchmaker-{dataset}{suffix}", headers, rows)
