"""Review pages: ranked startups for partners and investors, ranked partners and investors for founders."""

from __future__ import annotations

import re
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
from matchmaker.extensions import db
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


# Stands in for a listed organisation's card in a kept list: each card is kept on its own and put in
# when the list is served (``_with_cards``), so a change of one organisation renders its card again,
# not the list around it.
CARD_MARK = "\x00card:{}\x00"
_CARD_MARKS = re.compile("\x00card:(\\d+)\x00")


class _CardGone(Exception):
    """A kept list names an organisation whose pair has no stored match any more (it changed after the
    versions were read): the list is read again."""


def _render_list(
    organisation: Organisation,
    query: reviews.ReviewQuery,
    per_page: int,
    now: datetime,
    here: str,
    read: Versions | None,
    fresh: dict[int, str],
) -> dict[str, object]:
    """What the review page shows from the database: the list part rendered (CSRF token marked, each
    card of a list not searched marked, ``CARD_MARK``), the freshness line, the heading's name, which
    side is looking, which organisations have a card and whether the list read the other side's details."""
    # The cards depend on the listed organisations' versions too: read once they are ranked and
    # before their rows are, so a card is never older than the versions it is kept by.
    card_versions = dict(read) if read is not None else None

    def read_listed(ids: list[int]) -> None:
        listed = versions.read([ALL, *(organisation_scope(i) for i in ids)])
        if card_versions is not None and listed is not None:
            card_versions.update({organisation_scope(i): listed[organisation_scope(i)] for i in ids})

    page = reviews.review_for(current_user, query, per_page, now, before_loading=read_listed)
    founder_view = organisation.kind == "startup"
    card = _Cards(organisation.id, founder_view, here, page, card_versions, fresh)
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
        card=card,
    )
    return {
        "kind": organisation.kind,
        "founder_view": founder_view,
        "name": organisation.name,
        "freshness": _freshness(organisation),
        "body": body.replace(generate_csrf(), CSRF_MARK),
        "listed": tuple(card.marked),
        "details": page.details,
    }


def _card_key(organisation_id: int, other_id: int, here: str, founder_view: bool) -> tuple[object, ...]:
    return ("review.card", organisation_id, other_id, str(get_locale()), here, founder_view)


def _card_scopes(organisation_id: int, other_id: int) -> tuple[int, ...]:
    """A card shows the other organisation, the pair's match and its latest introduction: it depends
    on ``ALL`` (introductions), the viewer's scope and the other organisation's (models/versions.py)."""
    return (ALL, organisation_scope(organisation_id), organisation_scope(other_id))


def _render_card(
    item: reviews.ReviewItem, here: str, founder_view: bool, page: reviews.ReviewPage | None
) -> str:
    hit = page.found(item.organisation.id) if page is not None else None
    html = render_template(
        "review/_card.html", item=item, here=here, founder_view=founder_view, hit=hit, page=page
    )
    return html.replace(generate_csrf(), CSRF_MARK)


class _Cards:
    """The ``card`` of review/_body.html: a searched list has its cards rendered in it each time (a
    search hit depends on the whole index); any other list gets a mark for each card, which is rendered
    and kept on its own (by its organisation's scope) and put in when the list is served."""

    def __init__(
        self,
        organisation_id: int,
        founder_view: bool,
        here: str,
        page: reviews.ReviewPage,
        read: Versions | None,
        fresh: dict[int, str],
    ) -> None:
        self.organisation_id, self.founder_view, self.here = organisation_id, founder_view, here
        self.page, self.read, self.fresh = page, read, fresh
        self.marked: list[int] = []

    def __call__(self, item: reviews.ReviewItem) -> Markup:
        if self.page.search is not None:
            return Markup(_render_card(item, self.here, self.founder_view, self.page))
        other_id = item.organisation.id

        def rendered() -> tuple[str, tuple[int, ...], int]:
            html = _render_card(item, self.here, self.founder_view, self.page)
            return html, _card_scopes(self.organisation_id, other_id), len(html)

        # Rendered now while its rows are at hand (``fresh``: this request serves the list with it).
        key = _card_key(self.organisation_id, other_id, self.here, self.founder_view)
        self.fresh[other_id] = kept_pages().fetch(self.read, key, rendered)
        self.marked.append(other_id)
        return Markup(CARD_MARK.format(other_id))


