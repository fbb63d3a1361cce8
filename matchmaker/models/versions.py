"""Data versions: counters raised in every transaction that changes what kept pages show, one per scope."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base


class DataVersion(Base):
    """One row per scope whose value grows with each committed change of the data the scope stands for.

    ``id`` names the scope: 1 is everything not told apart (``ALL``), 2 and 3 each side's organisations,
    and a negative id one organisation (``-organisation_id``). Page caches key their entries by the
    values of the scopes a page depends on (operations/versions.py): a change and its raise of the values
    commit together, so no reader can see the change under the old values once it is committed.
    """

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# The scopes. Every kept page depends on ALL, which every change raises that is not told apart below.
ALL = 1
# Raised by a change of one side's organisations (profile, sectors, texts, matches): the other side's
# pages list them. A startup's change reaches partners' and investors' pages, never other founders'.
STARTUPS = 2
COUNTERPARTS = 3
# A statement's execution option naming the scopes it changes (else a write raises ALL).
SCOPES_OPTION = "matchmaker_data_scopes"


def organisation_scope(organisation_id: int) -> int:
    """Raised by a change of the organisation's own data: its profile, its matches."""
    return -organisation_id


def side_scope(kind: str) -> int:
    """The scope a change of an organisation of ``kind`` raises (besides its own)."""
    return STARTUPS if kind == "startup" else COUNTERPARTS


def listed_side_scope(kind: str) -> int:
    """The scope of the organisations a page of an organisation of ``kind`` lists: the other side."""
    return COUNTERPARTS if kind == "startup" else STARTUPS


def page_scopes(organisation_id: int, kind: str) -> tuple[int, ...]:
    """What a page of the organisation's matches depends on: everything not told apart, the organisation
    itself and the other side's organisations."""
    return (ALL, organisation_scope(organisation_id), listed_side_scope(kind))


def scopes_read_by_pages(organisation_id: int) -> tuple[int, ...]:
    """The scopes read before a page of the organisation is looked up (its kind is known only after)."""
    return (ALL, organisation_scope(organisation_id), STARTUPS, COUNTERPARTS)
