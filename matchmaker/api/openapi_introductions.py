"""The introductions part of the OpenAPI document: schemas and one path per transition."""

from __future__ import annotations

from typing import Any

from matchmaker.inputs import DB_INT_MAX, PAGE_MAX
from matchmaker.models import IntroState
from matchmaker.schemas import responses
from matchmaker.schemas.common import model_schemas
from matchmaker.schemas.introductions import (
    Decisions,
    IntroductionEventOut,
    IntroductionOut,
    IntroductionRequest,
    OutcomeRecord,
    TransitionNote,
)

Json = dict[str, Any]

# Kept in step with ``matchmaker.api.introductions.TRANSITION_ENDPOINTS`` by tests/api/test_openapi.py.
TRANSITION_DOCS: dict[str, tuple[str, str, str]] = {
    # segment: (summary, who may, from which states)
    "approve": ("Approve a request (waitlisted if the counterpart's month is full)", "staff", "requested"),
    "reject": ("Reject a request", "staff", "requested, waitlisted"),
    "accept": ("Accept; both sides are introduced at once", "the side that was asked", "approved"),
    "decline": ("Decline", "the side that was asked", "approved"),
    "withdraw": ("Withdraw your own request", "the side that asked", "requested, waitlisted, approved"),
    "mark-met": ("Say the two sides met", "either side or staff", "introduced"),
    "outcome": ("Record what came of the meeting", "either side or staff", "met"),
}


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _error(description: str) -> Json:
    return _json(description, "Error")


_UNAUTHORISED: Json = {"401": {"$ref": "#/components/responses/Unauthorized"}}
_ID: Json = {
    "name": "introduction_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
}
INTRODUCTION_SCHEMAS: Json = {
    **model_schemas(
        ("Introduction", IntroductionOut, "serialization"),
        ("IntroductionPage", responses.IntroductionPage, "serialization"),
        ("IntroductionEventList", responses.IntroductionEventList, "serialization"),
        ("DecisionResult", responses.DecisionResult, "serialization"),
        ("IntroductionEvent", IntroductionEventOut, "serialization"),
        ("Decisions", Decisions, "validation"),
        ("IntroductionRequest", IntroductionRequest, "validation"),
        ("TransitionNote", TransitionNote, "validation"),
        ("OutcomeRecord", OutcomeRecord, "validation"),
    ),
}


def _transition_path(segment: str) -> Json:
    summary, who, sources = TRANSITION_DOCS[segment]
    schema = "OutcomeRecord" if segment == "outcome" else "TransitionNote"
    return {
        "parameters": [_ID],
        "post": {
            "operationId": "introduction" + "".join(p.capitalize() for p in segment.split("-")),
            "summary": summary,
            "description": f"Allowed for {who}, from: {sources}.",
            "requestBody": {
                "required": segment == "outcome",
                "content": {"application/json": {"schema": _ref(schema)}},
            },
            "responses": {
                "200": _json("The introduction in its new state", "Introduction"),
                "400": _error("Not a JSON object"),
                "403": _error("Your role may not make this transition"),
                "404": _error("No such introduction (or not yours to see)"),
                "409": _error("The introduction's state does not allow this transition; nothing changed"),
                "422": _error("Invalid fields"),
                **_UNAUTHORISED,
            },
        },
    }


INTRODUCTION_PATHS: Json = {
    "/introductions": {
        "get": {
            "operationId": "listIntroductions",
            "summary": "Introductions you may see (staff: all; members: their organisation's), newest first",
            "parameters": [
                {
                    "name": "state",
                    "in": "query",
                    "schema": {"type": "array", "items": {"enum": [s.value for s in IntroState]}},
                    "style": "form",
                    "explode": False,
                    "description": "Comma-separated states to keep, e.g. 'requested,approved'.",
                },
                {
                    "name": "page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                },
            ],
            "responses": {
                "200": _json("One page", "IntroductionPage"),
                "422": _error("Bad query"),
                **_UNAUTHORISED,
            },
        },
        "post": {
            "operationId": "requestIntroduction",
            "summary": "Ask to be introduced to an organisation",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("IntroductionRequest")}},
            },
            "responses": {
                "201": _json("Requested", "Introduction"),
                "400": _error("Not a JSON object"),
                "403": _error("Staff and accounts without an organisation do not request introductions"),
                "404": _error("No such organisation"),
                "409": _error("Already open, dismissed, wrong kind of pair, or too many pending requests"),
                "422": _error("Invalid fields"),
                **_UNAUTHORISED,
            },
        },
    },
    "/introductions/{introduction_id}": {
        "parameters": [_ID],
        "get": {
            "operationId": "getIntroduction",
            "summary": "One introduction (staff, or a member of either side)",
            "responses": {
                "200": _json("The introduction", "Introduction"),
                "404": _error("No such introduction (or not yours to see)"),
                **_UNAUTHORISED,
            },
        },
    },
    "/introductions/decisions": {
        "post": {
            "operationId": "decideIntroductions",
            "summary": "Staff approve or reject several requests with one note, each on its own",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Decisions")}},
            },
            "responses": {
                "200": _json("What was decided and what was refused (and why)", "DecisionResult"),
                "400": _error("The body is not a JSON object"),
                "403": _error("Not staff"),
                "422": _error("Missing or malformed ids, or a decision other than approve or reject"),
                **_UNAUTHORISED,
            },
        },
    },
    "/introductions/{introduction_id}/events": {
        "parameters": [_ID],
        "get": {
            "operationId": "getIntroductionAuditLog",
            "summary": "The introduction's audit log, oldest first (staff only)",
            "responses": {
                "200": _json("Every transition", "IntroductionEventList"),
                "403": _error("Not staff"),
                "404": _error("No such introduction (or not yours to see)"),
                **_UNAUTHORISED,
            },
        },
    },
    **{
        f"/introductions/{{introduction_id}}/{segment}": _transition_path(segment)
        for segment in TRANSITION_DOCS
    },
}
