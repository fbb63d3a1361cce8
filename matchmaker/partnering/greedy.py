"""The greedy schedule (always feasible: the fallback and the optimiser's hint) and room assignment.

Rooms and interpreters are counted per slot in aggregate while choosing who meets when; which room
and which interpreter a meeting gets is decided afterwards by `assign`. That is exact: meetings that
need a video room take video tables, the others take any table, so a slot can be filled iff the
video meetings fit the video tables and all meetings fit all tables (Hall's condition for two
nested kinds), and interpreters are interchangeable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from matchmaker.partnering.problem import Meeting, PairPreference, Problem

Chosen = tuple[int, int, int]  # (visitor, startup, slot)


@dataclass
class Capacity:
    """What is left per slot once the kept meetings are in: tables (video, all) and interpreters."""

    video: dict[int, int]
    tables: dict[int, int]
    interpreters: dict[int, int]
    rooms_left: dict[tuple[int, int], int] = field(default_factory=dict)  # (room, slot) -> tables
    interpreters_taken: set[tuple[int, int]] = field(default_factory=set)  # (interpreter, slot)


def remaining_capacity(problem: Problem) -> Capacity:
    rooms_left: dict[tuple[int, int], int] = {}
    for room in problem.rooms:
        for slot in problem.slots:
            rooms_left[(room.id, slot)] = 0 if slot in room.unavailable else room.capacity
    taken: set[tuple[int, int]] = set()
    unassigned_interpreted: dict[int, int] = defaultdict(int)
    for m in problem.kept:
        key = (m.room, m.slot)
        if rooms_left.get(key, 0) > 0:
            rooms_left[key] -= 1
        needs = m.needs_interpreter or problem.needs_interpreter(m.visitor, m.startup)
        if m.interpreter is not None:
            taken.add((m.interpreter, m.slot))
        elif needs:
            unassigned_interpreted[m.slot] += 1
    video: dict[int, int] = {}
    tables: dict[int, int] = {}
    interpreters: dict[int, int] = {}
    for slot in problem.slots:
        video[slot] = sum(rooms_left[(r.id, slot)] for r in problem.rooms if r.video)
        tables[slot] = sum(rooms_left[(r.id, slot)] for r in problem.rooms)
        free = sum(1 for i in problem.interpreters if slot not in i.unavailable and (i.id, slot) not in taken)
        interpreters[slot] = max(0, free - unassigned_interpreted[slot])
    return Capacity(video, tables, interpreters, rooms_left, taken)


def assign(problem: Problem, chosen: Iterable[Chosen]) -> list[Meeting]:
    """The kept meetings plus the chosen (visitor, startup, slot) triples, with rooms and interpreters.

    A visitor keeps the room of their previous meeting where it has a table left, so they move
    as little as possible. The chosen triples must fit `remaining_capacity` (the solvers see to it).
    """
    capacity = remaining_capacity(problem)
    rooms_left = dict(capacity.rooms_left)
    interpreter_taken = set(capacity.interpreters_taken)
    by_slot: dict[int, list[Chosen]] = defaultdict(list)
    for triple in chosen:
        by_slot[triple[2]].append(triple)

    def free_interpreter(slot: int) -> int | None:
        for interpreter in problem.interpreters:
            if slot not in interpreter.unavailable and (interpreter.id, slot) not in interpreter_taken:
                interpreter_taken.add((interpreter.id, slot))
                return interpreter.id
        return None

    meetings: list[Meeting] = []
    for m in problem.kept:
        needs = problem.needs_interpreter(m.visitor, m.startup) or m.needs_interpreter
        interpreter = m.interpreter if m.interpreter is not None or not needs else free_interpreter(m.slot)
        meetings.append(
            Meeting(m.visitor, m.startup, m.slot, m.room, needs, interpreter, locked=m.locked or False)
        )
    last_room: dict[int, int] = {m.visitor: m.room for m in sorted(problem.kept, key=lambda m: m.slot)}
    video_rooms = [r.id for r in problem.rooms if r.video]
    plain_rooms = [r.id for r in problem.rooms if not r.video]
    for slot in sorted(by_slot):
        todo = sorted(by_slot[slot], key=lambda t: (not problem.needs_video(t[0], t[1]), t[0], t[1]))
        for visitor, startup, _ in todo:
            order = video_rooms if problem.needs_video(visitor, startup) else plain_rooms + video_rooms
            previous = last_room.get(visitor)
            if previous is not None and previous in order and rooms_left.get((previous, slot), 0) > 0:
                order = [previous, *order]
            room = next((r for r in order if rooms_left.get((r, slot), 0) > 0), None)
            if room is None:  # cannot happen for triples within capacity; keep the schedule honest
                raise ValueError(f"no room left in slot {slot} for {visitor}-{startup}")
            rooms_left[(room, slot)] -= 1
            last_room[visitor] = room
            needs = problem.needs_interpreter(visitor, startup)
            interpreter = free_interpreter(slot) if needs else None
            meetings.append(Meeting(visitor, startup, slot, room, needs, interpreter))
    return meetings


class Board:
    """Who is busy when, and what is left: the state the greedy fills, one meeting at a time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.capacity = remaining_capacity(problem)
        self.busy: dict[tuple[str, int], set[int]] = defaultdict(set)
        self.count: dict[tuple[str, int], int] = defaultdict(int)
        self.met: set[tuple[int, int]] = set()
        self.video_used: dict[int, int] = defaultdict(int)
        self.tables_used: dict[int, int] = defaultdict(int)
        self.interpreters_used: dict[int, int] = defaultdict(int)
        for m in problem.kept:
            self.busy[("v", m.visitor)].add(m.slot)
            self.busy[("s", m.startup)].add(m.slot)
            self.count[("v", m.visitor)] += 1
            self.count[("s", m.startup)] += 1
            self.met.add(m.pair)
        self.kept_counts = {s.id: self.count[("s", s.id)] for s in problem.startups}
        self.chosen: list[Chosen] = []

    def fits(self, pair: PairPreference, slot: int, startup_cap: int) -> bool:
        problem, v, s = self.problem, pair.visitor, pair.startup
        if (v, s) in self.met or slot in self.busy[("v", v)] or slot in self.busy[("s", s)]:
            return False
        if self.count[("v", v)] >= problem.max_for(problem.visitor_by_id[v]):
            return False
        if self.count[("s", s)] >= startup_cap:
            return False
        if self.tables_used[slot] >= self.capacity.tables[slot]:
            return False
        if problem.needs_video(v, s) and self.video_used[slot] >= self.capacity.video[slot]:
            return False
        needs = problem.needs_interpreter(v, s)
        return not (needs and self.interpreters_used[slot] >= self.capacity.interpreters[slot])

    def place(self, pair: PairPreference, slot: int) -> None:
        problem, v, s = self.problem, pair.visitor, pair.startup
        self.busy[("v", v)].add(slot)
        self.busy[("s", s)].add(slot)
        self.count[("v", v)] += 1
        self.count[("s", s)] += 1
        self.met.add((v, s))
        self.tables_used[slot] += 1
        if problem.needs_video(v, s):
            self.video_used[slot] += 1
        if problem.needs_interpreter(v, s):
            self.interpreters_used[slot] += 1
        self.chosen.append((v, s, slot))

    def unplace(self, visitor: int, startup: int, slot: int) -> None:
        problem = self.problem
        self.busy[("v", visitor)].discard(slot)
        self.busy[("s", startup)].discard(slot)
        self.count[("v", visitor)] -= 1
        self.count[("s", startup)] -= 1
        self.met.discard((visitor, startup))
        self.tables_used[slot] -= 1
        if problem.needs_video(visitor, startup):
            self.video_used[slot] -= 1
        if problem.needs_interpreter(visitor, startup):
            self.interpreters_used[slot] -= 1
        self.chosen.remove((visitor, startup, slot))

    def idle(self, visitor: int) -> int:
        """The visitor's idle slots now (free and available between two meetings of a session)."""
        person = self.problem.visitor_by_id[visitor]
        busy = self.busy[("v", visitor)]
        total = 0
        for session in self.problem.sessions:
            marks = [i for i, slot in enumerate(session) if slot in busy]
            if len(marks) > 1:
                inner = session[marks[0] : marks[-1] + 1]
                total += sum(1 for t in inner if t not in busy and t not in person.unavailable)
        return total

    def gap_change(self, visitor: int, slot: int) -> int:
        """How many idle slots the visitor's day gains (or loses, < 0) with a meeting at `slot`."""
        person = self.problem.visitor_by_id[visitor]
        busy = self.busy[("v", visitor)]
        session = next(run for run in self.problem.sessions if run[0] <= slot <= run[-1])
        taken = [t for t in session if t in busy]
        if not taken:
            return 0
        if taken[0] < slot < taken[-1]:
            return -1
        low, high = (slot + 1, taken[0]) if slot < taken[0] else (taken[-1] + 1, slot)
        return sum(1 for t in range(low, high) if t not in person.unavailable)

    def try_pair(
        self, pair: PairPreference, startup_cap: int, open_slots: list[int], preferred: Sequence[int] = ()
    ) -> bool:
        """Place the pair: in the first preferred slot that fits, else where the visitor waits least."""
        for slot in preferred:
            if self.fits(pair, slot, startup_cap):
                self.place(pair, slot)
                return True
        best: tuple[int, int] | None = None
        for slot in open_slots:
            if self.fits(pair, slot, startup_cap):
                key = (self.gap_change(pair.visitor, slot), slot)
                if best is None or key < best:
                    best = key
        if best is None:
            return False
        self.place(pair, best[1])
        return True


