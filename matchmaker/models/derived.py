"""Results the job worker computes with the model and the web pages read: sector suggestions for a
profile, and "what would raise this match" advice for a pair. Each row says which version of its inputs
it was computed from, so a page never shows a result for a profile that has changed since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow


class SectorSuggestion(Base):
    """The sectors an organisation's own words point to, as the worker's sector suggester found them."""

    __tablename__ = "sector_suggestions"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    # SHA-256 of the profile text the suggestions were computed from (an edit makes the row stale).
    text_hash: Mapped[str] = mapped_column(String(64))
    suggestions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[sector, score], ...] best first
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MatchAdvice(Base):
    """A founder's startup and one partner or investor: the pair's score and the changes that would
    raise it, exactly as the engine's ``suggest_changes`` returned them."""

    __tablename__ = "match_advice"

    startup_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    counterpart_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    # Both profiles' versions and the model (matching/advice.py: advice_version).
    version: Mapped[str] = mapped_column(String(64))
    percent: Mapped[float] = mapped_column(Float)
    suggestions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
