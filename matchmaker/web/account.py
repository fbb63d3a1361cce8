"""A member's own data: download everything held about them, or delete the account (PIPA)."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from matchmaker.accounts import personal_data
from matchmaker.errors import ServiceError
from matchmaker.web.helpers import render_failure
from matchmaker.web.security import no_store

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/data")
@login_required
@no_store
def export() -> Response:
    """Everything the service holds about the signed-in person, as a JSON download."""
    data = personal_data.export_for(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="matchmaker-my-data.json"'},
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete() -> Response | str | tuple[str, int]:
    """Confirm with the password, then delete the account's personal data and sign out."""
    if request.method == "GET":
        return render_template("auth/delete_account.html", errors={})
    try:
        personal_data.delete_account(current_user, request.form.get("password", ""))
    except ServiceError as error:
        return render_failure("auth/delete_account.html", error)
    logout_user()
    session.clear()
    flash(_("Your account is deleted. Thank you for using matchmaker."), "success")
    return redirect(url_for("auth.login"))
