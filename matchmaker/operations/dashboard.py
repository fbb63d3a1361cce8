"""What each person should do next, for their dashboard, and the staff's view of the complex."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, not_, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker.extensions import db
from matchmaker.introductions import capacity
from matchmaker.models import (
    Introduction,
    IntroState,
    Match,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Sector,
    SeenMatch,
    User,
    utcnow,
)
from matchmaker.organisations import bilingual

# Open states in which an introduction waits on someone; staff see those waiting too long.
STUCK_STATES = (IntroState.REQUESTED, IntroState.WAITLISTED, IntroState.APPROVED, IntroState.INTRODUCED)


@dataclass
class ProfileGap:
    """An empty field and what leaving it empty costs in matching."""

    field: str
    message: object  # a lazy string, rendered in the reader's language


@dataclass
class MemberDashboard:
    """A founder's, partner's or investor's next actions."""

    organisation: Organisation
    to_answer: list[Introduction] = field(default_factory=list)
    waiting_on_others: int = 0
    new_matches: int = 0
    gaps: list[ProfileGap] = field(default_factory=list)
    capacity_used: int | None = None
    capacity_limit: int | None = None
    # readers among its top matches who cannot read its summary or description: ask for their language
    language_prompt: bilingual.LanguagePrompt | None = None

    @property
    def capacity_tenths(self) -> int:
        """How full this month's capacity is, in tenths (0-10), for a bar drawn without inline styles."""
        if not self.capacity_limit:
            return 10 if self.capacity_used else 0
        return min(10, round(10 * (self.capacity_used or 0) / self.capacity_limit))


@dataclass
class StaffDashboard:
    """The complex at a glance: the queue, introductions stuck in a state, and counts for the charts."""

    queue_count: int
    oldest_request: Introduction | None
    stuck: list[Introduction]
    stuck_days: int
    startups_by_sector: dict[str, int]
    matches_by_sector: dict[str, int]
    funnel_by_month: list[tuple[datetime, dict[str, int]]]
    kinds: dict[str, int]
    # profile versions the consistency check found not to say what their original says
    flagged_versions: list[bilingual.FlaggedVersion] = field(default_factory=list)


def _profile_gaps(organisation: Organisation) -> list[ProfileGap]:
    """Empty fields that cost matches, most costly first."""
    gaps = []
    if not (organisation.seeks or "").strip():
        gaps.append(
            ProfileGap("seeks", _l("Say what you seek: it is compared with what the other side offers."))
        )
    if not (organisation.offers or "").strip():
        gaps.append(
            ProfileGap("offers", _l("Say what you offer: the other side's needs are compared with it."))
        )
    if not organisation.sectors:
        gaps.append(ProfileGap("sectors", _l("Choose your sectors: shared sectors add to every match.")))
    if organisation.kind == OrganisationKind.STARTUP:
        if not organisation.stage:
            gaps.append(ProfileGap("stage", _l("Add your stage: investors are matched on it.")))
        if organisation.raising_amount is None:
            gaps.append(
                ProfileGap(
                    "raising_amount", _l("Add how much you raise: investors compare it with their tickets.")
                )
            )
    elif organisation.kind == OrganisationKind.INVESTOR:
        if not organisation.investor_stages:
            gaps.append(
                ProfileGap(
                    "investor_stages", _l("Add the stages you invest in: startups are matched on them.")
                )
            )
        if organisation.ticket_min is None and organisation.ticket_max is None:
            gaps.append(
                ProfileGap("ticket_min", _l("Add your ticket range: startups' rounds are compared with it."))
            )
    return gaps


def _new_matches(user: User, organisation: Organisation) -> int:
    """Matches of the organisation this person has not had on screen yet."""
    side = Match.startup_id if organisation.kind == OrganisationKind.STARTUP else Match.counterpart_id
    seen = select(SeenMatch.id).where(
        SeenMatch.user_id == user.id,
        SeenMatch.startup_id == Match.startup_id,
        SeenMatch.counterpart_id == Match.counterpart_id,
    )
    return db.session.execute(
        select(func.count()).select_from(Match).where(side == organisation.id, not_(seen.exists()))
    ).scalar_one()


def mark_matches_seen(user: User, version: Hashable | None = None) -> None:
    """Remember every current match of the person's organisation as seen (they opened their matches).

    ``version``: the values of the data versions its page depends on, read before (operations/versions.py).
    Its matches change only when one of them moves, so once this process marked everything at those
    values, the same values need no read.
    """
    marked: dict[int, Hashable] = current_app.extensions.setdefault("matchmaker.seen_versions", {})
    if version is not None and marked.get(user.id) == version:
        return
    organisation = user.organisation
    if organisation is None:
        return
    _mark_unseen(user, organisation)
    if version is not None:
        marked[user.id] = version


