"""The OpenAPI document describes exactly the API's routes, and is a well-formed OpenAPI 3.1 document."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from matchmaker import create_app
from matchmaker.api.core import API_PREFIX
from matchmaker.api.introductions import TRANSITION_ENDPOINTS
from matchmaker.api.openapi import openapi_document
from matchmaker.api.serialise import PROFILE_FIELDS

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_RULE_VARIABLE = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


@pytest.fixture(scope="module")
def bare_app() -> Flask:
    """The routes do not need a database, so one app serves every test here."""
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _routes(app: Flask) -> dict[tuple[str, str], dict[str, str]]:
    """(OpenAPI-style path, method) -> {path variable: converter} for every API rule."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        path = _RULE_VARIABLE.sub(lambda m: "{" + m["name"] + "}", rule.rule.removeprefix(API_PREFIX))
        converters = {m["name"]: m["converter"] or "default" for m in _RULE_VARIABLE.finditer(rule.rule)}
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes[(path, method.lower())] = converters
    return routes


def _operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, item, operation


def test_every_route_is_documented_and_every_documented_operation_exists(bare_app):
    documented = {(path, method) for path, method, _, _ in _operations(openapi_document())}
    routes = set(_routes(bare_app))
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations without a route"


def test_path_parameters_match_the_route_variables(bare_app):
    routes = _routes(bare_app)
    for path, method, item, operation in _operations(openapi_document()):
        parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
        in_path = {p["name"]: p for p in parameters if p["in"] == "path"}
        variables = routes[(path, method)]
        assert set(in_path) == set(variables), (path, method)
        for name, converter in variables.items():
            assert in_path[name]["required"] is True
            if converter == "int":
                assert in_path[name]["schema"]["type"] == "integer", (path, name)


def _refs(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_document_is_well_formed():
    document = openapi_document()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] and document["info"]["version"]
    scheme = document["components"]["securitySchemes"]["bearerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operation_ids = [operation["operationId"] for _, _, _, operation in _operations(document)]
    assert len(operation_ids) == len(set(operation_ids))
    for path, method, _, operation in _operations(document):
        assert operation["responses"], (path, method)
        assert all(re.fullmatch(r"[1-5][0-9][0-9]", code) for code in operation["responses"]), (path, method)
    refs = list(_refs(document))
    assert refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]


def test_only_the_document_itself_is_public():
    document = openapi_document()
    public = [(p, m) for p, m, _, op in _operations(document) if op.get("security") == []]
    assert public == [("/openapi.json", "get")]
    assert document["security"] == [{"bearerToken": []}]


def test_the_documented_profile_fields_are_those_the_api_accepts():
    schemas = openapi_document()["components"]["schemas"]
    assert set(schemas["OrganisationUpdate"]["properties"]) == set(PROFILE_FIELDS)
    assert set(schemas["OrganisationCreate"]["properties"]) == set(PROFILE_FIELDS) | {"kind"}
    allowed = schemas["Introduction"]["properties"]["allowed_actions"]["items"]["enum"]
    assert set(allowed) == set(TRANSITION_ENDPOINTS)


def test_the_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == openapi_document()
