"""Every failure under /api/v1 is a JSON error with the status that fits, never an HTML page."""

from __future__ import annotations

import pytest


def _assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status and error["message"] and isinstance(error["fields"], dict)
    return error


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v1", "/api/v1/organisations/abc"])
def test_unknown_api_paths_are_json_404(client, make_user, auth, path):
    _assert_json_error(client.get(path, headers=auth(make_user("staff"))), 404)


@pytest.mark.parametrize("path", ["/api/v2/organisations", "/api/v1x"])
def test_pages_outside_the_api_keep_their_html_errors(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_wrong_method_is_json_405_with_allow(client, make_user, auth):
    response = client.delete("/api/v1/organisations", headers=auth(make_user("staff")))
    _assert_json_error(response, 405)
    assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))


def test_invalid_json_is_400(client, make_user, auth):
    headers = auth(make_user()) | {"Content-Type": "application/json"}
    _assert_json_error(client.post("/api/v1/organisations", data="{name: ", headers=headers), 400)


@pytest.mark.parametrize("payload", ["[1, 2]", '"text"', "null", ""])
def test_a_body_that_is_not_an_object_is_400(client, make_user, auth, payload):
    headers = auth(make_user()) | {"Content-Type": "application/json"}
    _assert_json_error(client.post("/api/v1/organisations", data=payload, headers=headers), 400)


def test_a_too_large_body_is_413(client, make_user, auth):
    headers = auth(make_user()) | {"Content-Type": "application/json"}
    body = '{"name": "' + "x" * (3 * 1024 * 1024) + '"}'
    _assert_json_error(client.post("/api/v1/organisations", data=body, headers=headers), 413)


def test_errors_are_json_even_without_a_token(client):
    _assert_json_error(client.get("/api/v1/organisations"), 401)
    _assert_json_error(client.post("/api/v1/introductions/1/approve"), 401)


def test_api_answers_are_not_cached(client, make_user, auth):
    response = client.get("/api/v1/organisations", headers=auth(make_user()))
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unexpected_failure_is_a_json_500_without_details(app, client, make_user, auth, monkeypatch):
    """In production (exceptions not propagated) a bug under /api/v1 answers in the API's own shape,
    and the traceback stays in the log, not in the answer."""
    from matchmaker.api import organisations

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(organisations.service, "directory_statement", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/api/v1/organisations", headers=auth(make_user("staff")))
    error = _assert_json_error(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert error["message"]