def _with_cards(
    body: str,
    organisation_id: int,
    founder_view: bool,
    here: str,
    read: Versions | None,
    fresh: dict[int, str],
) -> str:
    """A kept list with its cards put in: those this request rendered with the list (``fresh``), else
    each kept one while its versions (in ``read``, read before any row) stand still, else read and
    rendered again now. Raises ``_CardGone`` when a pair the list names has no stored match any more."""
    pieces = _CARD_MARKS.split(body)  # text, id, text, id, ..., text
    for n in range(1, len(pieces), 2):
        other_id = int(pieces[n])
        if other_id in fresh:
            pieces[n] = fresh[other_id]
            continue

        def rendered(other_id: int = other_id) -> tuple[str, tuple[int, ...], int]:
            item = reviews.review_item(current_user, other_id)
            if item is None:
                raise _CardGone(other_id)
            html = _render_card(item, here, founder_view, None)
            return html, _card_scopes(organisation_id, other_id), len(html)

        key = _card_key(organisation_id, other_id, here, founder_view)
        pieces[n] = kept_pages().fetch(read, key, rendered)
    return "".join(pieces)


@bp.get("/")
@member_required
def index() -> str:
    """The organisation's ranked matches with filters, search and pages; dismissed pairs are gone.

    What the page shows from the database is rendered once per organisation, language, URL, page size,
    ISO week (rotation) and month (popular startups), and kept in process while the data versions it
    depends on stand still: ``all``, the organisation's own and the other side's, and the other side's
    details where the list read them (every change it shows raises one of them in its own transaction,
    operations/versions.py); each card is kept by its organisation's own scope. The versions are read before
    any of that data (the organisation too), so a kept page is never older than its versions.
    """
    organisation_id = current_user.organisation_id
    if organisation_id is None:
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
    now = utcnow()
    year, week, _weekday = now.isocalendar()
    per_page = current_app.config["REVIEW_PAGE_SIZE"]
    here = _canonical_path(query)
    key = (organisation_id, str(get_locale()), here, per_page, year, week, now.month)
    for _attempt in range(3):
        # The kept list names the organisations it has cards for: their versions are read with the
        # page's, in one query (the first view, or a list that changed, reads theirs once more).
        peek = kept_pages().peek(key)
        listed: tuple[int, ...] = tuple(peek["listed"]) if isinstance(peek, dict) else ()
        read = versions.read([*scopes_read_by_pages(organisation_id), *map(organisation_scope, listed)])
        fresh: dict[int, str] = {}  # the cards rendered with the list, if it is rendered now

        def render(
            read: Versions | None = read, fresh: dict[int, str] = fresh
        ) -> tuple[dict[str, object], tuple[int, ...], int]:
            organisation = reviews.organisation_as_of_now(organisation_id)
            if organisation is None:
                abort(409, _("Describe your organisation first; matches are computed from its profile."))
            part = _render_list(organisation, query, per_page, now, here, read, fresh)
            scopes = page_scopes(organisation_id, organisation.kind, details=bool(part["details"]))
            return part, scopes, len(str(part["body"]))

        cached = kept_pages().fetch(read, key, render)
        founder_view = bool(cached["founder_view"])
        card_read, others = read, [i for i in cached["listed"] if i not in fresh]
        if read is not None and any(organisation_scope(i) not in read for i in others):
            # (another thread rendered the list meanwhile, listing others than this request read)
            card_read = versions.read(
                [ALL, organisation_scope(organisation_id), *map(organisation_scope, others)]
            )
        try:
            body = _with_cards(str(cached["body"]), organisation_id, founder_view, here, card_read, fresh)
            break
        except _CardGone:
            db.session.expire_all()  # what this attempt read is older than the next one's versions
            continue  # the change that took the pair away moved the list too: read it again
    else:
        raise RuntimeError("the review list kept changing while it was read")
    seen_at = None  # the versions its matches were read at: "new" badges need no read while they stand
    if read is not None:
        seen_at = tuple(read[s] for s in page_scopes(organisation_id, str(cached["kind"])))
    dashboard.mark_matches_seen(current_user, seen_at)  # the dashboard's "new matches" count from here
    return render_template(
        "review/index.html",
        body=Markup(body.replace(CSRF_MARK, generate_csrf())),
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
