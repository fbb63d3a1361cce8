"""flask backup / flask restore: a round trip gives back every row of every table, on both databases."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import make_url

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Organisation, OutboxMessage, User
from matchmaker.models.versions import page_scopes
from matchmaker.operations import versions
from tests.conftest import require_redis

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def _snapshot() -> dict[str, list[Any]]:
    db.session.remove()
    db.engine.dispose()
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in connection.execute(select(table).order_by(*order))]
    return rows


def test_a_backup_restores_every_table(app, runner, tmp_path, make_user, make_organisation):
    startup = make_organisation("startup", name="볼트셀", sectors=["energy"])
    partner = make_organisation("partner", name="NVIDIA")
    founder = make_user("founder", organisation=startup, display_name="김지우")
    intros.request_introduction(founder, partner.id, "배터리 실증을 함께 하고 싶습니다.")
    api_tokens.create_token(founder, "CRM 연동")
    founder_id = founder.id
    before = _snapshot()
    assert sum(len(r) for r in before.values()) >= 7

    target = tmp_path / "matchmaker.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    # Damage: rows deleted, one added.
    db.session.execute(delete(OutboxMessage))
    db.session.add(Organisation(kind="startup", slug="intruder", name="Intruder", description="x"))
    db.session.execute(delete(User).where(User.id == founder_id))
    db.session.commit()
    assert _snapshot() != before

    refused = runner.invoke(args=["restore", str(target)], input="n\n")
    assert refused.exit_code != 0  # asks first
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    after = _snapshot()
    assert after.pop("data_versions") != before.pop("data_versions")  # see the page-cache test below
    assert after == before


def test_restore_refuses_a_missing_file(app, runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "nothing.backup")])
    assert result.exit_code != 0 and "no backup file" in result.output


def test_a_restore_moves_the_data_version_past_every_value_pages_were_kept_for(
    app, runner, tmp_path, make_organisation
):
    """Finding 4: the restored version used to climb back into values running processes held pages
    for, so they served pages from before the restore."""
    startup = make_organisation("startup", name="볼트셀", sectors=["energy"])
    scopes = page_scopes(startup.id, "startup")  # what the startup's kept pages are kept by

    def page_versions() -> tuple[int, ...]:
        read = versions.read(scopes)
        assert read is not None
        return tuple(read[scope] for scope in scopes)

    target = tmp_path / "matchmaker.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    at_backup = page_versions()
    make_organisation("partner", name="NVIDIA")  # a change after the backup (a dismissal, say)
    kept_for = page_versions()
    assert kept_for != at_backup

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    restored = page_versions()
    make_organisation("partner", name="Hyundai")  # the next change after the restore
    following = page_versions()
    assert restored not in {at_backup, kept_for} and following not in {at_backup, kept_for}


def test_restore_refuses_while_a_job_worker_is_alive_and_names_it(app, runner, tmp_path):
    """Finding 3: with workers running, pg_restore waited for their locks and the site froze."""
    from rq import Queue
    from rq.worker import SimpleWorker

    from tests.jobs.conftest import REDIS_URL

    connection = require_redis(REDIS_URL)
    queue_name = f"mm-restore-{secrets.token_hex(3)}"
    app.config.update(MATCHMAKER_REDIS_URL=REDIS_URL, MATCHMAKER_JOB_QUEUE=queue_name)
    target = tmp_path / "matchmaker.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    worker = SimpleWorker([Queue(queue_name, connection=connection)], connection=connection)
    worker.register_birth()  # a worker alive on this queue, as `flask worker` registers itself
    try:
        refused = runner.invoke(args=["restore", "--yes", str(target)])
    finally:
        worker.register_death()
    assert refused.exit_code != 0
    assert "job worker(s) are running" in refused.output and worker.name in refused.output
    assert runner.invoke(args=["restore", "--yes", str(target)]).exit_code == 0


def test_restore_gives_up_instead_of_hanging_when_a_session_holds_a_table(
    app, runner, tmp_path, make_organisation
):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("pg_restore's lock wait is a PostgreSQL matter")
    make_organisation("startup", name="볼트셀", sectors=["energy"])
    target = tmp_path / "matchmaker.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    app.config["MATCHMAKER_RESTORE_LOCK_TIMEOUT_SECONDS"] = 2
    engine = create_engine(url)
    holder = engine.connect()
    transaction = holder.begin()
    holder.execute(text("SELECT count(*) FROM organisations"))  # idle in transaction, as a worker was
    started = time.monotonic()
    try:
        result = runner.invoke(args=["restore", "--yes", str(target)])
    finally:
        transaction.rollback()
        holder.close()
        engine.dispose()
    assert result.exit_code != 0 and "held a table" in result.output, result.output
    assert time.monotonic() - started < 60
