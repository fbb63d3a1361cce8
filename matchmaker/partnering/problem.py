"""The scheduling problem of a partnering day, as plain data, and what follows from it.

Pure code: no flask, sqlalchemy or other matchmaker module. The service layer turns a day's rows
into a `Problem`; `solver.solve` turns it into meetings; `check.check_schedule` says what a schedule
breaks.

Slots are integers on one grid (say one per 20 minutes, counted from the first slot of the first
day). A slot of the grid that is not in `Problem.slots` is a break, a night or any other pause, so
"slot 5 follows slot 4" means the two are in the same session and nobody waits between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property


class Pref(IntEnum):
    """What one side says about meeting the other."""

    NO = -1  # final: the pair is never scheduled
    NEUTRAL = 0  # not marked
    MEET = 1
    MUST = 2


# Points of one side's preference, and of the engine's match score in [0, 1]: a mutual "meet" at an
# average score is worth about 70, a mutual "must meet" 130, a one-sided "meet" about 40.
PREF_POINTS = {Pref.NEUTRAL: 0, Pref.MEET: 30, Pref.MUST: 60}
SCORE_POINTS = 20

# What one idle slot in a visitor's day costs in the objective (a one-sided "meet" is worth ~40).
DEFAULT_GAP_PENALTY = 3

# Fairness: while a startup with mutual interest has no meeting, nobody has more than this many.
FAIR_SHARE = 2


@dataclass(frozen=True)
class Person:
    """A visitor or a startup. `max_meetings` None means no limit but the slots."""

    id: int
    unavailable: frozenset[int] = frozenset()
    max_meetings: int | None = None
    languages: frozenset[str] = frozenset({"en"})
    remote: bool = False  # joins by video: the meeting needs a video room


@dataclass(frozen=True)
class Room:
    """A room or a table group: `capacity` meetings at once; `video` rooms can host remote people."""

    id: int
    capacity: int = 1
    video: bool = False
    unavailable: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Interpreter:
    id: int
    unavailable: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PairPreference:
    """Both sides' say about one visitor-startup pair and the engine's match score in [0, 1]."""

    visitor: int
    startup: int
    visitor_pref: Pref = Pref.NEUTRAL
    startup_pref: Pref = Pref.NEUTRAL
    score: float = 0.0

    @property
    def vetoed(self) -> bool:
        return self.visitor_pref == Pref.NO or self.startup_pref == Pref.NO

    @property
    def mutual(self) -> bool:
        """Both sides asked to meet (meet or must-meet)."""
        return self.visitor_pref >= Pref.MEET and self.startup_pref >= Pref.MEET

    @property
    def wanted(self) -> bool:
        """A candidate: nobody said no and at least one side asked to meet."""
        return not self.vetoed and (self.visitor_pref >= Pref.MEET or self.startup_pref >= Pref.MEET)

    @property
    def weight(self) -> int:
        """The pair's value in the objective (0 for a pair that is not a candidate)."""
        if not self.wanted:
            return 0
        score = min(1.0, max(0.0, float(self.score)))
        return PREF_POINTS[self.visitor_pref] + PREF_POINTS[self.startup_pref] + round(SCORE_POINTS * score)


@dataclass(frozen=True)
class Meeting:
    """One meeting: a pair in a slot and a room, with the interpreter it has (if it needs one)."""

    visitor: int
    startup: int
    slot: int
    room: int
    needs_interpreter: bool = False
    interpreter: int | None = None
    locked: bool = False

    @property
    def pair(self) -> tuple[int, int]:
        return (self.visitor, self.startup)


