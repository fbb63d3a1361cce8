"""What the staff queue page shows: requests waiting for a decision, their matches, the filter choices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.introductions import pairs
from matchmaker.introductions import requests as introductions
from matchmaker.models import Introduction, IntroState, Match, Organisation, OrganisationKind, User


@dataclass
class StaffQueue:
    """Pending and waitlisted requests (oldest first), the match of each pending pair, and the
    partners and investors to filter by."""

    pending: list[Introduction]
    waiting: list[Introduction]
    matches: dict[pairs.Pair, Match]
    counterparts: list[Organisation]


def staff_queue_view(user: User, counterpart_id: int | None, sector: str | None) -> StaffQueue:
    """The queue for ``user`` (staff only: the introductions service refuses anyone else)."""
    pending = introductions.staff_queue(user, counterpart_id, sector)
    waiting = introductions.staff_queue(user, counterpart_id, sector, state=IntroState.WAITLISTED.value)
    return StaffQueue(
        pending=pending,
        waiting=waiting,
        matches=pairs.matches_of((i.startup_id, i.counterpart_id) for i in pending),
        counterparts=counterparts(),
    )


def counterparts() -> list[Organisation]:
    """Every partner and investor by name, hidden ones too (the queue is for staff)."""
    statement = select(Organisation).where(Organisation.kind != OrganisationKind.STARTUP.value)
    return list(db.session.scalars(statement.order_by(Organisation.name)))
