"""Introduction pages for both sides and staff: the list, one introduction, and its transitions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.extensions import db
from matchmaker.inputs import DB_INT_MAX, whole_number
from matchmaker.introductions import pairs
from matchmaker.introductions import requests as service
from matchmaker.models import Outcome, Role
from matchmaker.web.helpers import back_to, refuse, roles_required

bp = Blueprint("introductions", __name__, url_prefix="/introductions")
ACTION_DONE = {
    "approve": _l("Approved."),
    "reject": _l("Rejected."),
    "accept": _l("Accepted: you are introduced, and both sides now see each other's contact details."),
    "decline": _l("Declined."),
    "withdraw": _l("Withdrawn."),
    "mark_met": _l("Marked as met."),
    "record_outcome": _l("Outcome recorded. Thank you!"),
}


@bp.get("/")
@login_required
def index() -> str:
    """Staff see every introduction; members those of their organisation."""
    state = request.args.get("state", "")
    states = [state] if state else None
    return render_template(
        "introductions/index.html", introductions=service.list_for_viewer(current_user, states), state=state
    )


@bp.post("/request")
@roles_required(Role.FOUNDER, Role.PARTNER, Role.INVESTOR)
def request_new() -> Response:
    other_id = whole_number(request.form.get("other_id", ""), 1, 10**18)
    back = back_to(url_for("review.index"))
    if other_id is None:  # only a tampered form sends this
        abort(400, _("Choose whom you would like to be introduced to."))
    if other_id > DB_INT_MAX:  # a number, but no organisation can have it
        abort(404, _("There is no such organisation."))
    try:
        introduction = service.request_introduction(current_user, other_id, request.form.get("message", ""))
    except ServiceError as error:
        db.session.rollback()
        if error.status_code in (403, 404):
            abort(error.status_code, error.message)
        # A stale page (the pair was requested or hidden meanwhile): say so where the person was.
        return refuse(error, back)
    flash(_("Your request went to the complex's staff; you will hear back by e-mail."), "success")
    return redirect(url_for("introductions.show", introduction_id=introduction.id))


@bp.get("/<int:introduction_id>")
@login_required
def show(introduction_id: int) -> str:
    """Both profiles and the match explanation side by side, the state, the next steps and contacts."""
    try:
        introduction = service.get_for_viewer(current_user, introduction_id)
    except ServiceError as error:
        abort(error.status_code, error.message)
    match = pairs.match_of(introduction.startup_id, introduction.counterpart_id)
    return render_template(
        "introductions/show.html",
        introduction=introduction,
        match=match,
        actions=service.allowed_actions(current_user, introduction),
        contacts=service.contact_details(current_user, introduction),
        events=service.audit_log(current_user, introduction) if current_user.is_staff else [],
        OUTCOMES=list(Outcome),
    )


@bp.post("/<int:introduction_id>/<action>")
@login_required
def transition(introduction_id: int, action: str) -> Response:
    """Every person-made transition; the service decides whether it is allowed (403/404/409)."""
    if action not in service.USER_ACTIONS:
        abort(404, _("There is no such action."))
    note = request.form.get("note", "")
    try:
        if action == "record_outcome":
            service.record_outcome(current_user, introduction_id, request.form.get("outcome", ""), note)
        else:
            getattr(service, action)(current_user, introduction_id, note)
    except ServiceError as error:
        db.session.rollback()
        if error.status_code in (404, 403):
            abort(error.status_code, error.message)
        # e.g. the other side acted first: show the introduction as it is now, with the reason.
        return refuse(error, url_for("introductions.show", introduction_id=introduction_id))
    flash(str(ACTION_DONE[action]), "success")
    return redirect(url_for("introductions.show", introduction_id=introduction_id))
