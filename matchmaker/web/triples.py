"""Three-way matches: the staff page of the best triples, and one click requesting a triple's two
introductions (for staff on the startup's behalf, or for the startup's founder)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.inputs import whole_number
from matchmaker.matching import triples
from matchmaker.models import Role
from matchmaker.web.helpers import back_to, refuse, roles_required, staff_required

bp = Blueprint("triples", __name__)


@bp.get("/staff/triples/")
@staff_required
def index() -> str:
    """The best triples whose pairs were never introduced, with the reasons for each."""
    return render_template("triples/index.html", proposals=triples.best_triples())


@bp.post("/triples/request")
@roles_required(Role.FOUNDER, Role.STAFF, Role.ADMIN)
def request_both() -> Response:
    form = request.form
    try:
        requested = triples.request_triple(
            current_user,
            whole_number(form.get("startup_id", "")),
            whole_number(form.get("partner_id", "")),
            whole_number(form.get("investor_id", "")),
        )
    except ServiceError as error:
        if error.status_code == 403:
            abort(403, error.message)
        return refuse(error, back_to(url_for("review.index")))
    flash(
        _(
            "Both introductions are requested; each waits for the complex's approval (%(numbers)s).",
            numbers=", ".join(f"#{i.id}" for i in requested),
        ),
        "success",
    )
    return redirect(back_to(url_for("introductions.index")), 303)
