"""Review pages: ranked startups for partners and investors, ranked partners and investors for founders."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.i18n import format_moment
from matchmaker.inputs import whole_number
from matchmaker.labels import label
from matchmaker.models import DismissalKind, Organisation, Role
from matchmaker.services import dashboard, reviews
from matchmaker.services.errors import ServiceError
from matchmaker.services.tasks import refresh_status
from matchmaker.services.triples import triples_for
from matchmaker.web.helpers import back_to, is_safe_next, refuse, roles_required

bp = Blueprint("review", __name__, url_prefix="/review")
member_required = roles_required(Role.FOUNDER, Role.PARTNER, Role.INVESTOR)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = whole_number(request.args.get(name, ""))
    return min(high, max(low, value)) if value is not None else default


def _back() -> Response:
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("review.index"))


def _freshness(organisation: Organisation) -> str:
    """When the list was computed, and whether a later profile change still has to reach it."""
    computed = reviews.matches_computed_at(organisation)
    if computed is None:
        return _("No matches are computed yet; they appear after the profile is saved.")
    if organisation.updated_at and organisation.updated_at > computed:
        return _("The profile changed after these matches were computed; they are being refreshed.")
    return _("Matches computed %(moment)s.", moment=format_moment(computed, "short"))


@bp.get("/")
@member_required
def index() -> str:
    """The organisation's ranked matches with filters, search and pages; dismissed pairs are gone."""
    if current_user.organisation is None:
        abort(409, _("Describe your organisation first; matches are computed from its profile."))
    query = reviews.ReviewQuery(
        text=request.args.get("q", "").strip()[:100],
        sector=request.args.get("sector", ""),
        stage=request.args.get("stage", ""),
        tenant_only=request.args.get("tenant") == "1",
        min_score=_int_arg("min_score", 0, 0, 100),
        kind=request.args.get("kind", ""),
        order=request.args.get("order", ""),
        page=_int_arg("page", 1, 1, 10_000),
    )
    page = reviews.review_for(current_user, query, per_page=current_app.config["REVIEW_PAGE_SIZE"])
    dashboard.mark_matches_seen(current_user)  # the dashboard's "new matches" now counts from here
    return render_template(
        "review/index.html",
        page=page,
        query=query,
        founder_view=current_user.organisation.kind == "startup",
        freshness=_freshness(current_user.organisation),
        refresh=refresh_status(current_user.organisation.id),
        dismissals=reviews.dismissals_for(current_user),
        # three-way matches sit above the unfiltered first page only: a filtered list shows what it asked
        triples=triples_for(current_user.organisation) if query == reviews.ReviewQuery() else [],
        DISMISSAL_KINDS=list(DismissalKind),
    )


@bp.post("/<int:other_id>/dismiss")
@member_required
def dismiss(other_id: int) -> Response:
    """'Not interested' (with an optional reason) or 'already met': hide the pair from now on."""
    try:
        dismissal = reviews.dismiss(
            current_user, other_id, request.form.get("kind", ""), request.form.get("reason", "")
        )
    except ServiceError as error:
        if error.status_code in (403, 404):
            abort(error.status_code, error.message)
        return refuse(error, back_to(url_for("review.index")))
    flash(
        _(
            "%(name)s is hidden (%(why)s).",
            name=dismissal.other.name,
            why=label(DismissalKind(dismissal.kind)).lower(),
        ),
        "success",
    )
    return _back()


@bp.post("/<int:other_id>/restore")
@member_required
def restore(other_id: int) -> Response:
    try:
        reviews.restore(current_user, other_id)
    except ServiceError as error:
        if error.status_code in (403, 404):
            abort(error.status_code, error.message)
        return refuse(error, back_to(url_for("review.index")))
    flash(_("It can be suggested again."), "success")
    return _back()
