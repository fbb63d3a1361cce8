"""The start page after sign-in: one dashboard per role."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matchmaker.operations import dashboard

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home() -> Response:
    return redirect(url_for("dashboard.index" if current_user.is_authenticated else "auth.login"))


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on their own; answer with the app's icon instead of a 404."""
    return send_from_directory(current_app.static_folder or "static", "favicon.ico", max_age=86400)


@bp.get("/dashboard")
@login_required
def index() -> str:
    """Each role's next actions; staff also see the queue, stuck introductions and the complex in charts."""
    if current_user.is_staff:
        return render_template("web/dashboard_staff.html", board=dashboard.staff_dashboard())
    return render_template("web/dashboard_member.html", board=dashboard.member_dashboard(current_user))
