"""Data versions, raised in the same transaction as every change of data that kept pages show.

A version is kept per scope (models/versions.py), each a row of ``data_versions``: ``ALL``, each
organisation, and each side's organisations (startups; partners and investors). Any session that
writes to a table outside ``UNSHOWN_TABLES`` raises, just before it commits and in that same
transaction, the scopes of what it wrote:

- a row of an organisation or its sectors: the organisation's scope and its side's; a change of its
  details alone (texts, amounts, contact: ``DETAIL_COLUMNS``) and a version of its texts in the other
  language: the organisation's scope and its side's details (``details_scope``);
- a match: the scopes of both organisations;
- a statement that names its scopes (execution option ``SCOPES_OPTION``, as a refresh does): those;
- anything else (another table, a statement without scopes, SQL we cannot read): ``ALL``.

So once a change is visible to a reader, so are the new values, and a cache keyed by the values read
*before* the page's data (operations/page_cache.py) never serves a page from before a committed change
of a scope the page depends on. A page of an organisation depends on ``ALL``, its own scope and the
other side's (``page_scopes``): a founder saving a profile moves partners' and investors' pages, and
leaves every other founder's page and API answer kept. A list that shows the other side's details
outside its cards (a search, the varied order, a score filter, keyword exclusions, a founder's list by
exact score) depends on their details scope too; a plain list of a partner does not, so a founder's
description save re-renders that startup's card on it, not the list. Raising more than needed only
costs a cache miss; a scope missing from a write that a page shows would be a bug, which is why every
write not told apart raises ``ALL``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, OrganisationSector, ProfileVersion
from matchmaker.models.versions import (
    ALL,
    CHANGED_SCOPES,
    SCOPES_OPTION,
    DataVersion,
    details_scope,
    note_scopes,
    organisation_scope,
    side_scope,
)

# An organisation's columns that the other side's lists show only in its card (kept by the
# organisation's own scope), or read only where a list depends on the side's details (search, the
# varied order, keyword exclusions): a change of these alone moves no plain list. Every other column
# (name, stage, visibility, tenancy, investor stages ...) is read by a list's filters, order or tables.
DETAIL_COLUMNS = frozenset(
    {
        "summary",
        "description",
        "offers",
        "seeks",
        "summary_language",
        "description_language",
        "offers_language",
        "seeks_language",
        "tags",
        "raising_amount",
        "raising_currency",
        "ticket_min",
        "ticket_max",
        "ticket_currency",
        "location",
        "website",
        "contact_email",
        "team_size",
        "registration_number",
        "updated_at",
    }
)
# Written while pages are read, and never shown by a kept page: the "new" badges' bookkeeping,
# the versions themselves, the progress of refresh jobs (the refresh card is rendered live) and when an
# API token was last used (every API call writes it).
# match_advice and sector_suggestions are derived caches the worker fills (and a profile page may fill
# on a GET); no kept page shows them, so filling them must not throw every kept page away. Nor does
# a stored embedding: it is a function of its key (model and text), so storing one changes nothing a
# page computes.
UNSHOWN_TABLES = frozenset(
    {
        "data_versions",
        "seen_matches",
        "pending_refreshes",
        "job_events",
        "api_tokens",
        "match_advice",
        "sector_suggestions",
        "embeddings",
    }
)


def read(scopes: Sequence[int]) -> dict[int, int] | None:
    """The committed values of ``scopes`` (0 for a scope never raised), in one query; None while
    ``ALL`` has no value yet (nothing may be kept before)."""
    rows = db.session.execute(
        select(DataVersion.id, DataVersion.value).where(DataVersion.id.in_(sorted(set(scopes))))
    )
    values = {scope: value for scope, value in rows}
    if ALL not in values:
        return None
    return {scope: values.get(scope, 0) for scope in scopes}


def current() -> int | None:
    """The committed value of ``ALL`` (None until the first change is committed)."""
    values = read((ALL,))
    return None if values is None else values[ALL]


def _insert() -> Any:
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _raise_versions(session: Session, scopes: set[int]) -> None:
    """Raise ``scopes`` by one (``ALL`` alone when it is among them: every page depends on it).

    ``ALL`` always gets a value, so pages can be kept; it is raised only when named. A scope's first
    value is random, so a database emptied and filled again never repeats the values a running process
    may still hold pages for. Rows are written in one order, so two commits never wait on each other's
    rows crosswise (PostgreSQL)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    raised = {ALL} if ALL in scopes else scopes
    rows = [{"id": s, "value": secrets.randbelow(2**62)} for s in sorted(raised | {ALL})]
    statement = insert(DataVersion).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[DataVersion.id],
        set_={"value": DataVersion.value + 1},
        where=DataVersion.id.in_(sorted(raised)),  # ALL, when not raised, is only created
    )
    session.execute(statement)


