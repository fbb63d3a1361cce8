"""Background jobs on the JSON API: ``GET /jobs/<id>`` says how far a deferred piece of work got."""

from __future__ import annotations

from flask import Response, jsonify

from matchmaker.api.core import api_user
from matchmaker.api.serialise import job_json, job_url
from matchmaker.api.spec import route
from matchmaker.jobs import admin
from matchmaker.schemas.jobs import JobOut

__all__ = ["get_job", "job_json", "job_url"]


@route(
    "/jobs/<job_id>",
    "get",
    "getJob",
    "A background job's state and progress (members: their organisation's; staff: all)",
    {
        200: ("The job", JobOut),
        404: ("No such job, or not yours", None),
        503: ("The job queue (Redis) does not answer just now; try again (Retry-After)", None),
    },
)
def get_job(job_id: str) -> Response:
    """A job's state; members see the jobs about their organisation, staff every job."""
    return jsonify(job_json(admin.job_for_viewer(api_user(), job_id)))
