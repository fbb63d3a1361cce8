"""The API's OpenAPI 3.1 document: bodies and objects generated from matchmaker.schemas, paths written
here; a test keeps it equal to the routes, and schemathesis (tests/api/test_schemathesis.py) to the API."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from matchmaker.api.core import API_PREFIX, bp
from matchmaker.api.openapi_introductions import INTRODUCTION_PATHS, INTRODUCTION_SCHEMAS
from matchmaker.inputs import DB_INT_MAX, PAGE_MAX
from matchmaker.models import OrganisationKind, Sector
from matchmaker.partnering.api import PARTNERING_PATHS, PARTNERING_SCHEMAS
from matchmaker.schemas import responses
from matchmaker.schemas.common import model_schemas
from matchmaker.schemas.jobs import JobOut, OrganisationSaved
from matchmaker.schemas.profile import OrganisationCreate, OrganisationOut, OrganisationSummary, ProfileFields

Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def error(description: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def ok(description: str, schema: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def body(schema: str, required: bool = True) -> Json:
    return {"required": required, "content": {"application/json": {"schema": ref(schema)}}}


def path_id(name: str) -> Json:
    """A whole-number path parameter, like Flask's ``<int:name>``."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
    }


COMMON_ERRORS: Json = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}


def _update_schema() -> Json:
    """PATCH takes any subset of the profile, each field under the same rules as on creation."""
    schema = dict(model_schemas(("OrganisationUpdate", ProfileFields, "validation"))["OrganisationUpdate"])
    schema.pop("required", None)
    schema["description"] = "Any subset of the profile; the given fields replace the stored ones."
    return schema


SCHEMAS: Json = {
    **model_schemas(
        ("OrganisationSummary", OrganisationSummary, "serialization"),
        ("Organisation", OrganisationOut, "serialization"),
        ("OrganisationCreate", OrganisationCreate, "validation"),
    ),
    "OrganisationUpdate": _update_schema(),
    **model_schemas(
        ("Error", responses.Error, "serialization"),
        ("OrganisationPage", responses.OrganisationPage, "serialization"),
        ("Match", responses.MatchOut, "serialization"),
        ("MatchList", responses.MatchList, "serialization"),
        ("Job", JobOut, "serialization"),
        ("OrganisationSaved", OrganisationSaved, "serialization"),
    ),
    **INTRODUCTION_SCHEMAS,
    **PARTNERING_SCHEMAS,
}


def _page_parameters() -> list[Json]:
    return [
        {
            "name": "page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1},
        },
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    ]


ORGANISATION_PATHS: Json = {
    "/organisations": {
        "get": {
            "operationId": "listOrganisations",
            "summary": "Listed organisations by name, filtered like the directory",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Part of the name.",
                },
                {"name": "kind", "in": "query", "schema": {"enum": [k.value for k in OrganisationKind]}},
                {"name": "sector", "in": "query", "schema": {"enum": [s.value for s in Sector]}},
                {
                    "name": "include_hidden",
                    "in": "query",
                    "schema": {"type": "boolean"},
                    "description": "Staff only; ignored for everyone else.",
                },
                *_page_parameters(),
            ],
            "responses": {
                "200": ok("One page", "OrganisationPage"),
                "422": error("Bad query"),
                **COMMON_ERRORS,
            },
        },
        "post": {
            "operationId": "createOrganisation",
            "summary": "Create a profile: founders their one startup, staff any kind",
            "requestBody": body("OrganisationCreate"),
            "responses": {
                "201": ok("Created, matches computed", "Organisation"),
                "202": ok(
                    "Created; its matches are computed by a job (Location: the job's URL)",
                    "OrganisationSaved",
                ),
                "400": error("Not a JSON object"),
                "403": error("Your role may not create this kind"),
                "409": error("You already belong to an organisation"),
                "422": error("Invalid fields"),
                **COMMON_ERRORS,
            },
        },
    },
    "/organisations/{organisation_id}": {
        "parameters": [path_id("organisation_id")],
        "get": {
            "operationId": "getOrganisation",
            "summary": "One profile (hidden ones only for their members and staff)",
            "responses": {
                "200": ok("The profile", "Organisation"),
                "404": error("No such organisation"),
                **COMMON_ERRORS,
            },
        },
        "patch": {
            "operationId": "updateOrganisation",
            "summary": "Change some fields of a profile you may edit",
            "requestBody": body("OrganisationUpdate"),
            "responses": {
                "200": ok("The saved profile, matches computed", "Organisation"),
                "202": ok(
                    "Saved; its matches are refreshed by a job (Location: the job's URL)", "OrganisationSaved"
                ),
                "400": error("Not a JSON object"),
                "403": error("Not your organisation"),
                "404": error("No such organisation"),
                "422": error("Invalid fields; nothing was saved"),
                **COMMON_ERRORS,
            },
        },
    },
    "/organisations/{organisation_id}/matches": {
        "parameters": [path_id("organisation_id")],
        "get": {
            "operationId": "listMatches",
            "summary": "The organisation's ranked matches, best first, with explanations",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
            ],
            "responses": {
                "200": ok("Ranked matches", "MatchList"),
                "422": error("Bad query"),
                "403": error("Only members and staff see matches"),
                "404": error("No such organisation"),
                **COMMON_ERRORS,
            },
        },
    },
}