def greedy_choice(
    problem: Problem, guide: Mapping[tuple[int, int, int], float] | None = None
) -> list[Chosen]:
    """The greedy's (visitor, startup, slot) triples, kept meetings excluded.

    First every startup owed a meeting by the fairness rule gets its best pair that fits (the
    startups with the fewest candidates first); then all pairs by weight. If some startup owed a
    meeting still has none, nobody goes beyond the fair share, so the rule holds exactly.

    `guide` (the LP relaxation's value of each (visitor, startup, slot)) turns this into LP rounding:
    pairs go in order of their LP value, each first into the slots the LP gave it.
    """
    board = Board(problem)
    open_slots = {(p.visitor, p.startup): problem.open_slots(p) for p in problem.candidates}
    preferred: dict[tuple[int, int], list[int]] = defaultdict(list)
    value: dict[tuple[int, int], float] = defaultdict(float)
    for (v, s, slot), x in sorted((guide or {}).items(), key=lambda item: -item[1]):
        if x > 1e-6:
            preferred[(v, s)].append(slot)
            value[(v, s)] += x
    by_startup: dict[int, list[PairPreference]] = defaultdict(list)
    for pair in problem.candidates:
        by_startup[pair.startup].append(pair)
    ranked = sorted(
        problem.candidates,
        key=lambda p: (-round(value[(p.visitor, p.startup)], 6), -p.weight, -p.score, p.visitor, p.startup),
    )
    max_of = {s.id: problem.max_for(s) for s in problem.startups}
    owed = sorted(
        (s for s in problem.fairness_startups if board.count[("s", s)] == 0),
        key=lambda s: (len(by_startup[s]), s),
    )
    for startup in owed:
        order = sorted(
            by_startup[startup], key=lambda p: (-value[(p.visitor, p.startup)], -p.weight, p.visitor)
        )
        for pair in order:
            key = (pair.visitor, pair.startup)
            if board.try_pair(pair, max_of[startup], open_slots[key], preferred[key]):
                break
    covered = all(board.count[("s", s)] > 0 for s in problem.fairness_startups)
    for pair in ranked:
        cap = max_of[pair.startup]
        if not covered:
            cap = min(cap, problem.fair_cap(pair.startup, board.kept_counts))
        key = (pair.visitor, pair.startup)
        board.try_pair(pair, cap, open_slots[key], preferred[key])
    return board.chosen


