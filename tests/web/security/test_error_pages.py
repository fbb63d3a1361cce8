"""The 500 and 404 pages in the site's style, in Korean and English, and the request log behind them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from matchmaker.logs import LOG_FORMAT
from tests.conftest import app_with_schema, make_test_config


@pytest.fixture
def failing_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with one page that raises, and errors handled as in production (not re-raised)."""
    config = make_test_config(database_url, tmp_path) | {"PROPAGATE_EXCEPTIONS": False}
    with app_with_schema(database_url, tmp_path, config) as application:

        def broken() -> str:
            raise RuntimeError("the page broke")

        application.add_url_rule("/broken", "broken", broken)
        yield application


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter(LOG_FORMAT)
    return [formatter.format(r) for r in caplog.records if r.name.startswith("matchmaker")]


def test_an_exception_shows_the_500_page_and_logs_the_traceback_with_the_request_id(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="matchmaker")
    response = failing_app.test_client().get("/broken", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page and 'class="card narrow"' in page  # the site's own layout
    request_id = response.headers["X-Request-ID"]
    assert request_id in page  # the reference a person can quote to the staff
    lines = _lines(caplog)
    traceback_lines = [line for line in lines if "RuntimeError: the page broke" in line]
    assert traceback_lines and all(f"[{request_id}]" in line for line in traceback_lines)
    assert any(f"[{request_id}]" in line and "GET /broken 500" in line for line in lines)


def test_the_500_page_speaks_korean(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/broken", headers={"Accept-Language": "ko"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "문제가 생겼습니다" in page and "Something went wrong" not in page


def test_the_api_answers_an_exception_in_json(failing_app: Flask) -> None:
    def broken_api() -> str:
        raise RuntimeError("the API broke")

    failing_app.add_url_rule("/api/v1/broken", "broken_api", broken_api)
    response = failing_app.test_client().get("/api/v1/broken")
    assert response.status_code == 500 and response.get_json()["error"]["status"] == 500


@pytest.mark.parametrize(("language", "title"), [("en", "Not found"), ("ko", "페이지를 찾을 수 없음")])
def test_an_unknown_address_shows_the_404_page(client, language: str, title: str) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_every_request_is_logged_once_with_its_id_and_duration(
    client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="matchmaker")
    first = client.get("/login")
    second = client.get("/login", headers={"X-Request-ID": "from-the-proxy-42"})
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert second.headers["X-Request-ID"] == "from-the-proxy-42"  # a proxy's id is kept
    request_lines = [r for r in caplog.records if r.name == "matchmaker.request"]
    assert len(request_lines) == 2
    formatted = [logging.Formatter(LOG_FORMAT).format(r) for r in request_lines]
    assert f"[{first.headers['X-Request-ID']}]" in formatted[0] and "GET /login 200" in formatted[0]
    assert formatted[1].endswith("ms") and "[from-the-proxy-42]" in formatted[1]


def test_an_odd_request_id_from_outside_is_replaced(client) -> None:
    response = client.get("/login", headers={"X-Request-ID": "x\x7f<script>"})
    assert response.headers["X-Request-ID"] != "x\x7f<script>"
    assert response.headers["X-Request-ID"].isalnum()
