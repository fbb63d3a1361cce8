"""Staff pages for introductions: the queue of pending requests, the outbox and the funnel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.inputs import PAGE_MAX, whole_number
from matchmaker.introductions import funnel
from matchmaker.introductions import requests as service
from matchmaker.introductions.staff_queue import staff_queue_view
from matchmaker.mail import notifications
from matchmaker.models import Sector
from matchmaker.web.helpers import refuse, staff_required

bp = Blueprint("intro_staff", __name__, url_prefix="/staff")


@bp.get("/queue")
@staff_required
def queue() -> str:
    """Pending requests, oldest first, each with both profiles and the match explanation."""
    counterpart = request.args.get("counterpart", "")
    sector = request.args.get("sector", "")
    counterpart_id = whole_number(counterpart, 1)
    sector = sector if sector in Sector.__members__.values() else ""
    board = staff_queue_view(current_user, counterpart_id, sector or None)
    return render_template(
        "introductions/queue.html",
        pending=board.pending,
        waiting=board.waiting,
        matches=board.matches,
        counterparts=board.counterparts,
        counterpart_id=counterpart_id,
        sector=sector,
    )


@bp.post("/queue/decide")
@staff_required
def decide() -> Response:
    """Approve or reject the ticked requests with one note; each is decided on its own."""
    ids = [i for i in (whole_number(v, 1) for v in request.form.getlist("introduction_id")) if i is not None]
    queue_page = url_for("intro_staff.queue")
    if not ids:
        return refuse(_("Tick at least one request, then choose approve or reject."), queue_page)
    try:
        result = service.decide_many(
            current_user, ids, request.form.get("decision", ""), request.form.get("note", "")
        )
    except ServiceError as error:
        return refuse(error, queue_page)
    if result.done:
        count = len(result.done)
        if request.form.get("decision") == "approve":
            flash(ngettext("%(num)s request approved.", "%(num)s requests approved.", count), "success")
        else:
            flash(ngettext("%(num)s request rejected.", "%(num)s requests rejected.", count), "success")
    for introduction_id, message in result.refused:
        flash(_("Request #%(id)s was not changed: %(why)s", id=introduction_id, why=message), "error")
    return redirect(url_for("intro_staff.queue"))


@bp.get("/outbox")
@staff_required
def outbox() -> str:
    """Every e-mail the app wrote; in development this is where mail goes instead of a server."""
    page = request.args.get("page", "1")
    number = whole_number(page, 1, PAGE_MAX) or 1
    return render_template(
        "introductions/outbox.html",
        page=notifications.outbox_page(max(1, number)),
        body_for=notifications.body_for,
    )


@bp.get("/funnel")
@staff_required
def funnel_page() -> str:
    return render_template(
        "introductions/funnel.html",
        funnel=funnel.build_funnel(),
        STAGES=funnel.STAGES,
        STAGE_LABELS=funnel.STAGE_LABELS,
    )