JOB_PATHS: Json = {
    "/jobs/{job_id}": {
        "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "get": {
            "operationId": "getJob",
            "summary": "A background job's state and progress (members: their organisation's; staff: all)",
            "responses": {
                "200": ok("The job", "Job"),
                "404": error("No such job, or not yours"),
                "503": error("The job queue (Redis) does not answer just now; try again (Retry-After)"),
                **COMMON_ERRORS,
            },
        },
    }
}

OPENAPI_PATHS: Json = {
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApiDocument",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {"description": "The OpenAPI document", "content": {"application/json": {}}}
            },
        }
    }
}


def _with_common_responses(paths: Json) -> Json:
    """Every operation may meet the request boundary (400: unstorable text or bad JSON; 413: too
    large) and the per-token limit (429); every one but the document itself needs a token (401)."""
    for item in paths.values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            responses.setdefault(
                "400", error("A character that cannot be stored, or a body that is not JSON")
            )
            responses.setdefault("413", error("The body is too large"))
            if "requestBody" in operation:
                responses.setdefault("415", error("A body not sent as Content-Type: application/json"))
            if operation.get("security") != []:
                responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
                responses.setdefault("429", {"$ref": "#/components/responses/TooManyRequests"})
    return paths


# pydantic names nested schemas after their classes; the document names them after the resource.
CLASS_TO_COMPONENT = {
    "OrganisationOut": "Organisation",
    "IntroductionOut": "Introduction",
    "IntroductionEventOut": "IntroductionEvent",
    "MatchOut": "Match",
}


def _one_name_each(node: Any) -> Any:
    """``node`` with every reference to a class-named schema pointing at its component name instead."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in CLASS_TO_COMPONENT:
                return node | {"$ref": f"#/components/schemas/{CLASS_TO_COMPONENT[name]}"}
        return {key: _one_name_each(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_one_name_each(value) for value in node]
    return node


def _component_schemas() -> Json:
    return {
        name: _one_name_each(schema) for name, schema in SCHEMAS.items() if name not in CLASS_TO_COMPONENT
    }


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
        "paths": _with_common_responses(
            {**ORGANISATION_PATHS, **INTRODUCTION_PATHS, **JOB_PATHS, **PARTNERING_PATHS, **OPENAPI_PATHS}
        ),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from /account/tokens or `flask create-api-token`.",
                }
            },
            "responses": {
                "Unauthorized": error("Missing, unknown or revoked token, or deactivated account"),
                "TooManyRequests": error("Too many calls with this token; wait as long as Retry-After says")
                | {
                    "headers": {
                        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
                    }
                },
            },
            "schemas": _component_schemas(),
        },
    }


@bp.get("/openapi.json", endpoint="openapi_document")
def openapi_document_view() -> Response:
    """The OpenAPI document, readable without a token."""
    return jsonify(openapi_document())
