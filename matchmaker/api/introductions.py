"""Introductions on the JSON API: list, read, request, and one POST per transition.

Every rule (who may see, who may move which state) is the introductions service's; these views
only read the JSON body, call it, and serialise what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from matchmaker.api.core import ApiError, api_user, bp, check_known_fields, int_arg, json_body
from matchmaker.api.serialise import organisation_summary, timestamp
from matchmaker.inputs import PAGE_MAX
from matchmaker.models import Introduction, IntroState, User
from matchmaker.services import introductions as service

PER_PAGE_MAX = 100
DECISIONS_MAX = 100  # introductions decided in one call
# URL segment -> (the service's action name, its function, the body fields it takes besides "note").
TRANSITION_ENDPOINTS: dict[str, tuple[str, Callable[..., Introduction], tuple[str, ...]]] = {
    "approve": ("approve", service.approve, ()),
    "reject": ("reject", service.reject, ()),
    "accept": ("accept", service.accept, ()),
    "decline": ("decline", service.decline, ()),
    "withdraw": ("withdraw", service.withdraw, ()),
    "mark-met": ("mark_met", service.mark_met, ()),
    "outcome": ("record_outcome", service.record_outcome, ("outcome",)),
}
SEGMENT_OF_ACTION = {action: segment for segment, (action, _, _) in TRANSITION_ENDPOINTS.items()}


def introduction_json(introduction: Introduction, viewer: User) -> dict[str, Any]:
    """An introduction as ``viewer`` may see it: contact details only once introduced."""
    return {
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
        "created_at": timestamp(introduction.created_at),
        "state_changed_at": timestamp(introduction.state_changed_at),
        "approved_at": timestamp(introduction.approved_at),
        "introduced_at": timestamp(introduction.introduced_at),
        "met_at": timestamp(introduction.met_at),
        "outcome_at": timestamp(introduction.outcome_at),
        # The transitions ``viewer`` may POST now, named by their URL segment.
        "allowed_actions": [SEGMENT_OF_ACTION[a] for a in service.allowed_actions(viewer, introduction)],
        "contacts": service.contact_details(viewer, introduction),
    }


def _note(body: dict[str, Any]) -> str:
    note = body.get("note", "")
    if note is not None and not isinstance(note, str):
        raise ApiError(422, _("Some fields have the wrong type."), {"note": _("Send text (a JSON string).")})
    return note or ""


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
                {
                    "id": event.id,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "actor": (
                        None
                        if event.actor is None
                        else {"id": event.actor.id, "email": event.actor.email, "role": event.actor.role}
                    ),
                    "note": event.note,
                    "created_at": timestamp(event.created_at),
                }
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
    body = json_body()
    check_known_fields(body, {"introduction_ids", "decision", "note"})
    ids = body.get("introduction_ids")
    if not (
        isinstance(ids, list)
        and 0 < len(ids) <= DECISIONS_MAX
        and all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise ApiError(
            422,
            _("Please correct the marked fields."),
            {
                "introduction_ids": _(
                    "Send a list of 1 to %(num)s introduction ids (numbers).", num=DECISIONS_MAX
                )
            },
        )
    decision = body.get("decision")
    if not isinstance(decision, str):
        raise ApiError(
            422, _("Please correct the marked fields."), {"decision": _("Choose approve or reject.")}
        )
    viewer = api_user()
    result = service.decide_many(viewer, ids, decision, _note(body))
    return jsonify(
        {
            "decided": [introduction_json(i, viewer) for i in result.done],
            "refused": [{"id": i, "message": message} for i, message in result.refused],
        }
    )


@bp.post("/introductions")
def request_introduction() -> tuple[Response, int, dict[str, str]]:
    """Ask to be introduced to ``organisation_id`` (a partner or investor, or a startup). Answers 201."""
    body = json_body()
    check_known_fields(body, {"organisation_id", "message"})
    other_id = body.get("organisation_id")
    errors: dict[str, str] = {}
    if not isinstance(other_id, int) or isinstance(other_id, bool):
        errors["organisation_id"] = _("Send the id of the organisation to be introduced to, as a number.")
    message = body.get("message", "")
    if message is not None and not isinstance(message, str):
        errors["message"] = _("Send text (a JSON string).")
    if errors or not isinstance(other_id, int):
        raise ApiError(422, _("Please correct the marked fields."), errors)
    introduction = service.request_introduction(api_user(), other_id, message or "")
    location = f"{bp.url_prefix}/introductions/{introduction.id}"
    return jsonify(introduction_json(introduction, api_user())), 201, {"Location": location}


def _transition_view(segment: str) -> Callable[[int], Response]:
    # Not `_`: that would hide gettext from the view below.
    _name, action, extra_fields = TRANSITION_ENDPOINTS[segment]

    def view(introduction_id: int) -> Response:
        body = json_body(required=False)
        check_known_fields(body, {"note", *extra_fields})
        extras: dict[str, str] = {}
        for field in extra_fields:
            value = body.get(field)
            if value is not None and not isinstance(value, str):
                raise ApiError(
                    422, _("Some fields have the wrong type."), {field: _("Send text (a JSON string).")}
                )
            extras[field] = value or ""  # the service says what a missing value should be
        viewer = api_user()
        introduction = action(viewer, introduction_id, note=_note(body), **extras)
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
