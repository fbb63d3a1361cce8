"""Monthly introduction capacity of partners and investors.

Definition: an introduction uses one unit of its counterpart's capacity in the calendar month (UTC)
in which it became ``approved`` (``approved_at``), unless it later ended without an introduction
(declined, withdrawn or expired), which gives the unit back. Staff approvals beyond the capacity
wait in ``waitlisted`` and are released oldest first when a unit frees or a new month starts.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Introduction, IntroState, Organisation, Side

# Ended without taking the counterpart's time: these give their unit back.
RETURNED_STATES = (IntroState.DECLINED.value, IntroState.WITHDRAWN.value, IntroState.EXPIRED.value)


def month_start(now: datetime) -> datetime:
    """Midnight UTC on the first day of ``now``'s month."""
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def used_capacity(counterpart_id: int, now: datetime) -> int:
    """Introductions that took one of the counterpart's units this month."""
    return db.session.execute(
        select(func.count())
        .select_from(Introduction)
        .where(
            Introduction.counterpart_id == counterpart_id,
            Introduction.approved_at >= month_start(now),
            Introduction.state.not_in(RETURNED_STATES),
        )
    ).scalar_one()


def free_capacity(counterpart: Organisation, now: datetime) -> int | None:
    """Units left this month; None when the organisation set no limit."""
    if counterpart.monthly_intro_capacity is None:
        return None
    return max(0, counterpart.monthly_intro_capacity - used_capacity(counterpart.id, now))


def lock_organisation(organisation_id: int) -> Organisation | None:
    """Lock an organisation's row for this transaction (e.g. so two approvals cannot take the last unit).

    PostgreSQL takes a row lock; SQLite ignores FOR UPDATE but lets only one writer in at a time.
    """
    locked = db.session.scalar(
        select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
    )
    return None if locked is None else db.session.get(Organisation, locked)


# Requests a startup asked for that still wait on someone: staff, the counterpart's month, or an answer.
PENDING_STATES = (IntroState.REQUESTED.value, IntroState.WAITLISTED.value, IntroState.APPROVED.value)


def max_pending_requests() -> int:
    """How many of its own requests a startup may have waiting at once."""
    return int(current_app.config["MATCHMAKER_MAX_PENDING_REQUESTS"])


def pending_requests(startup_id: int) -> int:
    """The startup's own requests still waiting (counted against `max_pending_requests`)."""
    statement = (
        select(func.count())
        .select_from(Introduction)
        .where(
            Introduction.startup_id == startup_id,
            Introduction.requested_by_side == Side.STARTUP.value,
            Introduction.state.in_(PENDING_STATES),
        )
    )
    return db.session.execute(statement).scalar_one()
