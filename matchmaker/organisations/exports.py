"""Staff export organisations, matches and introductions to CSV or XLSX.

The organisations export has the import's columns, so exporting and importing the file again changes
nothing. Every cell is written formula-safe (see spreadsheets.safe_cell).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from matchmaker.errors import NotFound, PermissionDenied
from matchmaker.extensions import db
from matchmaker.models import Introduction, Match, Organisation, User
from matchmaker.organisations.import_columns import COLUMNS, organisation_cells
from matchmaker.organisations.spreadsheets import FORMATS, ExportFile, table_file

DATASETS = ("organisations", "matches", "introductions")


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _organisations() -> tuple[list[str], Iterator[list[Any]]]:
    statement = select(Organisation).order_by(Organisation.kind, Organisation.name, Organisation.id)
    rows = (organisation_cells(o) for o in db.session.scalars(statement))
    return [c.header for c in COLUMNS], rows


def _matches() -> tuple[list[str], Iterator[list[Any]]]:
    startup, counterpart = aliased(Organisation), aliased(Organisation)
    statement = (
        select(Match, startup.name, counterpart.name, counterpart.kind)
        .join(startup, Match.startup_id == startup.id)
        .join(counterpart, Match.counterpart_id == counterpart.id)
        .order_by(startup.name, Match.score.desc(), Match.id)
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


def _introductions() -> tuple[list[str], Iterator[list[Any]]]:
    startup, counterpart = aliased(Organisation), aliased(Organisation)
    statement = (
        select(Introduction, startup.name, counterpart.name)
        .join(startup, Introduction.startup_id == startup.id)
        .join(counterpart, Introduction.counterpart_id == counterpart.id)
        .order_by(Introduction.id)
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
        for i, s, c in db.session.execute(statement)
    )
    return headers, rows


_BUILDERS = {"organisations": _organisations, "matches": _matches, "introductions": _introductions}


def export(actor: User, dataset: str, fmt: str) -> ExportFile:
    """One dataset as CSV (UTF-8 with BOM) or XLSX; staff only."""
    if not actor.is_staff:
        raise PermissionDenied(_("Exports are for the complex's staff."))
    if dataset not in _BUILDERS or fmt not in FORMATS:
        raise NotFound(_("There is no such export."))
    headers, rows = _BUILDERS[dataset]()
    return table_file(fmt, f"matchmaker-{dataset}", headers, rows)
