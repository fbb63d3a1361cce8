"""People who sign in: founders, partners, investors, staff of the complex and admins."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.organisations import Organisation


class Role(enum.StrEnum):
    """What a person may do; one role per account."""

    FOUNDER = "founder"
    PARTNER = "partner"
    INVESTOR = "investor"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively; we store them lower-cased and trimmed."""
    return email.strip().lower()


class User(UserMixin, Base):
    """An account. It belongs to at most one organisation (its startup, company or fund)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('founder', 'partner', 'investor', 'staff', 'admin')", name="role_allowed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember cookie (see get_id); raising it signs the account out everywhere.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the person deleted their account: the row stays, anonymised, so the audit trail holds.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "ko" or "en" once the person chooses; None follows the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(8))

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        """The id Flask-Login stores in the session and remember cookie: account id and session version."""
        return f"{self.id}.{self.session_version or 0}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash (werkzeug's default); the password itself is never kept."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
