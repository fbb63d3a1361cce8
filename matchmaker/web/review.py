"""Review pages: ranked startups for partners and investors, ranked partners and investors for founders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.i18n import format_moment
from matchmaker.inputs import whole_number
from matchmaker.labels import label
from matchmaker.matching import reviews
from matchmaker.matching.pending import refresh_status
from matchmaker.matching.triples import triples_for
from matchmaker.models import DismissalKind, Organisation, Role, utcnow
from matchmaker.models.versions import ALL, organisation_scope, page_scopes, scopes_read_by_pages
from matchmaker.operations import dashboard, versions
from matchmaker.operations.page_cache import Versions, kept_pages
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


# Stands in for the CSRF token in a cached list: each visitor's own token is put back when it is served.
CSRF_MARK = "\x00csrf\x00"


def _canonical_path(query: reviews.ReviewQuery) -> str:
    """The page's URL with only the filters it understood, in one order: the cache key, and where the
    page's forms send the visitor back to (a made-up parameter never reaches either)."""
    args: dict[str, Any] = {
        "q": query.text or None,
        "sector": query.sector or None,
        "stage": query.stage or None,
        "kind": query.kind or None,
        "tenant": 1 if query.tenant_only else None,
        "min_score": query.min_score or None,
        "order": query.order or None,
        "page": query.page if query.page > 1 else None,
    }
    return url_for("review.index", **{k: v for k, v in args.items() if v is not None})


def _render_list(
    organisation: Organisation,
    query: reviews.ReviewQuery,
    per_page: int,
    now: datetime,
    here: str,
    read: Versions | None,
) -> dict[str, object]:
    """What the review page shows from the database: the list part rendered (CSRF token marked),
    the freshness line, the heading's name and which side is looking."""
    # The cards depend on the listed organisations' versions too: read once they are ranked and
    # before their rows are, so a card is never older than the versions it is kept by.
    card_versions = dict(read) if read is not None else None

    def read_listed(ids: list[int]) -> None:
        listed = versions.read([ALL, *(organisation_scope(i) for i in ids)])
        if card_versions is not None and listed is not None:
            card_versions.update({organisation_scope(i): listed[organisation_scope(i)] for i in ids})

    page = reviews.review_for(current_user, query, per_page, now, before_loading=read_listed)
    founder_view = organisation.kind == "startup"
    body = render_template(
        "review/_body.html",
        page=page,
        query=query,
        founder_view=founder_view,
        dismissals=reviews.dismissals_for(current_user),
        # three-way matches sit above the unfiltered first page only: a filtered list shows what it asked
        triples=triples_for(organisation, hidden=page.private) if query == reviews.ReviewQuery() else [],
        DISMISSAL_KINDS=list(DismissalKind),
        here=here,
        card=_cards(organisation.id, founder_view, here, page, card_versions),
    )
    return {
        "kind": organisation.kind,
        "founder_view": founder_view,
        "name": organisation.name,
        "freshness": _freshness(organisation),
        "body": body.replace(generate_csrf(), CSRF_MARK),
    }


def _cards(
    organisation_id: int, founder_view: bool, here: str, page: reviews.ReviewPage, read: Versions | None
) -> Callable[[reviews.ReviewItem], Markup]:
    """Renders one listed organisation's card, kept on its own: when a save moves a list, only the cards
    of what changed are rendered again.

    A card shows the other organisation, the pair's match and its latest introduction, so it depends on
    ``ALL`` (introductions), the viewer's scope and the other organisation's (models/versions.py). A
    searched list renders its cards each time (a search hit depends on the whole index)."""
    language = str(get_locale())

    def render(item: reviews.ReviewItem) -> str:
        hit = page.found(item.organisation.id)
        html = render_template(
            "review/_card.html", item=item, here=here, founder_view=founder_view, hit=hit, page=page
        )
        return html.replace(generate_csrf(), CSRF_MARK)

    def card(item: reviews.ReviewItem) -> Markup:
        if page.search is not None:
            return Markup(render(item))
        other_id = item.organisation.id
        key = ("review.card", organisation_id, other_id, language, here, founder_view)
        scopes = (ALL, organisation_scope(organisation_id), organisation_scope(other_id))

        def rendered() -> tuple[str, tuple[int, ...], int]:
            html = render(item)
            return html, scopes, len(html)

        return Markup(kept_pages().fetch(read, key, rendered))

    return card


@bp.get("/")
@member_required
def index() -> str:
    """The organisation's ranked matches with filters, search and pages; dismissed pairs are gone.

    What the page shows from the database is rendered once per organisation, language, URL, page size,
    ISO week (rotation) and month (popular startups), and kept in process while the data versions it
    depends on stand still: ``all``, the organisation's own and the other side's (every change it shows
    raises one of them in its own transaction, operations/versions.py). The versions are read before
    any of that data (the organisation too), so a kept page is never older than its versions.
    """
    organisation_id = current_user.organisation_id
    if organisation_id is None:
        abort(409, _("Describe your organisation first; matches are computed from its profile."))
    read = versions.read(scopes_read_by_pages(organisation_id))
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
    now = utcnow()
    year, week, _weekday = now.isocalendar()
    per_page = current_app.config["REVIEW_PAGE_SIZE"]
    here = _canonical_path(query)
    key = (organisation_id, str(get_locale()), here, per_page, year, week, now.month)

    def render() -> tuple[dict[str, object], tuple[int, ...], int]:
        organisation = reviews.organisation_as_of_now(organisation_id)
        if organisation is None:
            abort(409, _("Describe your organisation first; matches are computed from its profile."))
        part = _render_list(organisation, query, per_page, now, here, read)
        return part, page_scopes(organisation_id, organisation.kind), len(str(part["body"]))

    cached = kept_pages().fetch(read, key, render)
    seen_at = None  # the versions its matches were read at: "new" badges need no read while they stand
    if read is not None:
        seen_at = tuple(read[s] for s in page_scopes(organisation_id, str(cached["kind"])))
    dashboard.mark_matches_seen(current_user, seen_at)  # the dashboard's "new matches" count from here
    return render_template(
        "review/index.html",
        body=Markup(str(cached["body"]).replace(CSRF_MARK, generate_csrf())),
        query=query,
        founder_view=cached["founder_view"],
        organisation_name=cached["name"],
        organisation_id=organisation_id,
        freshness=cached["freshness"],
        refresh=refresh_status(organisation_id),
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
