"""Data versions: counters raised in every transaction that changes what kept pages show, one per scope."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, Session, mapped_column

from matchmaker.models.base import Base


class DataVersion(Base):
    """One row per scope whose value grows with each committed change of the data the scope stands for.

    ``id`` names the scope: 1 is everything not told apart (``ALL``), 2 and 3 each side's organisations,
    4 and 5 each side's details, and a negative id one organisation (``-organisation_id``). Page caches
    key their entries by the values of the scopes a page depends on (operations/versions.py): a change
    and its raise of the values commit together, so no reader can see the change under the old values
    once it is committed.
    """

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# The scopes. Every kept page depends on ALL, which every change raises that is not told apart below.
ALL = 1
# Each side's organisations as the other side's lists show them outside the cards: which are listed,
# what the filters and the list's order read (visibility, stage, sectors, names, which pairs are matched
# and the score band of each). Raised by such a change of one organisation of the side: a startup's
# change reaches partners' and investors' pages, never other founders'.
STARTUPS = 2
COUNTERPARTS = 3
# Each side's details: its texts (descriptions, offers, tags, versions in the other language ...) and
# its matches' exact scores. A list shows them only in its cards (kept by each organisation's own scope),
# unless it searches, varies its order by the texts, filters by score, hides by keyword or orders by the
# exact score (a founder's list): only such lists depend on these (``page_scopes(details=True)``), so
# a text save or a refresh that moves no score band leaves the other side's plain lists kept.
STARTUP_DETAILS = 4
COUNTERPART_DETAILS = 5
# A statement's execution option naming the scopes it changes (else a write raises ALL).
SCOPES_OPTION = "matchmaker_data_scopes"
# session.info: the scopes the session's transaction changed so far, raised just before it commits
# (operations/versions.py); ``note_scopes`` adds to it.
CHANGED_SCOPES = "matchmaker.changed_scopes"


def note_scopes(session: Session, scopes: Iterable[int]) -> None:
    """Add ``scopes`` to those the session's transaction raises when it commits (for a change that no
    single statement or row says, such as a refresh whose match rows moved a list)."""
    session.info.setdefault(CHANGED_SCOPES, set()).update(scopes)


def organisation_scope(organisation_id: int) -> int:
    """Raised by a change of the organisation's own data: its profile, its matches."""
    return -organisation_id


def side_scope(kind: str) -> int:
    """The scope a change of an organisation of ``kind`` raises (besides its own) when it moves lists."""
    return STARTUPS if kind == "startup" else COUNTERPARTS


def details_scope(kind: str) -> int:
    """The scope a change of the details (texts, exact scores) of an organisation of ``kind`` raises."""
    return STARTUP_DETAILS if kind == "startup" else COUNTERPART_DETAILS


def listed_side_scope(kind: str) -> int:
    """The scope of the organisations a page of an organisation of ``kind`` lists: the other side."""
    return COUNTERPARTS if kind == "startup" else STARTUPS


def listed_details_scope(kind: str) -> int:
    """The details scope of the organisations a page of an organisation of ``kind`` lists."""
    return COUNTERPART_DETAILS if kind == "startup" else STARTUP_DETAILS


def page_scopes(organisation_id: int, kind: str, details: bool = False) -> tuple[int, ...]:
    """What a page of the organisation's matches depends on: everything not told apart, the organisation
    itself and the other side's organisations, and with ``details`` their texts and exact scores too."""
    scopes = (ALL, organisation_scope(organisation_id), listed_side_scope(kind))
    return (*scopes, listed_details_scope(kind)) if details else scopes


def scopes_read_by_pages(organisation_id: int) -> tuple[int, ...]:
    """The scopes read before a page of the organisation is looked up (its kind is known only after)."""
    return (
        ALL,
        organisation_scope(organisation_id),
        STARTUPS,
        COUNTERPARTS,
        STARTUP_DETAILS,
        COUNTERPART_DETAILS,
    )
