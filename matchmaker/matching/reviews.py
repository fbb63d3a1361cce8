"""Ranked review lists (startups for partners and investors, partners and investors for founders),
"not interested" / "already met" dismissals, and the rotation that spreads attention.

Rotation: partners and investors see startups in score bands of ``BAND_POINTS`` points
(``matching.refresh.score_band``). Within a band the order is a shuffle fixed per viewer and ISO week
(so a page is stable while someone works through it, yet different partners see different startups
first), and startups that already received
``POPULAR_REQUESTS`` or more requests this month drop one band, so the same few are not shown to all.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.engine.profiles import embed_texts
from matchmaker.engine.ranking import mmr
from matchmaker.engine.search import SearchHit
from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions.capacity import month_start
from matchmaker.introductions.requests import possible_id
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import stored_encoder
from matchmaker.matching.exclusions import excludes_by_keyword, hidden_from
from matchmaker.matching.search import SearchResult, search
from matchmaker.models import (
    Dismissal,
    DismissalKind,
    Introduction,
    Match,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Sector,
    Stage,
    User,
    Visibility,
    utcnow,
)
from matchmaker.models.introductions import REASON_MAX

POPULAR_REQUESTS = 3
VARIED = "varied"
# How much the "varied" order trades score for difference from the startups listed above (MMR),
# and how many of the best matches it reorders (the rest follow by score; MMR costs n^2).
VARIETY = 0.3
VARIED_POOL = 200


@dataclass(frozen=True)
class ReviewQuery:
    """Filters of a review list; unknown values are ignored rather than refused (they come from URLs)."""

    text: str = ""
    sector: str = ""
    stage: str = ""
    tenant_only: bool = False
    min_score: int = 0  # percent, 0..100
    kind: str = ""  # founders: "partner" or "investor"
    order: str = ""  # partners and investors: "" = by score with the weekly rotation, "varied"
    page: int = 1


@dataclass
class ReviewItem:
    match: Match
    organisation: Organisation  # the other side of the pair
    introduction: Introduction | None  # the pair's most recent introduction, if any


@dataclass
class ReviewPage:
    items: list[ReviewItem]
    page: int
    per_page: int
    total: int
    # When nothing is listed: how many possible counterparts each hard filter kept away.
    filtered: dict[str, int] = field(default_factory=dict)
    # Ids kept away by private exclusions (hidden_from), read once per page and reused by the triples.
    private: set[int] = field(default_factory=set)
    # With a search: why each listed organisation was found, and the terms the query was matched with.
    search: SearchResult | None = None
    # Whether the list (outside its cards) read the other side's details, their texts or exact scores:
    # a founder's list (by exact score), a search, the varied order, a score filter, keyword exclusions.
    details: bool = True

    def found(self, organisation_id: int) -> SearchHit | None:
        return self.search.by_id.get(organisation_id) if self.search else None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _member_organisation(user: User) -> Organisation:
    if user.is_staff or user.organisation is None:
        raise PermissionDenied(_("Review lists belong to a startup, a partner or an investor."))
    return user.organisation


def organisation_as_of_now(organisation_id: int) -> Organisation | None:
    """The organisation read again from the database, even if this session already holds it (a page
    kept per data version must not be built from a row read before the version)."""
    return db.session.get(Organisation, organisation_id, populate_existing=True)


def excluded_for(organisation_id: int, private: set[int] | None = None) -> set[int]:
    """Organisations never to be suggested to (or with) ``organisation_id``, whoever dismissed whom,
    and whoever privately excluded whom (``private``: ``hidden_from(organisation_id)`` if already read)."""
    rows = db.session.execute(
        select(Dismissal.organisation_id, Dismissal.other_id).where(
            or_(Dismissal.organisation_id == organisation_id, Dismissal.other_id == organisation_id)
        )
    ).all()
    if private is None:
        private = hidden_from(organisation_id)
    return {b if a == organisation_id else a for a, b in rows} | private


def rotation_key(viewer_id: int, startup_id: int, now: datetime) -> str:
    """A shuffle key fixed for one viewer during one ISO week."""
    year, week, _weekday = now.isocalendar()
    return hashlib.sha256(f"{viewer_id}:{year}-{week}:{startup_id}".encode()).hexdigest()


def popular_startups(now: datetime) -> set[int]:
    """Startups that already received ``POPULAR_REQUESTS`` or more requests this calendar month."""
    return set(
        db.session.scalars(
            select(Introduction.startup_id)
            .where(Introduction.created_at >= month_start(now))
            .group_by(Introduction.startup_id)
            .having(func.count() >= POPULAR_REQUESTS)
        )
    )


def rotate(matches: list[Match], viewer_id: int, now: datetime) -> list[Match]:
    """Order a partner's or investor's startups: score band first, then the weekly shuffle."""
    popular = popular_startups(now)

    def key(match: Match) -> tuple[int, str]:
        band = matching.score_band(match.score) - (1 if match.startup_id in popular else 0)
        return (-band, rotation_key(viewer_id, match.startup_id, now))

    return sorted(matches, key=key)


def vary(matches: list[Match]) -> list[Match]:
    """Order a partner's or investor's startups so that look-alikes do not fill the top of the list.

    Maximal marginal relevance over the startups' stored description vectors: each next startup is
    the one with the best trade of match score against similarity to those already listed. `matches`
    come best first; only the first `VARIED_POOL` are reordered.
    """
    matches, rest = matches[:VARIED_POOL], matches[VARIED_POOL:]
    if len(matches) < 2:
        return matches + rest
    ids = [m.startup_id for m in matches]
    rows = db.session.execute(
        select(Organisation.id, Organisation.description).where(Organisation.id.in_(ids))
    )
    descriptions = {organisation_id: text for organisation_id, text in rows}
    encoder = stored_encoder()
    vectors = embed_texts([descriptions.get(i) or "" for i in ids], encoder)
    empty = np.zeros(encoder.dimension, dtype=np.float32)  # no description: like nobody, unlike nobody
    matrix = np.vstack([empty if v is None else v for v in vectors])
    scores = np.array([m.score for m in matches])
    picked = mmr(None, matrix, np.arange(len(matches)), len(matches), VARIETY, relevance=scores)
    return [matches[i] for i, _ in picked] + rest


def review_for(
    user: User,
    query: ReviewQuery,
    per_page: int = 10,
    now: datetime | None = None,
    before_loading: Callable[[list[int]], None] | None = None,
) -> ReviewPage:
    """The user's organisation's ranked, filtered, rotated matches, one page of them.

    ``before_loading`` is called with the ids of the page's other organisations once they are ranked,
    before their rows are read (the review page reads their data versions there)."""
    own = _member_organisation(user)
    now = now or utcnow()
    founder_view = own.kind == OrganisationKind.STARTUP
    own_col, other_col = (
        (Match.startup_id, Match.counterpart_id) if founder_view else (Match.counterpart_id, Match.startup_id)
    )
    # Ordering needs only ids and scores: the explanations are read for the page's matches alone.
    statement = (
        select(Match.id, Match.startup_id, Match.counterpart_id, Match.score)
        .join(Organisation, Organisation.id == other_col)
        .where(own_col == own.id, Organisation.visibility == Visibility.LISTED.value)
    )
    private = hidden_from(own.id)
    details = (
        founder_view
        or bool(query.text)
        or query.min_score > 0
        or query.order == VARIED
        or excludes_by_keyword(own.id)
    )
    excluded = excluded_for(own.id, private)
    if excluded:
        statement = statement.where(other_col.not_in(sorted(excluded)))
    if query.min_score > 0:
        statement = statement.where(Match.score >= query.min_score / 100)
    if query.sector in Sector.__members__.values():
        statement = statement.where(
            select(OrganisationSector.organisation_id)
            .where(OrganisationSector.organisation_id == other_col, OrganisationSector.sector == query.sector)
            .exists()
        )
    if query.stage in Stage.__members__.values():
        statement = statement.where(Organisation.stage == query.stage)
    if query.tenant_only:
        statement = statement.where(Organisation.is_complex_tenant.is_(True))
    if founder_view and query.kind in (OrganisationKind.PARTNER.value, OrganisationKind.INVESTOR.value):
        statement = statement.where(Organisation.kind == query.kind)
    ranked: list = list(db.session.execute(statement.order_by(Match.score.desc(), Match.id)))
    found = None
    if query.text:
        # Ranked by the search (keyword hits first, then closeness of meaning), not by the rotation.
        found = search(query.text, [other_id(row, founder_view) for row in ranked])
        by_other = {other_id(row, founder_view): row for row in ranked}
        ranked = [by_other[hit.organisation_id] for hit in found.hits]
    elif not founder_view:
        ranked = vary(ranked) if query.order == VARIED else rotate(ranked, own.id, now)
    page = max(1, query.page)
    shown = ranked[(page - 1) * per_page : page * per_page]
    if before_loading is not None:
        before_loading([other_id(row, founder_view) for row in shown])
    chosen = _load_page([row.id for row in shown], own, founder_view)
    filtered = matching.filter_summary(own) if not ranked else {}
    items = _with_introductions(chosen, founder_view)
    return ReviewPage(items, page, per_page, len(ranked), filtered, private, found, details)


def review_item(user: User, other_id: int) -> ReviewItem | None:
    """One organisation's item of the user's review list, read now (for a card kept apart from its
    list); None when the pair has no stored match."""
    own = _member_organisation(user)
    founder_view = own.kind == OrganisationKind.STARTUP
    pair = (
        (Match.startup_id, Match.counterpart_id) if founder_view else (Match.counterpart_id, Match.startup_id)
    )
    match_id = db.session.scalar(select(Match.id).where(pair[0] == own.id, pair[1] == other_id))
    if match_id is None:
        return None
    items = _with_introductions(_load_page([match_id], own, founder_view), founder_view)
    return items[0] if items else None


def other_id(row: Match, founder_view: bool) -> int:
    """The other side of a match row: the counterpart for a founder, the startup otherwise."""
    return int(row.counterpart_id if founder_view else row.startup_id)


def _load_page(ids: list[int], own: Organisation, founder_view: bool) -> list[Match]:
    """The page's matches in this order; only the other side is loaded (one query, plus its sectors):
    the viewer's own side is the organisation already in hand."""
    if not ids:
        return []
    other = Match.counterpart if founder_view else Match.startup
    found = {
        m.id: m
        for m in db.session.scalars(select(Match).where(Match.id.in_(ids)).options(selectinload(other)))
    }
    chosen = [found[i] for i in ids if i in found]
    for match in chosen:
        set_committed_value(match, "startup" if founder_view else "counterpart", own)
    return chosen