def compact(problem: Problem, chosen: Sequence[Chosen], passes: int = 4) -> list[Chosen]:
    """The same meetings with fewer idle gaps: move one meeting at a time to a slot where it fits and
    its visitor waits less, until no move helps (or `passes` rounds). Welfare does not change."""
    board = Board(problem)
    pairs = {(p.visitor, p.startup): p for p in problem.candidates}
    for v, s, t in chosen:
        board.place(pairs[(v, s)], t)
    open_slots = {key: problem.open_slots(pair) for key, pair in pairs.items()}
    max_of = {p.id: problem.max_for(p) for p in problem.startups}
    for _ in range(passes):
        moved = False
        for visitor in sorted({v for v, _, _ in board.chosen}):
            if board.idle(visitor) == 0:
                continue
            for v, s, t in [c for c in board.chosen if c[0] == visitor]:
                before = board.idle(visitor)
                board.unplace(v, s, t)
                best, best_idle = t, before
                for slot in open_slots[(v, s)]:
                    if slot != t and board.fits(pairs[(v, s)], slot, max_of[s]):
                        board.busy[("v", v)].add(slot)
                        idle = board.idle(v)
                        board.busy[("v", v)].discard(slot)
                        if idle < best_idle:
                            best, best_idle = slot, idle
                board.place(pairs[(v, s)], best)
                moved |= best != t
        if not moved:
            break
    return board.chosen


def greedy(problem: Problem) -> list[Meeting]:
    """A feasible schedule built greedily (kept meetings included)."""
    return assign(problem, greedy_choice(problem))
