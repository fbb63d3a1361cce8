"""The data version: one counter raised in every transaction that changes what pages show."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base


class DataVersion(Base):
    """A single row (id 1) whose value grows with each committed change of shown data.

    Page caches key their entries by it (operations/versions.py): a change and its raise of the value
    commit together, so no reader can see the change under the old value once it is committed.
    """

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
