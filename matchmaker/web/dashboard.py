"""The start page after sign-in: one dashboard per role."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from matchmaker.extensions import db
from matchmaker.models import Organisation, User

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
    """Founders, partners and investors see their organisation; staff see the complex at a glance."""
    if current_user.is_staff:
        kinds = dict(
            db.session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
        )
        roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
        return render_template("web/dashboard_staff.html", kinds=kinds, roles=roles)
    return render_template("web/dashboard_member.html", organisation=current_user.organisation)
