"""flask backup / flask restore: a round trip gives back every row of every table, on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Organisation, OutboxMessage, User


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
    assert _snapshot() == before


def test_restore_refuses_a_missing_file(app, runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "nothing.backup")])
    assert result.exit_code != 0 and "no backup file" in result.output
