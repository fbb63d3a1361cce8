"""Admin tools: switch accounts on and off and re-issue invitations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.accounts import users as accounts
from matchmaker.errors import ServiceError
from matchmaker.models import User
from matchmaker.web.helpers import admin_required
from matchmaker.web.security import no_store

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = accounts.get_account(user_id)
    if user is None:
        abort(404, _("There is no such account."))
    return user


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int) -> Response:
    user = _user_or_404(user_id)
    try:
        accounts.set_active(current_user, user, not user.is_active_account)
    except ServiceError as error:
        abort(error.status_code, error.message)
    if user.is_active_account:
        flash(_("%(email)s is now active.", email=user.email), "success")
    else:
        flash(_("%(email)s is now deactivated.", email=user.email), "success")
    return redirect(url_for("staff.accounts_list"))


@bp.post("/users/<int:user_id>/invitation")
@admin_required
@no_store  # the answer shows the new set-password link
def reissue_invitation(user_id: int) -> str:
    """A new set-password link for an account that has no password yet (a lost invitation)."""
    user = _user_or_404(user_id)
    try:
        link = accounts.send_invitation(user)
    except ServiceError as error:
        abort(error.status_code, error.message)
    return render_template("staff/invited.html", invited=user, link=link)