def jump() -> None:
    """Move ``ALL`` to a fresh random value and commit (after a restore).

    A restore brings back the values stored in the backup; counting up from there would reach values
    that running processes still hold pages for, pages of the data before the restore. Every kept page
    depends on ``ALL``.
    """
    fresh = secrets.randbelow(2**62)
    statement = _insert()(DataVersion).values(id=ALL, value=fresh)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[DataVersion.id], set_={"value": fresh})
    )
    db.session.commit()
    db.session.remove()


def _organisation_kind(session: Session, organisation_id: int) -> str | None:
    """The kind of an organisation this session holds (no query inside a flush); None if it holds none."""
    held = session.identity_map.get(session.identity_key(Organisation, organisation_id))
    return held.kind if isinstance(held, Organisation) else None


def _side(session: Session, organisation_id: int, scope_of: Callable[[str], int] = side_scope) -> set[int]:
    """``scope_of`` (``side_scope`` or ``details_scope``) of the organisation's side; both sides' when
    the session does not hold the organisation."""
    kind = _organisation_kind(session, organisation_id)
    return {scope_of(kind)} if kind else {scope_of("startup"), scope_of("partner")}


def _organisation_scopes(session: Session, row: Organisation) -> set[int]:
    """A written organisation's scopes: its own, and its side's and/or its side's details, by which
    columns changed (a new or deleted organisation: both)."""
    scopes = {organisation_scope(row.id)}
    if row in session.new or row in session.deleted:
        return scopes | {side_scope(row.kind), details_scope(row.kind)}
    state = inspect(row)
    changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
    if changed - DETAIL_COLUMNS or not changed:
        scopes.add(side_scope(row.kind))
    if changed & DETAIL_COLUMNS:
        scopes.add(details_scope(row.kind))
    return scopes


def _scopes_of(session: Session, row: object) -> set[int]:
    """The scopes a written row belongs to (``ALL`` for any row not told apart)."""
    table = getattr(getattr(row, "__table__", None), "name", "")
    if table in UNSHOWN_TABLES:
        return set()
    if isinstance(row, Organisation):
        if row.id is None or inspect(row).attrs.kind.history.deleted:
            return {ALL}  # a changed kind moves it to the other side: nothing is told apart
        return _organisation_scopes(session, row)
    if isinstance(row, OrganisationSector | ProfileVersion):
        if row.organisation_id is None:
            return {ALL}
        # Sectors are filtered by; a text's other-language version is a detail (search, keywords).
        scope_of = side_scope if isinstance(row, OrganisationSector) else details_scope
        return {organisation_scope(row.organisation_id)} | _side(session, row.organisation_id, scope_of)
    if isinstance(row, Match):
        if row.startup_id is None or row.counterpart_id is None:
            return {ALL}
        return {organisation_scope(row.startup_id), organisation_scope(row.counterpart_id)}
    return {ALL}


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, context: UOWTransaction) -> None:
    # After the flush the rows have their ids; new, dirty and deleted still list what was flushed.
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    for row in changed:
        note_scopes(session, _scopes_of(session, row))


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in UNSHOWN_TABLES:
        return
    named: Iterable[int] | None = state.execution_options.get(SCOPES_OPTION)
    note_scopes(state.session, named if named else {ALL})  # any other write, or SQL we cannot read: all


@event.listens_for(Session, "before_commit")
def _raise_before_commit(session: Session) -> None:
    session.flush()  # what the commit would flush is noted now, so the raise joins this transaction
    scopes = session.info.pop(CHANGED_SCOPES, None)
    if scopes:
        _raise_versions(session, scopes)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(CHANGED_SCOPES, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not session.in_transaction():
        session.info.pop(CHANGED_SCOPES, None)
