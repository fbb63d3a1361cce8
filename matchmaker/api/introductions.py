"""Introductions on the JSON API: list, read, request, and one POST per transition.

Every rule (who may see, who may move which state) is the introductions service's; these views
only read the JSON body, call it, and serialise what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel

from matchmaker.api.core import ApiError, api_user, bp, int_arg, json_body
from matchmaker.api.serialise import Seen, dump
from matchmaker.api.spec import query_parameter, route
from matchmaker.errors import PermissionDenied
from matchmaker.inputs import PAGE_MAX
from matchmaker.introductions import requests as service
from matchmaker.models import Introduction, IntroState, User
from matchmaker.schemas.introductions import (
    Decisions,
    IntroductionOut,
    IntroductionRequest,
    OutcomeRecord,
    TransitionNote,
    read_body,
)
from matchmaker.schemas.responses import DecisionResult, IntroductionEventList, IntroductionPage, Refusal

PER_PAGE_MAX = 100
# URL segment -> (the service's action name, its function, the schema of its body).
TRANSITION_ENDPOINTS: dict[str, tuple[str, Callable[..., Introduction], type[BaseModel]]] = {
    "approve": ("approve", service.approve, TransitionNote),
    "reject": ("reject", service.reject, TransitionNote),
    "accept": ("accept", service.accept, TransitionNote),
    "decline": ("decline", service.decline, TransitionNote),
    "withdraw": ("withdraw", service.withdraw, TransitionNote),
    "mark-met": ("mark_met", service.mark_met, TransitionNote),
    "outcome": ("record_outcome", service.record_outcome, OutcomeRecord),
}
SEGMENT_OF_ACTION = {action: segment for segment, (action, _, _) in TRANSITION_ENDPOINTS.items()}
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
NOT_YOURS = "No such introduction (or not yours to see)"


def seen_introduction(introduction: Introduction, viewer: User) -> Seen:
    """An introduction as ``viewer`` may see it (IntroductionOut): contact details only once introduced."""
    return Seen(
        introduction,
        allowed_actions=[SEGMENT_OF_ACTION[a] for a in service.allowed_actions(viewer, introduction)],
        contacts=service.contact_details(viewer, introduction),
    )


def introduction_json(introduction: Introduction, viewer: User) -> dict[str, Any]:
    """One introduction as ``viewer`` may see it, as JSON values."""
    return dump(IntroductionOut, seen_introduction(introduction, viewer))


def _states_filter() -> list[str] | None:
    raw = request.args.get("state", "")
    if not raw:
        return None
    states = [s.strip() for s in raw.split(",") if s.strip()]
    unknown = [s for s in states if s not in IntroState.__members__.values()]
    if unknown:
        raise ApiError(
            422, _("Check the query parameters."), {"state": _("Unknown state %(value)r.", value=unknown[0])}
        )
    return states


@route(
    "/introductions",
    "get",
    "listIntroductions",
    "Introductions you may see (staff: all; members: their organisation's), newest first",
    {200: ("One page", IntroductionPage), 422: ("Bad query", None)},
    query=(
        query_parameter(
            "state",
            {"type": "array", "items": {"enum": [s.value for s in IntroState]}},
            "Comma-separated states to keep, e.g. 'requested,approved'.",
            style="form",
            explode=False,
        ),
        query_parameter("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}),
        query_parameter("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX}),
    ),
)
def list_introductions() -> Response:
    """Staff see every introduction, members those of their organisation; newest first, paged."""
    viewer = api_user()
    states = _states_filter()
    page = int_arg("page", 1, maximum=PAGE_MAX)
    per_page = int_arg("per_page", 20, maximum=PER_PAGE_MAX)
    found = service.page_for_viewer(viewer, states, page, per_page)
    items = [seen_introduction(i, viewer) for i in found.items]
    return jsonify(dump(IntroductionPage, Seen(found, items=items, page=page, per_page=per_page)))


@route(
    "/introductions/<int:introduction_id>",
    "get",
    "getIntroduction",
    "One introduction (staff, or a member of either side)",
    {200: ("The introduction", IntroductionOut), 404: (NOT_YOURS, None)},
)
def get_introduction(introduction_id: int) -> Response:
    viewer = api_user()
    return jsonify(introduction_json(service.get_for_viewer(viewer, introduction_id), viewer))


@route(
    "/introductions/<int:introduction_id>/events",
    "get",
    "getIntroductionAuditLog",
    "The introduction's audit log, oldest first (staff only)",
    {200: ("Every transition", IntroductionEventList), 403: ("Not staff", None), 404: (NOT_YOURS, None)},
)
def introduction_events(introduction_id: int) -> Response:
    """The audit log: every transition with who, when, from, to and note; staff only, oldest first."""
    viewer = api_user()
    events = service.audit_log(viewer, service.get_for_viewer(viewer, introduction_id))
    return jsonify(dump(IntroductionEventList, {"items": events}))


@route(
    "/introductions/decisions",
    "post",
    "decideIntroductions",
    "Staff approve or reject several requests with one note, each on its own",
    {
        200: ("What was decided and what was refused (and why)", DecisionResult),
        400: ("The body is not a JSON object", None),
        403: ("Not staff", None),
        422: ("Missing or malformed ids, or a decision other than approve or reject", None),
    },
    body=Decisions,
)
def decide_introductions() -> Response:
    """Staff approve or reject several requests with one note; each is decided on its own.

    Answers 200 with what was decided and what was refused (already decided, unknown), like the queue
    page; a refusal of one does not undo the others.
    """
    viewer = api_user()
    if not viewer.is_staff:  # the role before the body: 403, not a 422 about fields
        raise PermissionDenied(_("Only the complex's staff approve or reject introductions."))
    body = read_body(Decisions, json_body())
    result = service.decide_many(viewer, body.introduction_ids, body.decision, body.note)
    decided = [seen_introduction(i, viewer) for i in result.done]
    refused = [Refusal(id=i, message=message) for i, message in result.refused]
    return jsonify(dump(DecisionResult, {"decided": decided, "refused": refused}))


@route(
    "/introductions",
    "post",
    "requestIntroduction",
    "Ask to be introduced to an organisation",
    {
        201: ("Requested", IntroductionOut),
        400: ("Not a JSON object", None),
        403: ("Staff and accounts without an organisation do not request introductions", None),
        404: ("No such organisation", None),
        409: ("Already open, dismissed, wrong kind of pair, or too many pending requests", None),
        422: ("Invalid fields", None),
    },
    body=IntroductionRequest,
)
def request_introduction() -> tuple[Response, int, dict[str, str]]:
    """Ask to be introduced to ``organisation_id`` (a partner or investor, or a startup). Answers 201."""
    viewer = api_user()
    if viewer.is_staff or viewer.organisation_id is None:  # the role before the body
        raise PermissionDenied(_("Introductions are requested by a startup, a partner or an investor."))
    body = read_body(IntroductionRequest, json_body())
    introduction = service.request_introduction(viewer, body.organisation_id, body.message)
    location = f"{bp.url_prefix}/introductions/{introduction.id}"
    return jsonify(introduction_json(introduction, viewer)), 201, {"Location": location}


def _transition_view(segment: str) -> Callable[[int], Response]:
    name, action, schema = TRANSITION_ENDPOINTS[segment]

    def view(introduction_id: int) -> Response:
        viewer = api_user()
        # 404 for those who may not see it, then 403 for the wrong side or role: both before the body
        service.get_for_actor(viewer, introduction_id, name)
        body = read_body(schema, json_body(required=False)).model_dump()
        note = body.pop("note")
        introduction = action(viewer, introduction_id, note=note, **body)
        return jsonify(introduction_json(introduction, viewer))

    view.__doc__ = f"POST /introductions/<id>/{segment}: {action.__doc__ or ''}".strip()
    return view


for _segment, _endpoint in TRANSITION_ENDPOINTS.items():
    _summary, _who, _sources = TRANSITION_DOCS[_segment]
    route(
        f"/introductions/<int:introduction_id>/{_segment}",
        "post",
        "introduction" + "".join(p.capitalize() for p in _segment.split("-")),
        _summary,
        {
            200: ("The introduction in its new state", IntroductionOut),
            400: ("Not a JSON object", None),
            403: ("Your role may not make this transition", None),
            404: (NOT_YOURS, None),
            409: ("The introduction's state does not allow this transition; nothing changed", None),
            422: ("Invalid fields", None),
        },
        endpoint=f"introduction_{_segment.replace('-', '_')}",
        body=_endpoint[2],
        body_required=_segment == "outcome",
        description=f"Allowed for {_who}, from: {_sources}.",
    )(_transition_view(_segment))
