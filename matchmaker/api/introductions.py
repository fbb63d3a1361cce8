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
from matchmaker.api.serialise import organisation_summary
from matchmaker.errors import PermissionDenied
from matchmaker.inputs import PAGE_MAX
from matchmaker.introductions import requests as service
from matchmaker.models import Introduction, IntroState, User
from matchmaker.schemas.introductions import (
    Decisions,
    IntroductionEventOut,
    IntroductionOut,
    IntroductionRequest,
    OutcomeRecord,
    TransitionNote,
    read_body,
)

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


def introduction_json(introduction: Introduction, viewer: User) -> dict[str, Any]:
    """An introduction as ``viewer`` may see it (IntroductionOut): contact details only once introduced."""
    return IntroductionOut.model_validate(
        {
            "id": introduction.id,
            "state": introduction.state,
            "startup": organisation_summary(introduction.startup),
            "counterpart": organisation_summary(introduction.counterpart),
            "requested_by_side": introduction.requested_by_side,
            "message": introduction.message,
            "staff_note": introduction.staff_note,
            "answer_note": introduction.answer_note,
            "outcome": introduction.outcome,
            "outcome_note": introduction.outcome_note,
            "created_at": introduction.created_at,
            "state_changed_at": introduction.state_changed_at,
            "approved_at": introduction.approved_at,
            "introduced_at": introduction.introduced_at,
            "met_at": introduction.met_at,
            "outcome_at": introduction.outcome_at,
            "allowed_actions": [SEGMENT_OF_ACTION[a] for a in service.allowed_actions(viewer, introduction)],
            "contacts": service.contact_details(viewer, introduction),
        }
    ).model_dump(mode="json")


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


@bp.get("/introductions")
def list_introductions() -> Response:
    """Staff see every introduction, members those of their organisation; newest first, paged."""
    viewer = api_user()
    states = _states_filter()
    page = int_arg("page", 1, maximum=PAGE_MAX)
    per_page = int_arg("per_page", 20, maximum=PER_PAGE_MAX)
    everything = service.list_for_viewer(viewer, states)
    start = (page - 1) * per_page
    return jsonify(
        {
            "items": [introduction_json(i, viewer) for i in everything[start : start + per_page]],
            "page": page,
            "per_page": per_page,
            "total": len(everything),
            "pages": (len(everything) + per_page - 1) // per_page,
        }
    )


@bp.get("/introductions/<int:introduction_id>")
def get_introduction(introduction_id: int) -> Response:
    viewer = api_user()
    return jsonify(introduction_json(service.get_for_viewer(viewer, introduction_id), viewer))


@bp.get("/introductions/<int:introduction_id>/events")
def introduction_events(introduction_id: int) -> Response:
    """The audit log: every transition with who, when, from, to and note; staff only, oldest first."""
    viewer = api_user()
    events = service.audit_log(viewer, service.get_for_viewer(viewer, introduction_id))
    return jsonify(
        {
            "items": [
                IntroductionEventOut.model_validate(
                    {
                        "id": event.id,
                        "from_state": event.from_state,
                        "to_state": event.to_state,
                        "actor": None
                        if event.actor is None
                        else {"id": event.actor.id, "email": event.actor.email, "role": event.actor.role},
                        "note": event.note,
                        "created_at": event.created_at,
                    }
                ).model_dump(mode="json")
                for event in events
            ]
        }
    )


@bp.post("/introductions/decisions")
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
    return jsonify(
        {
            "decided": [introduction_json(i, viewer) for i in result.done],
            "refused": [{"id": i, "message": message} for i, message in result.refused],
        }
    )


@bp.post("/introductions")
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


for _segment in TRANSITION_ENDPOINTS:
    bp.add_url_rule(
        f"/introductions/<int:introduction_id>/{_segment}",
        endpoint=f"introduction_{_segment.replace('-', '_')}",
        view_func=_transition_view(_segment),
        methods=["POST"],
    )
