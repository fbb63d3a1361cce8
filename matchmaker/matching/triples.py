"""Three-way matches from the stored matches, for a founder and for staff, and requesting a triple's
two introductions together (each through the normal request and approval)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.engine.triples import MIN_INVESTOR_SCORE, Triple, propose_triples
from matchmaker.errors import ConflictError, NotFound, PermissionDenied
from matchmaker.extensions import db
from matchmaker.introductions import capacity
from matchmaker.introductions import requests as introductions
from matchmaker.introductions.requests import possible_id
from matchmaker.matching.exclusions import hidden_from
from matchmaker.matching.refresh import to_profile
from matchmaker.models import Introduction, Match, Organisation, OrganisationKind, User, Visibility


@dataclass(frozen=True)
class TripleView:
    """A proposed triple with its three organisations."""

    triple: Triple
    startup: Organisation
    partner: Organisation
    investor: Organisation


def _introduced_pairs(startup_ids: Iterable[int], open_only: bool) -> set[tuple[int, int]]:
    statement = select(Introduction.startup_id, Introduction.counterpart_id).where(
        Introduction.startup_id.in_(sorted(set(startup_ids)))
    )
    if open_only:
        statement = statement.where(Introduction.open_pair.is_not(None))
    return {(s, c) for s, c in db.session.execute(statement)}


logger = logging.getLogger(__name__)
COUNTERPART_KINDS = (OrganisationKind.PARTNER.value, OrganisationKind.INVESTOR.value)
# The listed startups, as a subquery: one plain join to the counterpart and no aliases of
# Organisation (an aliased pair once gave a counterpart row the startup's kind under load; see below).
_LISTED_STARTUPS = select(Organisation.id).where(
    Organisation.kind == OrganisationKind.STARTUP.value, Organisation.visibility == Visibility.LISTED.value
)


def _proposals(
    startup_ids: list[int] | None, open_only: bool, hidden: set[int] | None = None
) -> list[TripleView]:
    """Triples from the stored matches of ``startup_ids`` (None: every listed startup).

    ``hidden``: for a single startup, its ``hidden_from`` set when the caller has already read it.
    """
    statement = (
        select(Match.startup_id, Match.counterpart_id, Match.score, Organisation.kind)
        .join(Organisation, Organisation.id == Match.counterpart_id)
        .where(
            Organisation.visibility == Visibility.LISTED.value,
            Organisation.kind.in_(COUNTERPART_KINDS),
            Match.startup_id.in_(_LISTED_STARTUPS),
            Match.score >= MIN_INVESTOR_SCORE,
        )
    )
    if startup_ids is not None:
        statement = statement.where(Match.startup_id.in_(startup_ids))
    scores: dict[int, dict[str, dict[int, float]]] = defaultdict(lambda: {"partner": {}, "investor": {}})
    for startup_id, counterpart_id, score, kind in db.session.execute(statement):
        if kind not in COUNTERPART_KINDS:
            # Seen once in 8,000 page views under 5 concurrent savers with the former aliased query
            # (a KeyError and a 500): logged, left out, never a failed page. Cause not found.
            logger.warning(
                "triples: match %s -> %s read with kind %r; left out", startup_id, counterpart_id, kind
            )
            continue
        scores[startup_id][kind][counterpart_id] = score
    if not scores:
        return []
    done = _introduced_pairs(scores, open_only)
    ids = set(scores) | {i for s in scores.values() for by_kind in s.values() for i in by_kind}
    organisations = {
        o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    }
    profiles = {i: to_profile(o) for i, o in organisations.items()}
    out = []
    for startup_id, by_kind in scores.items():
        # stored matches already leave these out; a refresh may be under way
        hidden_here = hidden if hidden is not None else hidden_from(startup_id)
        keep = {
            kind: {c: v for c, v in found.items() if c not in hidden_here and (startup_id, c) not in done}
            for kind, found in by_kind.items()
        }
        for triple in propose_triples(profiles[startup_id], keep["partner"], keep["investor"], profiles):
            out.append(
                TripleView(
                    triple,
                    organisations[startup_id],
                    organisations[triple.partner_id],
                    organisations[triple.investor_id],
                )
            )
    return sorted(out, key=lambda v: (-v.triple.score, v.startup.id, v.partner.id, v.investor.id))


def triples_for(startup: Organisation, limit: int = 3, hidden: set[int] | None = None) -> list[TripleView]:
    """The startup's best triples whose two pairs have no open introduction.

    ``hidden``: ``hidden_from(startup.id)`` if the caller already has it (the review page does).
    """
    if startup.kind != OrganisationKind.STARTUP or not startup.is_listed:
        return []
    return _proposals([startup.id], open_only=True, hidden=hidden)[:limit]


def best_triples(limit: int = 20) -> list[TripleView]:
    """The best triples of every listed startup whose pairs were never introduced, for staff."""
    return _proposals(None, open_only=False)[:limit]


def request_triple(
    actor: User, startup_id: int | None, partner_id: int | None, investor_id: int | None
) -> list[Introduction]:
    """Request a triple's two introductions together: both are checked first, then each is requested
    with the normal request function (and later approved by staff one by one)."""
    ids = (startup_id, partner_id, investor_id)
    found = [db.session.get(Organisation, i) if possible_id(i) else None for i in ids]
    kinds = (OrganisationKind.STARTUP, OrganisationKind.PARTNER, OrganisationKind.INVESTOR)
    if any(o is None or not o.is_listed or o.kind != k for o, k in zip(found, kinds, strict=True)):
        raise NotFound(_("There is no such three-way match."))
    startup, partner, investor = found
    assert startup is not None and partner is not None and investor is not None  # checked just above
    if not actor.is_staff and actor.organisation_id != startup.id:
        raise PermissionDenied(_("Only the startup's founders and the complex's staff request this."))
    open_pairs = _introduced_pairs([startup.id], open_only=True)
    if (startup.id, partner.id) in open_pairs or (startup.id, investor.id) in open_pairs:
        raise ConflictError(_("One of the two introductions is already open."))
    pending = capacity.pending_requests(startup.id)
    if pending + 2 > capacity.max_pending_requests():
        raise ConflictError(
            _("%(name)s has too many requests waiting to ask for two more.", name=startup.name)
        )
    message = _(
        "Three-way introduction: %(startup)s with %(partner)s (a pilot) and %(investor)s (investment).",
        startup=startup.name,
        partner=partner.name,
        investor=investor.name,
    )
    on_behalf = startup.id if actor.is_staff else None
    return [
        introductions.request_introduction(actor, other.id, message, for_startup_id=on_behalf)
        for other in (partner, investor)
    ]