def _with_introductions(matches: list[Match], founder_view: bool) -> list[ReviewItem]:
    if not matches:
        return []
    latest: dict[tuple[int, int], Introduction] = {}
    rows = db.session.scalars(
        select(Introduction)
        .where(
            Introduction.startup_id.in_({m.startup_id for m in matches}),
            Introduction.counterpart_id.in_({m.counterpart_id for m in matches}),
        )
        .order_by(Introduction.created_at, Introduction.id)
    )
    for introduction in rows:
        latest[(introduction.startup_id, introduction.counterpart_id)] = introduction
    return [
        ReviewItem(
            match=m,
            organisation=m.counterpart if founder_view else m.startup,
            introduction=latest.get((m.startup_id, m.counterpart_id)),
        )
        for m in matches
    ]


def dismiss(user: User, other_id: int, kind: str, reason: str | None = "") -> Dismissal:
    """'Not interested' or 'already met': the pair is hidden from both sides' lists from now on."""
    own = _member_organisation(user)
    if kind not in DismissalKind.__members__.values():
        raise ValidationError({"kind": _("Choose not interested or already met.")})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Use at most %(num)s characters.", num=REASON_MAX)})
    other = db.session.get(Organisation, other_id) if possible_id(other_id) else None
    if other is None or other.id == own.id or not (other.is_listed or user.is_staff):
        raise NotFound(_("There is no such organisation."))
    if (own.kind == OrganisationKind.STARTUP) == (other.kind == OrganisationKind.STARTUP):
        raise ConflictError(_("Only a startup and a partner or investor form a pair."))
    dismissal = db.session.scalar(
        select(Dismissal).where(Dismissal.organisation_id == own.id, Dismissal.other_id == other.id)
    )
    if dismissal is None:
        dismissal = Dismissal(organisation_id=own.id, other_id=other.id)
        db.session.add(dismissal)
    dismissal.kind, dismissal.reason, dismissal.created_by_id = kind, reason, user.id
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same person clicked twice at once; the first one stands
        db.session.rollback()
        raise ConflictError(_("This organisation was just hidden; reload the page.")) from exc
    return dismissal


def restore(user: User, other_id: int) -> None:
    """Undo one's own dismissal, so the pair can be suggested again."""
    own = _member_organisation(user)
    dismissal = None
    if possible_id(other_id):
        dismissal = db.session.scalar(
            select(Dismissal).where(Dismissal.organisation_id == own.id, Dismissal.other_id == other_id)
        )
    if dismissal is None:
        raise NotFound(_("You have not hidden this organisation."))
    db.session.delete(dismissal)
    db.session.commit()


def matches_computed_at(organisation: Organisation) -> datetime | None:
    """When the organisation's matches were last computed (None: never)."""
    side = Match.startup_id if organisation.kind == OrganisationKind.STARTUP else Match.counterpart_id
    return db.session.scalar(select(func.max(Match.computed_at)).where(side == organisation.id))


def dismissals_for(user: User) -> list[Dismissal]:
    """The user's organisation's own dismissals, newest first."""
    own = _member_organisation(user)
    return list(
        db.session.scalars(
            select(Dismissal)
            .where(Dismissal.organisation_id == own.id)
            .options(selectinload(Dismissal.other))
            .order_by(Dismissal.created_at.desc())
        )
    )
