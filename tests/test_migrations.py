"""``flask db upgrade`` on an empty database builds exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, inspect

from matchmaker import create_app
from matchmaker.extensions import db
from tests.conftest import make_test_config

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


@contextmanager
def upgraded_from_empty(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Run every migration on an empty database; afterwards downgrade to base.

    Yields a list that, once the block ends, holds the tables the downgrade left behind.
    """
    app = create_app(make_test_config(database_url, tmp_path))
    left_behind: list[str] = []
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        try:
            yield left_behind
        finally:
            downgrade(revision="base")
            left_behind.extend(sorted(set(inspect(db.engine).get_table_names()) - {"alembic_version"}))
            db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(database_url, tmp_path):
    with upgraded_from_empty(database_url, tmp_path) as left_behind:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": False}
            )
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"migrations and models differ: {drift}"
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
    assert left_behind == [], f"downgrade left tables behind: {left_behind}"


def test_upgrade_creates_the_models_check_constraints(database_url, tmp_path):
    """Autogenerate does not compare CHECK constraints, so compare their names here."""
    with upgraded_from_empty(database_url, tmp_path):
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert expected <= found, f"{table.name}: missing {expected - found}"
