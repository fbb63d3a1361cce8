"""Partnering days on the JSON API: a participant's agenda and a meeting's calendar file.

``GET /partnering/{day_id}/agenda``: the published meetings of the token's organisation on that day
(staff: any participant's, with ``?participant=``). ``GET /partnering/meetings/{meeting_id}.ics``: the
meeting's invitation (METHOD:CANCEL once cancelled), for its two sides and staff.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from matchmaker.api.core import ApiError, api_user, bp
from matchmaker.errors import ServiceError
from matchmaker.inputs import DB_INT_MAX, whole_number
from matchmaker.partnering import agendas, days

Json = dict[str, Any]


def _fail(error: ServiceError) -> ApiError:
    return ApiError(error.status_code, error.message, getattr(error, "errors", None))


@bp.get("/partnering/<int:day_id>/agenda")
def partnering_agenda(day_id: int) -> Response:
    user = api_user()
    wanted = request.args.get("participant")
    participant_id = None
    if wanted is not None:
        participant_id = whole_number(wanted, minimum=1)
        if participant_id is None:
            message = _("A number is missing or not a whole number.")
            raise ApiError(400, message, {"participant": message})
    try:
        day = days.get_day(day_id)
        participant = days.participant_for(user, day, participant_id)
    except ServiceError as error:
        raise _fail(error) from error
    items = agendas.agenda(participant, include_provisional=user.is_staff)
    return jsonify(
        {
            "day_id": day.id,
            "day_name": {"en": day.name_en, "ko": day.name_ko},
            "participant_id": participant.id,
            "organisation_id": participant.organisation_id,
            "meetings": [
                {
                    "id": item.meeting.id,
                    "with_organisation_id": item.other.organisation_id,
                    "with_name": item.other.organisation.name,
                    "starts_at": item.meeting.slot.starts_at.isoformat(),
                    "ends_at": item.meeting.slot.ends_at.isoformat(),
                    "room": item.room,
                    "interpreter": item.meeting.interpreter is not None,
                    "status": item.meeting.status,
                    "sequence": item.meeting.sequence,
                    "ics_url": f"{bp.url_prefix}/partnering/meetings/{item.meeting.id}.ics",
                }
                for item in items
            ],
        }
    )


@bp.get("/partnering/meetings/<int:meeting_id>.ics")
def partnering_meeting_ics(meeting_id: int) -> Response:
    try:
        data = agendas.ics_for_meeting(api_user(), meeting_id)
    except ServiceError as error:
        raise _fail(error) from error
    return Response(data, mimetype="text/calendar")


def _error(description: str) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _id(name: str) -> Json:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
    }


PARTNERING_SCHEMAS: Json = {
    "PartneringAgenda": {
        "type": "object",
        "required": ["day_id", "day_name", "participant_id", "organisation_id", "meetings"],
        "properties": {
            "day_id": {"type": "integer"},
            "day_name": {
                "type": "object",
                "required": ["en", "ko"],
                "properties": {"en": {"type": "string"}, "ko": {"type": "string"}},
            },
            "participant_id": {"type": "integer"},
            "organisation_id": {"type": "integer"},
            "meetings": {"type": "array", "items": {"$ref": "#/components/schemas/PartneringMeeting"}},
        },
    },
    "PartneringMeeting": {
        "type": "object",
        "required": [
            "id",
            "with_organisation_id",
            "with_name",
            "starts_at",
            "ends_at",
            "room",
            "interpreter",
            "status",
            "sequence",
            "ics_url",
        ],
        "properties": {
            "id": {"type": "integer"},
            "with_organisation_id": {"type": "integer"},
            "with_name": {"type": "string"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "room": {"type": "string"},
            "interpreter": {"type": "boolean"},
            "status": {"type": "string", "enum": ["provisional", "published", "cancelled"]},
            "sequence": {"type": "integer", "description": "The ICS SEQUENCE: rises with every change"},
            "ics_url": {"type": "string"},
        },
    },
}

PARTNERING_PATHS: Json = {
    "/partnering/{day_id}/agenda": {
        "parameters": [_id("day_id")],
        "get": {
            "operationId": "getPartneringAgenda",
            "summary": "Your organisation's meetings on a partnering day (staff: any participant's)",
            "parameters": [
                {
                    "name": "participant",
                    "in": "query",
                    "required": False,
                    "description": "Staff only: whose agenda (a participant id of that day)",
                    "schema": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
                }
            ],
            "responses": {
                "200": {
                    "description": "The agenda",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/PartneringAgenda"}}
                    },
                },
                "403": _error("Another organisation's agenda"),
                "404": _error("No such day, or your organisation is not part of it"),
            },
        },
    },
    "/partnering/meetings/{meeting_id}.ics": {
        "parameters": [_id("meeting_id")],
        "get": {
            "operationId": "getPartneringMeetingIcs",
            "summary": "A meeting's calendar file (stable UID, rising SEQUENCE, METHOD:CANCEL if cancelled)",
            "responses": {
                "200": {
                    "description": "An iCalendar file",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                },
                "404": _error("No such meeting, or not one of yours"),
            },
        },
    },
}
