"""Three-way matches: a startup, a partner that could pilot its product and an investor that could fund
it, where the investor fits both the startup (its stage and round) and the partner (its sectors)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matchmaker.engine.profiles import Profile
from matchmaker.engine.scoring import stage_ticket_fit

# A partner match this good or better is "strong" enough to build a triple on.
STRONG_PARTNER_SCORE = 0.40
# An investor must at least be a confident match for the startup.
MIN_INVESTOR_SCORE = 0.30


@dataclass(frozen=True)
class Triple:
    """One suggested triple and the reasons behind its score (0-1)."""

    startup_id: int
    partner_id: int
    investor_id: int
    score: float
    partner_score: float
    investor_score: float
    shared_sectors: tuple[str, ...]  # sectors of the partner the investor also invests in
    stage_fit: float | None  # the investor's stage and cheque against the startup's, 1 = fits


def sector_fit(partner: Profile, investor: Profile) -> tuple[float, tuple[str, ...]]:
    """Share of the partner's sectors the investor also works in, and which they are."""
    shared = tuple(sorted(partner.sectors & investor.sectors))
    if not partner.sectors:
        return 0.0, shared
    return len(shared) / len(partner.sectors), shared


def propose_triples(
    startup: Profile,
    partner_scores: Mapping[int, float],
    investor_scores: Mapping[int, float],
    profiles: Mapping[int, Profile],
    per_partner: int = 2,
    strong: float = STRONG_PARTNER_SCORE,
    min_investor: float = MIN_INVESTOR_SCORE,
) -> list[Triple]:
    """Triples for one startup: each strong partner with the investors that fit both, best first.

    Score = mean of the two match scores times (1 + share of the partner's sectors the investor
    covers) / 2, so an investor outside the partner's sectors counts half. Investors that share none
    of the partner's sectors, or whose stage filter leaves the startup out, are not proposed.
    """
    out: list[Triple] = []
    for partner_id, partner_score in partner_scores.items():
        if partner_score < strong or partner_id not in profiles:
            continue
        partner = profiles[partner_id]
        found = []
        for investor_id, investor_score in investor_scores.items():
            investor = profiles.get(investor_id)
            if investor is None or investor_score < min_investor:
                continue
            fit, shared = sector_fit(partner, investor)
            stage = stage_ticket_fit(startup, investor)
            if not shared or stage == 0.0:
                continue
            score = (partner_score + investor_score) / 2 * (1 + fit) / 2
            found.append(
                Triple(
                    startup.id, partner_id, investor_id, score, partner_score, investor_score, shared, stage
                )
            )
        found.sort(key=lambda t: (-t.score, t.investor_id))
        out.extend(found[:per_partner])
    return sorted(out, key=lambda t: (-t.score, t.partner_id, t.investor_id))
