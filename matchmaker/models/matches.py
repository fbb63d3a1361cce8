"""Stored embeddings and computed matches between a startup and a partner or investor."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.organisations import Organisation


class Embedding(Base):
    """One embedded text, stored once per (model, hash of the normalised text) as float32 bytes."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("model_id", "text_hash", name="model_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dimension: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Match(Base):
    """A scored, explained pairing of a startup with a partner or investor.

    A match is computed, not entered: an organisation's matches are replaced together whenever its
    profile (or the model) changes. ``explanation`` holds the engine's components, phrases and hints.
    """

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("startup_id", "counterpart_id", name="pair"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint("startup_id <> counterpart_id", name="distinct_sides"),
        Index("ix_matches_counterpart_score", "counterpart_id", "score"),
        Index("ix_matches_startup_score", "startup_id", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(200))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    startup: Mapped[Organisation] = relationship(foreign_keys=[startup_id])
    counterpart: Mapped[Organisation] = relationship(foreign_keys=[counterpart_id])

    @property
    def percent(self) -> int:
        return round(self.score * 100)


class SeenMatch(Base):
    """A match a person has had on screen, so the dashboard can count the new ones since.

    Matches are recomputed and replaced on every refresh, so "new" is kept per pair, not per row.
    """

    __tablename__ = "seen_matches"
    __table_args__ = (
        UniqueConstraint("user_id", "startup_id", "counterpart_id", name="uq_seen_matches_pair"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    counterpart_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
