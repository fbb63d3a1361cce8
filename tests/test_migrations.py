"""``flask db upgrade`` on an empty database builds exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from matchmaker import create_app
from matchmaker.extensions import db
from tests.conftest import make_test_config


def _migrated_app(database_url: str, tmp_path: Path):
    app = create_app(make_test_config(database_url, tmp_path))
    return app


def test_upgrade_from_empty_matches_the_models(database_url, tmp_path):
    app = _migrated_app(database_url, tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        try:
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "compare_server_default": False}
                )
                drift = compare_metadata(context, db.metadata)
            assert drift == [], f"migrations and models differ: {drift}"
            tables = set(inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables
        finally:
            downgrade(revision="base")
            remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
            db.engine.dispose()
        assert remaining == set(), f"downgrade left tables behind: {remaining}"


def test_upgrade_creates_the_models_check_constraints(database_url, tmp_path):
    """Autogenerate does not compare CHECK constraints, so compare their names here."""
    app = _migrated_app(database_url, tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        try:
            inspector = inspect(db.engine)
            for table in db.metadata.sorted_tables:
                expected = {
                    c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint" and c.name
                }
                found = {c["name"] for c in inspector.get_check_constraints(table.name)}
                assert expected <= found, f"{table.name}: missing {expected - found}"
        finally:
            downgrade(revision="base")
            db.engine.dispose()
