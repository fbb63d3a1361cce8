"""Spreadsheet imports of organisations by staff, and the audit event each import leaves."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow


class ImportStatus(enum.StrEnum):
    """previewed (read, nothing written) -> running -> done | failed."""

    PREVIEWED = "previewed"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OrganisationImport(Base):
    """One uploaded file: its rows as read, progress while it runs, and its per-row report."""

    __tablename__ = "organisation_imports"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s.value) for s in ImportStatus)})", name="status_allowed"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.PREVIEWED.value)
    # {"columns": {field: header as written}, "ignored": [headers], "rows": [{"row": n, "cells": {...}}]}
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One entry per row handled so far: {"row", "action", "organisation_id", "name", "errors"}.
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def counts(self) -> dict[str, int]:
        """Created, updated, unchanged and refused rows."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
        }