def _mark_unseen(user: User, organisation: Organisation) -> None:
    side = Match.startup_id if organisation.kind == OrganisationKind.STARTUP else Match.counterpart_id
    # One read that finds only the unseen pairs: a page view with nothing new writes nothing.
    unseen = (
        select(SeenMatch.user_id)
        .where(
            SeenMatch.user_id == user.id,
            SeenMatch.startup_id == Match.startup_id,
            SeenMatch.counterpart_id == Match.counterpart_id,
        )
        .exists()
    )
    fresh = set(
        db.session.execute(
            select(Match.startup_id, Match.counterpart_id).where(side == organisation.id, ~unseen)
        ).all()
    )
    if not fresh:
        return
    # The same person may open their matches in two tabs at once: a pair the other request already
    # marked is skipped, not an error (both databases have INSERT ... ON CONFLICT DO NOTHING).
    dialect_insert: Callable[[type[SeenMatch]], postgresql.Insert | sqlite.Insert]
    if db.session.get_bind().dialect.name == "postgresql":
        dialect_insert = postgresql.insert
    else:
        dialect_insert = sqlite.insert
    now = utcnow()
    rows = [
        {"user_id": user.id, "startup_id": s, "counterpart_id": c, "seen_at": now} for s, c in sorted(fresh)
    ]
    for start in range(0, len(rows), 500):
        statement = dialect_insert(SeenMatch).values(rows[start : start + 500])
        db.session.execute(statement.on_conflict_do_nothing())
    db.session.commit()


def member_dashboard(user: User, now: datetime | None = None) -> MemberDashboard | None:
    """The next actions of a founder, partner or investor; None without an organisation."""
    organisation = user.organisation
    if organisation is None:
        return None
    now = now or utcnow()
    mine = or_(Introduction.startup_id == organisation.id, Introduction.counterpart_id == organisation.id)
    open_ones = list(
        db.session.scalars(
            select(Introduction)
            .where(
                mine,
                Introduction.state.in_(
                    [IntroState.REQUESTED.value, IntroState.WAITLISTED.value, IntroState.APPROVED.value]
                ),
            )
            .order_by(Introduction.created_at)
        )
    )
    board = MemberDashboard(organisation=organisation)
    for introduction in open_ones:
        if (
            introduction.state == IntroState.APPROVED
            and introduction.answering_organisation_id == organisation.id
        ):
            board.to_answer.append(introduction)
        elif introduction.requesting_organisation_id == organisation.id:
            board.waiting_on_others += 1
    board.new_matches = _new_matches(user, organisation)
    board.gaps = _profile_gaps(organisation)
    board.language_prompt = bilingual.language_prompt(organisation)
    if organisation.kind != OrganisationKind.STARTUP:
        board.capacity_used = capacity.used_capacity(organisation.id, now)
        board.capacity_limit = organisation.monthly_intro_capacity
    return board


def _month_starts(now: datetime, months: int) -> list[datetime]:
    first = capacity.month_start(now)
    starts = [first]
    for _step in range(months - 1):
        first = capacity.month_start(first - timedelta(days=1))
        starts.append(first)
    return list(reversed(starts))


def _funnel_by_month(now: datetime, months: int = 6) -> list[tuple[datetime, dict[str, int]]]:
    """Per calendar month: introductions requested, approved and introduced in it (milestone dates)."""
    starts = _month_starts(now, months)
    since = starts[0]
    rows = db.session.execute(
        select(Introduction.created_at, Introduction.approved_at, Introduction.introduced_at).where(
            or_(
                Introduction.created_at >= since,
                Introduction.approved_at >= since,
                Introduction.introduced_at >= since,
            )
        )
    ).all()
    counts: dict[datetime, Counter[str]] = {start: Counter() for start in starts}

    def month_of(moment: datetime | None) -> datetime | None:
        if moment is None or moment < starts[0]:
            return None
        return capacity.month_start(moment)

    for created, approved, introduced in rows:
        for stage, moment in (("requested", created), ("approved", approved), ("introduced", introduced)):
            month = month_of(moment)
            if month in counts:
                counts[month][stage] += 1
    return [
        (start, {k: counts[start][k] for k in ("requested", "approved", "introduced")}) for start in starts
    ]


def staff_dashboard(now: datetime | None = None) -> StaffDashboard:
    """The queue with its oldest request, introductions stuck for more than N days, and chart counts."""
    now = now or utcnow()
    stuck_days = current_app.config["DASHBOARD_STUCK_DAYS"]
    queue = select(Introduction).where(Introduction.state == IntroState.REQUESTED.value)
    queue_count = db.session.execute(select(func.count()).select_from(queue.subquery())).scalar_one()
    oldest = db.session.scalar(queue.order_by(Introduction.created_at, Introduction.id).limit(1))
    stuck = list(
        db.session.scalars(
            select(Introduction)
            .where(
                Introduction.state.in_([s.value for s in STUCK_STATES]),
                Introduction.state_changed_at < now - timedelta(days=stuck_days),
            )
            .order_by(Introduction.state_changed_at)
            .limit(20)
        )
    )
    startups = dict(
        db.session.execute(
            select(OrganisationSector.sector, func.count())
            .join(Organisation, Organisation.id == OrganisationSector.organisation_id)
            .where(Organisation.kind == OrganisationKind.STARTUP.value)
            .group_by(OrganisationSector.sector)
        )
        .tuples()
        .all()
    )
    matches = dict(
        db.session.execute(
            select(OrganisationSector.sector, func.count())
            .join(Match, Match.startup_id == OrganisationSector.organisation_id)
            .group_by(OrganisationSector.sector)
        )
        .tuples()
        .all()
    )
    kinds = dict(
        db.session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).tuples().all()
    )
    return StaffDashboard(
        queue_count=queue_count,
        oldest_request=oldest,
        stuck=stuck,
        stuck_days=stuck_days,
        startups_by_sector={s.value: startups.get(s.value, 0) for s in Sector},
        matches_by_sector={s.value: matches.get(s.value, 0) for s in Sector},
        funnel_by_month=_funnel_by_month(now),
        kinds=kinds,
        flagged_versions=bilingual.flagged_versions(),
    )
