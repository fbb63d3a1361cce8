"""Staff page for background jobs: what failed, why, and a button to run it again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError, Unavailable
from matchmaker.jobs import admin, registry
from matchmaker.jobs import queue as jobs
from matchmaker.models import Organisation
from matchmaker.web.helpers import refuse, staff_required

bp = Blueprint("staff_jobs", __name__, url_prefix="/staff/jobs")


def job_title(function: str, organisation: Organisation | None) -> str:
    """What a job does, in the reader's language (``function``: the name RQ stored)."""
    kind = registry.kind_of(function)
    if kind is None:
        return function
    if kind.name == "refresh-organisation" and organisation is not None:
        return _("Refresh the matches of %(name)s", name=organisation.name)
    return _(kind.title)


@bp.get("/")
@staff_required
def index() -> str:
    """Failed jobs with their error and a retry button, organisations waiting for fresh matches, and
    the latest retries (who and when)."""
    try:
        failed, unreachable = admin.failed_jobs(), None
    except Unavailable as error:
        failed, unreachable = [], error.message
    organisations = admin.organisations_of(failed)
    rows = [
        (f, job_title(f.function, organisations.get(f.ref.meta.get("organisation_id", 0)))) for f in failed
    ]
    pending = admin.waiting_refreshes()
    events = admin.latest_retries()
    return render_template(
        "staff/jobs.html",
        rows=rows,
        pending=pending,
        events=events,
        queue_enabled=jobs.queue_enabled(),
        unreachable=unreachable,
    )


@bp.post("/<job_id>/retry")
@staff_required
def retry(job_id: str) -> Response:
    """Put a failed job back on the queue; the retry is recorded with who asked for it."""
    try:
        admin.retry_failed(current_user, job_id)
    except ServiceError as error:
        return refuse(error, url_for("staff_jobs.index"))
    flash(_("The job is queued again."), "success")
    return redirect(url_for("staff_jobs.index"), 303)
