"""Private exclusions, switches staff turn, and the audit trail of both."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.organisations import Organisation

KEYWORD_MAX = 60


class PrivateExclusion(Base):
    """A startup (or every startup whose profile names a keyword) a partner or investor is never matched with.

    Private: only the owner's members and staff read it; the excluded side is never told, and the pair
    simply never appears anywhere.
    """

    __tablename__ = "private_exclusions"
    __table_args__ = (
        CheckConstraint("(excluded_id IS NULL) <> (keyword IS NULL)", name="organisation_or_keyword"),
        UniqueConstraint("organisation_id", "excluded_id", name="uq_private_exclusions_organisation"),
        UniqueConstraint("organisation_id", "keyword", name="uq_private_exclusions_keyword"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    excluded_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    keyword: Mapped[str | None] = mapped_column(String(KEYWORD_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    excluded: Mapped[Organisation | None] = relationship(foreign_keys=[excluded_id])


class Setting(Base):
    """One installation-wide switch or value that staff change at run time (e.g. learning on or off)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
