"""The API's OpenAPI 3.1 document, generated: paths from the routes declared with ``api.spec.route``,
components from the pydantic models those routes take and answer with. schemathesis
(tests/api/test_schemathesis.py) checks the API against it, tests/api/test_openapi.py the routes."""

from __future__ import annotations

import copy
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel

from matchmaker.api import (  # noqa: F401  (their routes are the document's paths)
    introductions,
    jobs,
    organisations,
    spec,
)
from matchmaker.api.core import API_PREFIX
from matchmaker.api.spec import Json, Operation
from matchmaker.partnering.api import PARTNERING_PATHS, PARTNERING_SCHEMAS
from matchmaker.schemas.common import model_schemas
from matchmaker.schemas.profile import ProfileFields
from matchmaker.schemas.responses import Error


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def component_name(model: type[BaseModel]) -> str:
    """A model's name in the document: its title (``Organisation``), else its class name."""
    return str(model.model_config.get("title") or model.__name__)


def _error(description: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _update_schema() -> Json:
    """PATCH takes any subset of the profile, each field under the same rules as on creation."""
    schema = dict(model_schemas(("OrganisationUpdate", ProfileFields, "validation"))["OrganisationUpdate"])
    schema.pop("required", None)
    schema["description"] = "Any subset of the profile; the given fields replace the stored ones."
    return schema


# Components no route names as a whole: written here (PATCH's partial profile).
HAND_WRITTEN: dict[str, Any] = {"OrganisationUpdate": _update_schema}


def _answer(code: int, description: str, model: type[BaseModel] | None) -> Json:
    if model is not None:
        return {
            "description": description,
            "content": {"application/json": {"schema": _ref(component_name(model))}},
        }
    if code < 400:
        return {"description": description, "content": {"application/json": {}}}
    return _error(description)


def _operation(op: Operation) -> Json:
    entry: Json = {"operationId": op.operation_id, "summary": op.summary}
    if op.description:
        entry["description"] = op.description
    if op.query:
        entry["parameters"] = list(op.query)
    if op.public:
        entry["security"] = []
    if op.body is not None:
        name = op.body if isinstance(op.body, str) else component_name(op.body)
        entry["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": _ref(name)}},
        }
    responses = {str(code): _answer(code, *answer) for code, answer in sorted(op.answers.items())}
    entry["responses"] = _with_common_responses(responses, public=op.public, body=op.body is not None)
    return entry


def _with_common_responses(responses: Json, public: bool, body: bool) -> Json:
    """Every operation may meet the request boundary (400: unstorable text or bad JSON; 413: too
    large) and the per-token limit (429); every one but the document itself needs a token (401)."""
    responses.setdefault("400", _error("A character that cannot be stored, or a body that is not JSON"))
    responses.setdefault("413", _error("The body is too large"))
    if body:
        responses.setdefault("415", _error("A body not sent as Content-Type: application/json"))
    if not public:
        responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
        responses.setdefault("429", {"$ref": "#/components/responses/TooManyRequests"})
    return responses


def _written_by_hand(items: Json) -> Json:
    """Path items still written by hand (matchmaker/partnering/api.py), with the same common answers."""
    items = copy.deepcopy(items)
    for item in items.values():
        for method, operation in item.items():
            if method != "parameters":
                _with_common_responses(
                    operation["responses"],
                    public=operation.get("security") == [],
                    body="requestBody" in operation,
                )
    return items


def paths(operations: list[Operation]) -> Json:
    """One path item per route: its path parameters, then one operation per method."""
    items: Json = {}
    for op in operations:
        item = items.setdefault(op.path, {})
        if op.path_parameters():
            item["parameters"] = op.path_parameters()
        item[op.method] = _operation(op)
    return items


def _models(operations: list[Operation]) -> list[tuple[str, type[BaseModel], str]]:
    """(component name, model, mode) for every body (validation) and answer (serialisation) model,
    and the one error shape."""
    found: dict[str, tuple[str, type[BaseModel], str]] = {"Error": ("Error", Error, "serialization")}
    for op in operations:
        if isinstance(op.body, type):
            found.setdefault(component_name(op.body), (component_name(op.body), op.body, "validation"))
        for _, model in op.answers.values():
            if model is not None:
                found.setdefault(component_name(model), (component_name(model), model, "serialization"))
    return sorted(found.values(), key=lambda entry: entry[0])


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def _one_name_each(node: Any, names: dict[str, str]) -> Any:
    """``node`` with every reference to a class-named schema pointing at its component name instead."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in names:
                return node | {"$ref": f"#/components/schemas/{names[name]}"}
        return {key: _one_name_each(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [_one_name_each(value, names) for value in node]
    return node


def _reachable(models: list[tuple[str, type[BaseModel], str]]) -> list[type[BaseModel]]:
    """The models and every model nested in their fields."""
    seen: list[type[BaseModel]] = []
    stack = [model for _, model, _ in models]
    while stack:
        model = stack.pop()
        if model not in seen:
            seen.append(model)
            for info in model.model_fields.values():
                stack.extend(_models_in(info.annotation))
    return seen


def component_schemas(operations: list[Operation]) -> Json:
    """The schemas of every model the operations name, their nested models, and the hand-written ones.

    pydantic names a nested model after its class; the document names it after its title, once."""
    models = _models(operations)
    named = {name for name, _, _ in models}
    reachable = _reachable(models)
    renamed = {m.__name__: component_name(m) for m in reachable if component_name(m) != m.__name__}
    nested = [(component_name(m), m, "serialization") for m in reachable if m.__name__ in renamed]
    schemas = model_schemas(*models, *[entry for entry in nested if entry[0] not in named])
    schemas |= {name: build() for name, build in HAND_WRITTEN.items()} | PARTNERING_SCHEMAS
    return {name: _one_name_each(schema, renamed) for name, schema in schemas.items() if name not in renamed}


def openapi_document() -> Json:
    """The whole OpenAPI 3.1 description of the API."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "matchmaker API",
            "version": "1.0.0",
            "description": (
                "Organisations, matches and introductions of the Gwangju AI industry convergence complex. "
                "Every call acts as the token's account, with the same role rules as the web pages."
            ),
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"bearerToken": []}],
        "paths": paths(spec.OPERATIONS) | _written_by_hand(PARTNERING_PATHS),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from /account/tokens or `flask create-api-token`.",
                }
            },
            "responses": {
                "Unauthorized": _error("Missing, unknown or revoked token, or deactivated account"),
                "TooManyRequests": _error("Too many calls with this token; wait as long as Retry-After says")
                | {
                    "headers": {
                        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
                    }
                },
            },
            "schemas": component_schemas(spec.OPERATIONS),
        },
    }


@spec.route(
    "/openapi.json",
    "get",
    "getOpenApiDocument",
    "This document",
    {200: ("The OpenAPI document", None)},
    endpoint="openapi_document",
    public=True,
)
def openapi_document_view() -> Response:
    """The OpenAPI document, readable without a token."""
    return jsonify(openapi_document())
