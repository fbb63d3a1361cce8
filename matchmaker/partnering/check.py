"""`check_schedule`: every hard rule a schedule breaks, each with what a person needs to fix it.

It knows nothing of how the schedule was made: the optimiser's output, the greedy's, and one that
staff edited by hand are checked alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from matchmaker.partnering.problem import Meeting, Pref, Problem


@dataclass(frozen=True)
class Violation:
    """One broken rule. `kind` is a stable code; `meetings` are the ones involved."""

    kind: str
    detail: str
    meetings: tuple[Meeting, ...] = ()
    slot: int | None = None
    person: int | None = None  # the visitor or startup concerned, where one is


KINDS = (
    "unknown",  # a visitor, startup, room, slot or interpreter that is not in the problem
    "person-double-booked",
    "room-over-capacity",
    "room-closed",
    "video-room-needed",
    "interpreter-double-booked",
    "interpreter-missing",
    "interpreter-unavailable",
    "unavailable",
    "vetoed",  # a "no" from either side
    "pair-repeated",
    "over-max",
    "lock-moved",
    "existing-moved",  # fill-unbooked-only lost or moved a meeting that was already booked
    "fairness",
)


def _who(meeting: Meeting) -> str:
    return f"visitor {meeting.visitor} with startup {meeting.startup} in slot {meeting.slot}"


def check_schedule(problem: Problem, meetings: Sequence[Meeting]) -> list[Violation]:
    """Every broken hard constraint of `meetings` as a schedule of `problem` (empty when valid)."""
    found: list[Violation] = []
    slots = set(problem.slots)

    def add(
        kind: str,
        detail: str,
        involved: Sequence[Meeting] = (),
        slot: int | None = None,
        person: int | None = None,
    ) -> None:
        found.append(Violation(kind, detail, tuple(involved), slot, person))

    for m in meetings:
        visitor = problem.visitor_by_id.get(m.visitor)
        startup = problem.startup_by_id.get(m.startup)
        room = problem.room_by_id.get(m.room)
        if visitor is None or startup is None or room is None or m.slot not in slots:
            add("unknown", f"{_who(m)} in room {m.room}: not part of this day", [m], m.slot)
            continue
        for side, person in (("visitor", visitor), ("startup", startup)):
            if m.slot in person.unavailable:
                add("unavailable", f"{_who(m)}: the {side} is not available then", [m], m.slot, person.id)
        if m.slot in room.unavailable:
            add("room-closed", f"{_who(m)}: room {m.room} is closed in that slot", [m], m.slot)
        if problem.needs_video(m.visitor, m.startup) and not room.video:
            add("video-room-needed", f"{_who(m)}: someone joins by video, room {m.room} has none", [m])
        pair = problem.pair_by_key.get(m.pair)
        if pair is not None and pair.vetoed:
            side = "visitor" if pair.visitor_pref == Pref.NO else "startup"
            add("vetoed", f"{_who(m)}: the {side} said no to this meeting", [m], m.slot)
        if problem.needs_interpreter(m.visitor, m.startup):
            if m.interpreter is None:
                add("interpreter-missing", f"{_who(m)}: no common language and no interpreter", [m], m.slot)
            elif m.interpreter not in problem.interpreter_by_id:
                add("unknown", f"{_who(m)}: interpreter {m.interpreter} is not part of this day", [m])
            elif m.slot in problem.interpreter_by_id[m.interpreter].unavailable:
                add("interpreter-unavailable", f"{_who(m)}: interpreter {m.interpreter} is away", [m])

    groups: dict[tuple[str, int, int], list[Meeting]] = defaultdict(list)
    for m in meetings:
        groups[("visitor", m.visitor, m.slot)].append(m)
        groups[("startup", m.startup, m.slot)].append(m)
        groups[("room", m.room, m.slot)].append(m)
        if m.interpreter is not None:
            groups[("interpreter", m.interpreter, m.slot)].append(m)
    for (what, who, slot), group in groups.items():
        if what in ("visitor", "startup") and len(group) > 1:
            detail = f"{what} {who} has {len(group)} meetings in slot {slot}"
            add("person-double-booked", detail, group, slot, who)
        elif what == "interpreter" and len(group) > 1:
            add("interpreter-double-booked", f"interpreter {who} is in {len(group)} meetings", group, slot)
        elif what == "room" and who in problem.room_by_id:
            capacity = problem.room_by_id[who].capacity
            if len(group) > capacity:
                detail = f"room {who}: {len(group)} meetings, {capacity} tables"
                add("room-over-capacity", detail, group, slot)

    by_pair: dict[tuple[int, int], list[Meeting]] = defaultdict(list)
    for m in meetings:
        by_pair[m.pair].append(m)
    for (visitor_id, startup_id), group in by_pair.items():
        if len(group) > 1:
            add("pair-repeated", f"visitor {visitor_id} meets startup {startup_id} {len(group)} times", group)

    counts: dict[tuple[str, int], int] = defaultdict(int)
    for m in meetings:
        counts[("visitor", m.visitor)] += 1
        counts[("startup", m.startup)] += 1
    for what, people in (("visitor", problem.visitors), ("startup", problem.startups)):
        for person in people:
            n, limit = counts[(what, person.id)], problem.max_for(person)
            if n > limit:
                add("over-max", f"{what} {person.id} has {n} meetings, at most {limit}", person=person.id)

    placed = {(m.visitor, m.startup, m.slot, m.room) for m in meetings}
    for lock in problem.locked:
        if (lock.visitor, lock.startup, lock.slot, lock.room) not in placed:
            add("lock-moved", f"locked meeting {_who(lock)} in room {lock.room} moved or gone", [lock])
    if problem.fill_unbooked_only:
        for kept in problem.existing:
            if (kept.visitor, kept.startup, kept.slot, kept.room) not in placed:
                add("existing-moved", f"booked meeting {_who(kept)} moved or gone", [kept])

    owed = [s for s in sorted(problem.fairness_startups) if counts[("startup", s)] == 0]
    if owed:
        kept_counts: dict[int, int] = defaultdict(int)
        for m in problem.kept:
            kept_counts[m.startup] += 1
        for startup in problem.startups:
            n = counts[("startup", startup.id)]
            if n > problem.fair_cap(startup.id, kept_counts):
                add(
                    "fairness",
                    f"startup {startup.id} has {n} meetings while startup {owed[0]} (mutual interest) "
                    f"has none",
                )
    return found
