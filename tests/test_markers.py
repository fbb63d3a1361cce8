"""The ``postgres`` marker is added by tests/conftest.py to every test that runs on PostgreSQL."""

from __future__ import annotations

import pytest


def test_only_the_postgresql_run_carries_the_postgres_marker(
    request: pytest.FixtureRequest, database_url: str
) -> None:
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == database_url.startswith("postgresql")


def test_a_test_using_postgres_url_is_marked(request: pytest.FixtureRequest, postgres_url: str) -> None:
    assert request.node.get_closest_marker("postgres") is not None
