"""The API's OpenAPI 3.1 document, written by hand; a test keeps it equal to the routes."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from matchmaker.api.core import API_PREFIX, bp
from matchmaker.api.openapi_introductions import INTRODUCTION_PATHS, INTRODUCTION_SCHEMAS
from matchmaker.models import Currency, OrganisationKind, Sector, Stage, Visibility

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
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


COMMON_ERRORS: Json = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "429": {"$ref": "#/components/responses/TooManyRequests"},
}
NULLABLE_TEXT: Json = {"type": ["string", "null"]}
AMOUNT: Json = {
    "type": ["integer", "string", "null"],
    "description": (
        "Whole units of the currency field beside it (won or dollars); on input, text as people type it "
        "is accepted too: '20억원', '1.5억', '5,000만', '₩2,000,000,000', '$1.5M', '500k'. "
        "A currency mark in the text wins over the currency field."
    ),
}
CURRENCY: Json = {"enum": [c.value for c in Currency], "description": "Currency of the amounts beside it."}

ORGANISATION_PROFILE: Json = {
    "name": {"type": "string", "maxLength": 120},
    "description": {"type": "string", "maxLength": 4000},
    "offers": {"type": "string", "maxLength": 2000},
    "seeks": {"type": "string", "maxLength": 2000},
    "sectors": {"type": "array", "items": {"enum": [s.value for s in Sector]}},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 12},
    "stage": {"enum": [s.value for s in Stage] + [None], "description": "Startups only."},
    "raising_amount": AMOUNT,
    "raising_currency": CURRENCY,
    "investor_stages": {"type": "array", "items": {"enum": [s.value for s in Stage]}},
    "ticket_min": AMOUNT,
    "ticket_max": AMOUNT,
    "ticket_currency": CURRENCY,
    "location": {"type": "string", "maxLength": 120},
    "is_complex_tenant": {"type": "boolean"},
    "website": {"type": "string", "format": "uri", "maxLength": 300},
    "contact_email": {"type": "string", "format": "email"},
    "team_size": {"type": ["integer", "null"], "minimum": 1},
    "visibility": {"enum": [v.value for v in Visibility]},
    "monthly_intro_capacity": {
        "type": ["integer", "null"],
        "minimum": 0,
        "description": "Partners and investors: new introductions taken per month; null means no limit.",
    },
}

SCHEMAS: Json = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message", "fields"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "What is wrong with each field (422), else empty.",
                    },
                },
            }
        },
    },
    "OrganisationSummary": {
        "type": "object",
        "required": ["id", "name", "kind"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"enum": [k.value for k in OrganisationKind]},
        },
    },
    "Organisation": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "kind": {"enum": [k.value for k in OrganisationKind]},
            **ORGANISATION_PROFILE,
            "contact_email": NULLABLE_TEXT
            | {"description": "Null unless you are a member, staff, or introduced to this organisation."},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "matches_job": ref("Job") | {"description": "Only in a 202 answer: the job refreshing matches."},
        },
    },
    "Job": {
        "type": "object",
        "required": ["id", "state", "progress"],
        "properties": {
            "id": {"type": "string"},
            "url": {"type": "string"},
            "state": {
                "enum": [
                    "queued",
                    "scheduled",
                    "deferred",
                    "started",
                    "finished",
                    "failed",
                    "canceled",
                    "stopped",
                ]
            },
            "progress": {"type": "number", "minimum": 0, "maximum": 1},
            "error": NULLABLE_TEXT,
            "description": {"type": "string"},
            "organisation_id": {"type": ["integer", "null"]},
        },
    },
    "OrganisationCreate": {
        "type": "object",
        "required": ["name", "description"],
        "additionalProperties": False,
        "properties": {
            "kind": {"enum": [k.value for k in OrganisationKind], "default": "startup"},
            **ORGANISATION_PROFILE,
        },
    },
    "OrganisationUpdate": {
        "type": "object",
        "description": "Any subset of the profile; the given fields replace the stored ones.",
        "additionalProperties": False,
        "properties": ORGANISATION_PROFILE,
    },
    "OrganisationPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ref("Organisation")},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    },
    "Match": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "organisation": ref("OrganisationSummary"),
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "percent": {"type": "integer"},
            "explanation": {"type": "object", "description": "Score components, matched phrases and hints."},
            "model_version": {"type": "string"},
            "computed_at": {"type": "string", "format": "date-time"},
        },
    },
    "MatchList": {
        "type": "object",
        "properties": {
            "organisation": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "items": {"type": "array", "items": ref("Match")},
        },
    },
    **INTRODUCTION_SCHEMAS,
}


def _page_parameters() -> list[Json]:
    return [
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
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
                    "Created; its matches are computed by a job (Location: the job's URL)", "Organisation"
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
                    "Saved; its matches are refreshed by a job (Location: the job's URL)", "Organisation"
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
        "paths": {**ORGANISATION_PATHS, **INTRODUCTION_PATHS, **JOB_PATHS, **OPENAPI_PATHS},
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
            "schemas": SCHEMAS,
        },
    }


@bp.get("/openapi.json", endpoint="openapi_document")
def openapi_document_view() -> Response:
    """The OpenAPI document, readable without a token."""
    return jsonify(openapi_document())
