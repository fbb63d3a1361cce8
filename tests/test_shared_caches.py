"""The caches the test session shares between its apps (tests/conftest.py) are hit, and only where
the compiled result is the same."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import column, create_engine, select, table

from tests.conftest import _SessionCompiledSQL


def test_engines_alike_share_compiled_statements(tmp_path: Path) -> None:
    cache = _SessionCompiledSQL()
    statement = select(column("x")).select_from(table("t")).where(column("x") > 1)
    engines = [create_engine(f"sqlite:///{tmp_path / name}") for name in ("a.sqlite", "b.sqlite")]
    hits = []
    for engine in engines:
        engine = engine.execution_options(compiled_cache=cache)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            result = connection.execute(statement)
            hits.append(result.context.cache_hit == engine.dialect.CACHE_HIT)
    assert engines[0].dialect is not engines[1].dialect
    assert hits == [False, True] and len(cache) == 1


def test_another_kind_of_database_compiles_its_own(tmp_path: Path) -> None:
    cache = _SessionCompiledSQL()
    statement = select(column("x")).select_from(table("t"))
    sqlite = create_engine(f"sqlite:///{tmp_path / 'a.sqlite'}").execution_options(compiled_cache=cache)
    with sqlite.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.execute(statement)
    postgres = create_engine("postgresql+psycopg://")  # compiled only, never connected
    key = (postgres.dialect, statement._generate_cache_key()[0], (), False, False)
    assert cache.get(key) is None and len(cache) == 1
