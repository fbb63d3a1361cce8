"""Backups of the whole database: SQLite through its online backup API, PostgreSQL through pg_dump.

A backup is one file. Restoring replaces every table's contents with the file's; the app's own
connections are closed first so nothing holds a lock or a stale row.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from matchmaker.extensions import db


class BackupError(RuntimeError):
    """The backup or restore could not be made (a missing tool, an unreadable file)."""


def _url() -> URL:
    return make_url(str(db.engine.url.render_as_string(hide_password=False)))


def _sqlite_file() -> str:
    database = _url().database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return database


def _libpq_url() -> str:
    # pg_dump speaks libpq: the same URL without SQLAlchemy's "+psycopg" driver name.
    return _url().set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def backup(target: Path) -> None:
    """Write a consistent copy of the whole database to ``target``."""
    db.session.remove()
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_file()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq_url()]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore(source: Path) -> None:
    """Replace the database's contents with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    db.session.remove()
    db.engine.dispose()  # our pooled connections must not hold locks on the tables being replaced
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup_file, sqlite3.connect(_sqlite_file()) as live:
            backup_file.backup(live)
        return
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        _libpq_url(),
        str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
