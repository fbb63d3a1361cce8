"""Background jobs on the JSON API: ``GET /jobs/<id>`` says how far a deferred piece of work got."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from matchmaker.api.core import api_user, bp
from matchmaker.jobs import admin
from matchmaker.jobs import queue as jobs


def job_url(job_id: str) -> str:
    """Where a client polls a job."""
    return f"{bp.url_prefix}/jobs/{job_id}"


def job_json(ref: jobs.JobRef) -> dict[str, Any]:
    """A job as the API shows it: state, progress (0..1) and, once failed, the error."""
    return {
        "id": ref.id,
        "url": job_url(ref.id) if ref.id else None,
        "state": ref.state,
        "progress": ref.progress,
        "error": ref.error,
        "description": ref.description,
        "organisation_id": ref.meta.get("organisation_id"),
    }


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    """A job's state; members see the jobs about their organisation, staff every job."""
    return jsonify(job_json(admin.job_for_viewer(api_user(), job_id)))
