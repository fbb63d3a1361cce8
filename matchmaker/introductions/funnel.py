"""The introductions funnel for staff: how many pairs reached each stage, per partner and per sector.

A pair counts at a stage once it has ever reached it, read from the audit log, so a later decline or
expiry does not erase that it was, say, approved. "Suggested" counts the current Match rows (the
pairs shown on review pages). A startup in several sectors counts in each of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.labels import label
from matchmaker.models import (
    Introduction,
    IntroductionEvent,
    IntroState,
    Match,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Sector,
)

STAGES = ("suggested", "requested", "approved", "accepted", "introduced", "met", "outcome")
STAGE_LABELS = {
    "suggested": _l("Suggested"),
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "accepted": _l("Accepted"),
    "introduced": _l("Introduced"),
    "met": _l("Met"),
    "outcome": _l("Outcome"),
}
# Which audit-log target states mean "reached this stage".
STAGE_STATES = {
    "requested": {IntroState.REQUESTED},
    "approved": {IntroState.APPROVED, IntroState.WAITLISTED},
    "accepted": {IntroState.ACCEPTED},
    "introduced": {IntroState.INTRODUCED},
    "met": {IntroState.MET},
    "outcome": {IntroState.OUTCOME_RECORDED},
}


@dataclass
class FunnelRow:
    label: str | LazyString  # a lazy string for "All" and sectors: rendered in the reader's language
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))

    def share(self, stage: str) -> int:
        """The stage as a percentage of the row's widest stage, for bar widths."""
        top = max(self.counts.values()) or 1
        return round(100 * self.counts[stage] / top)


@dataclass
class Funnel:
    total: FunnelRow
    by_counterpart: list[FunnelRow]
    by_sector: list[FunnelRow]
    outcomes: dict[str, int]


def _reached_stages() -> dict[int, set[str]]:
    reached: dict[int, set[str]] = defaultdict(set)
    for introduction_id, state in db.session.execute(
        select(IntroductionEvent.introduction_id, IntroductionEvent.to_state).distinct()
    ):
        for stage, states in STAGE_STATES.items():
            if state in states:
                reached[introduction_id].add(stage)
    return reached


def build_funnel() -> Funnel:
    """Count every stage overall, per partner or investor and per startup sector."""
    counterparts = {
        o.id: o.name
        for o in db.session.scalars(select(Organisation).where(Organisation.kind != OrganisationKind.STARTUP))
    }
    sectors_of: dict[int, list[str]] = defaultdict(list)
    for organisation_id, sector in db.session.execute(
        select(OrganisationSector.organisation_id, OrganisationSector.sector)
    ):
        sectors_of[organisation_id].append(sector)

    total = FunnelRow(_l("All"))
    per_counterpart = {cid: FunnelRow(name) for cid, name in counterparts.items()}
    per_sector = {s.value: FunnelRow(label(s)) for s in Sector}

    def rows_for(startup_id: int, counterpart_id: int) -> list[FunnelRow]:
        rows = [total]
        if counterpart_id in per_counterpart:
            rows.append(per_counterpart[counterpart_id])
        rows += [per_sector[s] for s in sectors_of.get(startup_id, []) if s in per_sector]
        return rows

    for startup_id, counterpart_id in db.session.execute(select(Match.startup_id, Match.counterpart_id)):
        for row in rows_for(startup_id, counterpart_id):
            row.counts["suggested"] += 1
    reached = _reached_stages()
    for introduction_id, startup_id, counterpart_id in db.session.execute(
        select(Introduction.id, Introduction.startup_id, Introduction.counterpart_id)
    ):
        for stage in reached.get(introduction_id, ()):
            for row in rows_for(startup_id, counterpart_id):
                row.counts[stage] += 1
    outcomes = {
        outcome: count
        for outcome, count in db.session.execute(
            select(Introduction.outcome, func.count())
            .where(Introduction.outcome.is_not(None))
            .group_by(Introduction.outcome)
        ).tuples()
        if outcome is not None
    }
    return Funnel(
        total=total,
        by_counterpart=sorted(per_counterpart.values(), key=lambda r: r.label.lower()),
        by_sector=list(per_sector.values()),
        outcomes=outcomes,
    )
