"""Which database a test runs on (tests/conftest.py): SQLite for every test, PostgreSQL as well for tests
marked ``both_databases``; the ``postgres`` marker is added to every test that runs on PostgreSQL."""

from __future__ import annotations

import pytest


def _collected(request: pytest.FixtureRequest) -> list[str]:
    """The names this test function is collected under, whatever ``-k`` or a node id selected."""
    module = request.node.getparent(pytest.Module)
    assert module is not None
    name = request.node.originalname
    return sorted(item.name for item in module.collect() if getattr(item, "originalname", None) == name)


@pytest.mark.both_databases
def test_only_the_postgresql_run_carries_the_postgres_marker(
    request: pytest.FixtureRequest, database_url: str
) -> None:
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == database_url.startswith("postgresql")


@pytest.mark.both_databases
def test_a_marked_test_runs_once_on_each_database(request: pytest.FixtureRequest, database_url: str) -> None:
    name = request.node.originalname
    assert _collected(request) == [f"{name}[postgresql]", f"{name}[sqlite]"]


def test_an_unmarked_test_runs_on_sqlite_only(request: pytest.FixtureRequest, database_url: str) -> None:
    assert database_url.startswith("sqlite:///")
    assert request.node.get_closest_marker("postgres") is None
    assert _collected(request) == [request.node.originalname]


def test_a_test_using_postgres_url_is_marked(request: pytest.FixtureRequest, postgres_url: str) -> None:
    assert request.node.get_closest_marker("postgres") is not None
