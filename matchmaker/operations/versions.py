"""The data version, raised in the same transaction as every change of data that pages show.

Any session that writes to a table outside ``UNSHOWN_TABLES`` (through the unit of work or an
``insert``/``update``/``delete`` statement) raises ``data_versions.value`` just before it commits, in
that same transaction. So once a change is visible to a reader, so is the new value, and a cache
keyed by the value read *before* the page's data (operations/page_cache.py) never serves a page from
before a committed change. Raising more often than needed (a write that changes nothing shown) only
costs a cache miss; listing a shown table in ``UNSHOWN_TABLES`` would be a bug.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from matchmaker.extensions import db
from matchmaker.models.versions import DataVersion

ROW_ID = 1
FLAG = "matchmaker.data_changed"
# Written while pages are read, and never shown by a cached page: the "new" badges' bookkeeping,
# the version itself, the progress of refresh jobs (the refresh card is rendered live) and when an
# API token was last used (every API call writes it).
# match_advice and sector_suggestions are derived caches the worker fills (and a profile page may fill
# on a GET); no kept page shows them, so filling them must not throw every kept page away.
UNSHOWN_TABLES = frozenset(
    {
        "data_versions",
        "seen_matches",
        "pending_refreshes",
        "job_events",
        "api_tokens",
        "match_advice",
        "sector_suggestions",
    }
)


def current() -> int | None:
    """The committed data version (None until the first change is committed)."""
    return db.session.scalar(select(DataVersion.value).where(DataVersion.id == ROW_ID))


def _raise_version(session: Session) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # The first value is random, so a database emptied and filled again never repeats the versions a
    # running process may still hold pages for.
    statement = insert(DataVersion).values(id=ROW_ID, value=secrets.randbelow(2**62))
    statement = statement.on_conflict_do_update(
        index_elements=[DataVersion.id], set_={"value": DataVersion.value + 1}
    )
    session.execute(statement)


def jump() -> None:
    """Move the data version to a fresh random value and commit (after a restore).

    A restore brings back the version stored in the backup; counting up from there would reach
    values that running processes still hold pages for, pages of the data before the restore.
    """
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    fresh = secrets.randbelow(2**62)
    statement = insert(DataVersion).values(id=ROW_ID, value=fresh)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=[DataVersion.id], set_={"value": fresh})
    )
    db.session.commit()
    db.session.remove()


def _tables_of(objects: Any) -> set[str]:
    return {getattr(getattr(o, "__table__", None), "name", "") for o in objects}


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, context: UOWTransaction, instances: Any) -> None:
    changed = _tables_of(session.new) | _tables_of(session.deleted)
    changed |= _tables_of(o for o in session.dirty if session.is_modified(o))
    if changed - UNSHOWN_TABLES:
        session.info[FLAG] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in UNSHOWN_TABLES:  # any other write, or SQL we cannot read
        state.session.info[FLAG] = True


@event.listens_for(Session, "before_commit")
def _raise_before_commit(session: Session) -> None:
    session.flush()  # what the commit would flush is noted now, so the raise joins this transaction
    if session.info.pop(FLAG, False):
        _raise_version(session)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(FLAG, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not session.in_transaction():
        session.info.pop(FLAG, None)
