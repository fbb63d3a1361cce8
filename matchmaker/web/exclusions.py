"""Private exclusions page: a partner's or investor's list of startups it is never matched with."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.inputs import whole_number
from matchmaker.matching import exclusions
from matchmaker.matching import refresh as matching
from matchmaker.models import Role
from matchmaker.web.helpers import back_to, refuse, roles_required

bp = Blueprint("exclusions", __name__, url_prefix="/exclusions")
owner_required = roles_required(Role.PARTNER, Role.INVESTOR)


def _fail(error: ServiceError) -> Response:
    if error.status_code == 403:
        abort(403, error.message)
    return refuse(error, back_to(url_for("exclusions.index")))


@bp.get("/")
@owner_required
def index() -> str:
    """The list, a form to add a startup or a keyword, and which startups a keyword would hide."""
    try:
        listed = exclusions.exclusions_of(current_user)
    except ServiceError as error:
        abort(error.status_code, error.message)
    preview = request.args.get("preview", "").strip()[:100]
    return render_template(
        "exclusions/index.html",
        exclusions=listed,
        preview=preview,
        preview_hits=exclusions.startups_matching(current_user, preview) if preview else [],
        preview_equivalents=exclusions.keyword_equivalents(preview) if preview else (),
        equivalents=exclusions.keyword_equivalents,
    )


@bp.post("/organisation")
@owner_required
def add_organisation() -> Response:
    try:
        exclusion = exclusions.exclude_organisation(
            current_user, whole_number(request.form.get("startup_id", ""))
        )
    except ServiceError as error:
        return _fail(error)
    name = exclusion.excluded.name if exclusion.excluded else ""
    flash(_("%(name)s will never be matched with you; they are not told.", name=name), "success")
    return redirect(back_to(url_for("exclusions.index")), 303)


@bp.post("/keyword")
@owner_required
def add_keyword() -> Response:
    try:
        exclusion = exclusions.exclude_keyword(current_user, request.form.get("keyword", ""))
    except ServiceError as error:
        return _fail(error)
    flash(
        _("Startups that mention “%(word)s” will never be matched with you.", word=exclusion.keyword),
        "success",
    )
    return redirect(url_for("exclusions.index"), 303)


@bp.post("/<int:exclusion_id>/remove")
@owner_required
def remove(exclusion_id: int) -> Response:
    try:
        owner = exclusions.remove_exclusion(current_user, exclusion_id)
    except ServiceError as error:
        return _fail(error)
    matching.refresh_after_save(owner)  # the startups it hid are scored again
    flash(_("The exclusion is removed; those startups can be matched again."), "success")
    return redirect(url_for("exclusions.index"), 303)