@dataclass(frozen=True)
class Problem:
    """Everything the optimiser needs.

    `locked` meetings stay exactly where they are. `existing` is the schedule as it stands: with
    `fill_unbooked_only` every existing meeting is kept too and only free slots are filled; without
    it the existing meetings only seed the search.
    """

    slots: tuple[int, ...]
    rooms: tuple[Room, ...]
    visitors: tuple[Person, ...]
    startups: tuple[Person, ...]
    pairs: tuple[PairPreference, ...]
    interpreters: tuple[Interpreter, ...] = ()
    locked: tuple[Meeting, ...] = ()
    existing: tuple[Meeting, ...] = ()
    fill_unbooked_only: bool = False
    gap_penalty: int = DEFAULT_GAP_PENALTY

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", tuple(sorted(set(self.slots))))

    # ------------------------------------------------------------------------------ lookups

    @cached_property
    def visitor_by_id(self) -> dict[int, Person]:
        return {v.id: v for v in self.visitors}

    @cached_property
    def startup_by_id(self) -> dict[int, Person]:
        return {s.id: s for s in self.startups}

    @cached_property
    def room_by_id(self) -> dict[int, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def interpreter_by_id(self) -> dict[int, Interpreter]:
        return {i.id: i for i in self.interpreters}

    @cached_property
    def pair_by_key(self) -> dict[tuple[int, int], PairPreference]:
        return {(p.visitor, p.startup): p for p in self.pairs}

    @cached_property
    def kept(self) -> tuple[Meeting, ...]:
        """The meetings no solve may move: the locked ones, plus the existing ones when filling."""
        kept = list(self.locked)
        if self.fill_unbooked_only:
            locked_pairs = {m.pair for m in self.locked}
            kept += [m for m in self.existing if m.pair not in locked_pairs]
        return tuple(kept)

    @cached_property
    def sessions(self) -> list[list[int]]:
        """Runs of consecutive grid slots: within one, a free slot between two meetings is idle."""
        runs: list[list[int]] = []
        for slot in self.slots:
            if runs and slot == runs[-1][-1] + 1:
                runs[-1].append(slot)
            else:
                runs.append([slot])
        return runs

    def needs_interpreter(self, visitor: int, startup: int) -> bool:
        """A pair without a common language needs an interpreter (say Korean-only with English-only)."""
        v, s = self.visitor_by_id.get(visitor), self.startup_by_id.get(startup)
        if v is None or s is None:
            return False
        return not (v.languages & s.languages)

    def needs_video(self, visitor: int, startup: int) -> bool:
        v, s = self.visitor_by_id.get(visitor), self.startup_by_id.get(startup)
        return bool((v is not None and v.remote) or (s is not None and s.remote))

    def max_for(self, person: Person) -> int:
        return len(self.slots) if person.max_meetings is None else max(0, person.max_meetings)

    # ------------------------------------------------------------------------------ capacity

    @cached_property
    def room_capacity(self) -> dict[int, tuple[int, int]]:
        """Per slot: (tables in video rooms, tables in other rooms) that are open."""
        capacity: dict[int, tuple[int, int]] = {}
        for slot in self.slots:
            video = sum(r.capacity for r in self.rooms if r.video and slot not in r.unavailable)
            other = sum(r.capacity for r in self.rooms if not r.video and slot not in r.unavailable)
            capacity[slot] = (video, other)
        return capacity

    @cached_property
    def interpreter_capacity(self) -> dict[int, int]:
        return {s: sum(1 for i in self.interpreters if s not in i.unavailable) for s in self.slots}

    def open_slots(self, pair: PairPreference) -> list[int]:
        """The slots where the pair could meet if nobody else were scheduled."""
        v, s = self.visitor_by_id.get(pair.visitor), self.startup_by_id.get(pair.startup)
        if v is None or s is None:
            return []
        video = self.needs_video(pair.visitor, pair.startup)
        interpreted = self.needs_interpreter(pair.visitor, pair.startup)
        slots = []
        for slot in self.slots:
            if slot in v.unavailable or slot in s.unavailable:
                continue
            video_tables, other_tables = self.room_capacity[slot]
            if (video_tables if video else video_tables + other_tables) <= 0:
                continue
            if interpreted and self.interpreter_capacity[slot] <= 0:
                continue
            slots.append(slot)
        return slots

    @cached_property
    def candidates(self) -> list[PairPreference]:
        """Pairs the optimiser may schedule: wanted by one side, vetoed by none, with an open slot."""
        seen: set[tuple[int, int]] = set()
        out = []
        for pair in self.pairs:
            key = (pair.visitor, pair.startup)
            if key in seen or not pair.wanted or not self.open_slots(pair):
                continue
            if not self.max_for(self.visitor_by_id[pair.visitor]) or not self.max_for(
                self.startup_by_id[pair.startup]
            ):
                continue
            seen.add(key)
            out.append(pair)
        return out

    @cached_property
    def fairness_startups(self) -> frozenset[int]:
        """Startups with mutual interest in a pair that could meet: each must get a meeting first.

        A startup whose mutual pairs share no open slot is left out: nothing could give it one.
        """
        return frozenset(p.startup for p in self.candidates if p.mutual)

    def fair_cap(self, startup: int, kept_counts: dict[int, int]) -> int:
        """How many meetings a startup may have while a fairness startup has none (kept ones stay)."""
        return max(FAIR_SHARE, kept_counts.get(startup, 0))


def count_by(meetings: Iterable[Meeting], key: str) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for m in meetings:
        counts[getattr(m, key)] += 1
    return counts


def idle_gaps(problem: Problem, meetings: Iterable[Meeting]) -> dict[int, int]:
    """Per visitor: free, available slots between two of their meetings in one session."""
    busy: dict[int, set[int]] = defaultdict(set)
    for m in meetings:
        busy[m.visitor].add(m.slot)
    gaps: dict[int, int] = {}
    for visitor in problem.visitors:
        taken = busy.get(visitor.id, set())
        total = 0
        for session in problem.sessions:
            marks = [i for i, slot in enumerate(session) if slot in taken]
            if len(marks) < 2:
                continue
            for slot in session[marks[0] : marks[-1] + 1]:
                if slot not in taken and slot not in visitor.unavailable:
                    total += 1
        gaps[visitor.id] = total
    return gaps


def welfare(problem: Problem, meetings: Iterable[Meeting]) -> int:
    """The objective's value without the gap penalty: the sum of the scheduled pairs' weights."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for m in meetings:
        if m.pair in seen:
            continue
        seen.add(m.pair)
        pair = problem.pair_by_key.get(m.pair)
        total += pair.weight if pair is not None else 0
    return total


@dataclass
class Schedule:
    """A solve's answer. `bound` is an upper bound on `welfare` (the LP relaxation, solved by GLOP)."""

    meetings: list[Meeting]
    status: str  # "optimal", "feasible" or "greedy-fallback"
    objective: int  # welfare minus the gap penalty
    welfare: int
    bound: float | None
    bound_method: str = "none"
    seconds: float = 0.0
    solver_bound: float | None = None  # CP-SAT's own bound on `objective`, when it ran
    notes: list[str] = field(default_factory=list)
