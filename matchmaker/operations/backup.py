"""Backups of the whole database: SQLite through its online backup API, PostgreSQL through pg_dump.

A backup is one file. Restoring replaces every table's contents with the file's; the app's own
connections are closed first so nothing holds a lock or a stale row.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.jobs.recovery import process_alive
from matchmaker.operations import versions


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
    """Replace the database's contents with the backup in ``source``.

    Refused while job workers are alive (they would write into the tables being replaced, and their
    sessions hold locks pg_restore waits for); on PostgreSQL, a lock another session holds longer than
    MATCHMAKER_RESTORE_LOCK_TIMEOUT_SECONDS ends the restore, rolled back, instead of hanging with the
    site frozen behind it. Afterwards the data version jumps to a fresh value, so that no process
    serves a page it kept from before the restore (versions.jump).
    """
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    _refuse_while_workers_run()
    db.session.remove()
    db.engine.dispose()  # our pooled connections must not hold locks on the tables being replaced
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup_file, sqlite3.connect(_sqlite_file()) as live:
            backup_file.backup(live)
    else:
        _pg_restore(source)
    versions.jump()


def _pg_restore(source: Path) -> None:
    """pg_restore in one transaction, watched: when it waits on a lock longer than the timeout, its
    statement is cancelled and the whole restore rolls back. (A lock_timeout cannot be set from
    outside: the archive's own preamble sets lock_timeout = 0.)"""
    seconds = int(current_app.config["MATCHMAKER_RESTORE_LOCK_TIMEOUT_SECONDS"])
    name = f"matchmaker-restore-{secrets.token_hex(4)}"
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
    process = subprocess.Popen(
        command,
        env=os.environ | {"PGAPPNAME": name},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cancelled = False
    watcher = create_engine(_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        while process.poll() is None:
            time.sleep(0.5)
            with watcher.connect() as connection:
                waited = (
                    connection.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity WHERE application_name = :name AND "
                            "wait_event_type = 'Lock' AND now() - state_change > make_interval(secs => :s)"
                        ),
                        {"name": name, "s": seconds},
                    )
                    .scalars()
                    .all()
                )
                for pid in waited:
                    connection.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": pid})
                    cancelled = True
    finally:
        watcher.dispose()
    _, stderr = process.communicate()
    if process.returncode != 0:
        if cancelled:
            raise BackupError(
                f"Nothing was restored: another session held a table for more than {seconds} s. Stop "
                "the web and worker processes (and close other connections), then restore again."
            )
        raise BackupError(f"pg_restore failed: {stderr.strip()}")


def _refuse_while_workers_run() -> None:
    """Refuse, naming them, while job workers of this installation are alive (by their heartbeat)."""
    if not jobs.queue_enabled():
        return
    try:
        from rq.worker import Worker  # rq only where jobs run on Redis

        host = socket.gethostname()
        live = [
            w
            for w in Worker.all(queue=jobs.job_queue())
            if not (w.hostname == host and w.pid and not process_alive(w.pid))  # killed, not yet expired
        ]
    except jobs._redis_error():  # Redis is down: no worker can take jobs; the lock timeout still holds
        return
    if live:
        names = ", ".join(f"{w.name} (pid {w.pid} on {w.hostname})" for w in live)
        raise BackupError(
            f"Nothing was restored: {len(live)} job worker(s) are running: {names}. Stop them first "
            "(systemctl stop matchmaker-worker, or Ctrl+C on `flask worker`), then restore again."
        )
