"""The partnering-day scheduler: every hard rule holds in generated and in hand-edited schedules.

Small hand-made days where the rule under test is the one that decides the answer: the optimiser
would do otherwise if the rule were missing.
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matchmaker.partnering.check import check_schedule
from matchmaker.partnering.greedy import greedy
from matchmaker.partnering.problem import (
    Interpreter,
    Meeting,
    PairPreference,
    Person,
    Pref,
    Problem,
    Room,
    idle_gaps,
    welfare,
)
from matchmaker.partnering.solver import lp_bound, solve

REPO_ROOT = Path(__file__).resolve().parents[2]
EN, KO = frozenset({"en"}), frozenset({"ko"})
MEET, MUST, NO, NEUTRAL = Pref.MEET, Pref.MUST, Pref.NO, Pref.NEUTRAL


def mutual(visitor: int, startup: int, pref: Pref = MEET, score: float = 0.5) -> PairPreference:
    return PairPreference(visitor, startup, pref, pref, score)


def day(
    visitors: list[Person],
    startups: list[Person],
    pairs: list[PairPreference],
    slots: int | tuple[int, ...] = 2,
    rooms: tuple[Room, ...] = (Room(1, capacity=10),),
    **options: object,
) -> Problem:
    grid = tuple(range(slots)) if isinstance(slots, int) else slots
    return Problem(grid, rooms, tuple(visitors), tuple(startups), tuple(pairs), **options)  # type: ignore[arg-type]


def kinds(problem: Problem, meetings: list[Meeting]) -> set[str]:
    return {v.kind for v in check_schedule(problem, meetings)}


def at(meetings: list[Meeting], visitor: int, startup: int) -> Meeting | None:
    return next((m for m in meetings if m.pair == (visitor, startup)), None)


def random_day(seed: int, n_visitors: int = 5, n_startups: int = 25, n_slots: int = 8) -> Problem:
    rng = random.Random(seed)
    grid = tuple(range(n_slots // 2)) + tuple(range(n_slots // 2 + 1, n_slots + 1))  # a lunch break
    visitors = [
        Person(
            i,
            frozenset(rng.sample(grid, rng.randint(0, 2))),
            rng.choice([None, 5]),
            EN if rng.random() < 0.7 else EN | KO,
            remote=rng.random() < 0.15,
        )
        for i in range(n_visitors)
    ]
    startups = [
        Person(
            100 + j, frozenset(rng.sample(grid, rng.randint(0, 3))), 3, KO if rng.random() < 0.35 else EN | KO
        )
        for j in range(n_startups)
    ]
    prefs = [NO, NEUTRAL, MEET, MEET, MUST]
    pairs = [
        PairPreference(v.id, s.id, rng.choice(prefs), rng.choice(prefs), rng.random())
        for v in visitors
        for s in rng.sample(startups, 12)
    ]
    rooms = (Room(1, 2), Room(2, 1), Room(3, 1, video=True, unavailable=frozenset({grid[0]})))
    return day(visitors, startups, pairs, grid, rooms, interpreters=(Interpreter(1), Interpreter(2)))


# ------------------------------------------------------------------------------ generated days


@pytest.mark.parametrize("seed", range(6))
def test_generated_schedules_break_no_rule_and_the_optimiser_beats_greedy(seed: int) -> None:
    problem = random_day(seed)
    fast = greedy(problem)
    best = solve(problem, time_limit=5)
    assert check_schedule(problem, fast) == []
    assert check_schedule(problem, best.meetings) == []
    assert best.status in {"optimal", "feasible"}
    assert best.welfare == welfare(problem, best.meetings)
    assert best.objective >= welfare(problem, fast) - problem.gap_penalty * sum(
        idle_gaps(problem, fast).values()
    )
    assert best.bound is not None and best.welfare <= best.bound + 1e-6
    assert best.bound == pytest.approx(lp_bound(problem))


# ------------------------------------------------------------------------------ one person, one place


def test_a_person_is_never_in_two_meetings_at_once() -> None:
    # Three visitors all want startup 100 most; it can only be in one meeting per slot.
    visitors = [Person(i) for i in range(3)]
    startups = [Person(100), Person(101)]
    pairs = [mutual(i, 100, MUST, 1.0) for i in range(3)] + [mutual(i, 101) for i in range(3)]
    problem = day(visitors, startups, pairs, slots=2)
    meetings = solve(problem, time_limit=5).meetings
    assert check_schedule(problem, meetings) == []
    for slot in problem.slots:
        assert sum(1 for m in meetings if m.startup == 100 and m.slot == slot) == 1
        for visitor in visitors:
            assert sum(1 for m in meetings if m.visitor == visitor.id and m.slot == slot) <= 1
    edited = [*meetings, Meeting(2, 100, meetings[0].slot if meetings[0].startup == 100 else 0, 1)]
    assert "person-double-booked" in kinds(problem, edited)


def test_a_room_holds_no_more_meetings_than_it_has_tables() -> None:
    visitors = [Person(i) for i in range(3)]
    startups = [Person(100 + i) for i in range(3)]
    pairs = [mutual(i, 100 + i, MUST) for i in range(3)]
    problem = day(visitors, startups, pairs, slots=1, rooms=(Room(1, capacity=2),))
    meetings = solve(problem, time_limit=5).meetings
    assert len(meetings) == 2 and check_schedule(problem, meetings) == []
    edited = [*meetings, Meeting(*next((i, 100 + i) for i in range(3) if not at(meetings, i, 100 + i)), 0, 1)]
    assert "room-over-capacity" in kinds(problem, edited)
    closed = day(visitors, startups, pairs, slots=1, rooms=(Room(1, 2, unavailable=frozenset({0})),))
    assert solve(closed, time_limit=5).meetings == []
    assert "room-closed" in kinds(closed, meetings)


def test_someone_joining_by_video_gets_a_video_room() -> None:
    visitors = [Person(1, remote=True), Person(2)]
    startups = [Person(100), Person(101)]
    pairs = [mutual(1, 100, MUST), mutual(2, 101, MUST)]
    rooms = (Room(1, capacity=5), Room(9, capacity=1, video=True))
    problem = day(visitors, startups, pairs, slots=1, rooms=rooms)
    meetings = solve(problem, time_limit=5).meetings
    assert at(meetings, 1, 100) is not None and at(meetings, 1, 100).room == 9  # type: ignore[union-attr]
    assert check_schedule(problem, meetings) == []
    no_video = day(visitors, startups, pairs, slots=1, rooms=(Room(1, capacity=5),))
    assert [m.pair for m in solve(no_video, time_limit=5).meetings] == [(2, 101)]
    assert "video-room-needed" in kinds(no_video, [Meeting(1, 100, 0, 1)])


def test_interpreters_are_shared_out_and_never_double_booked() -> None:
    # Two English-only visitors, two Korean-only startups, one bilingual startup, one interpreter.
    visitors = [Person(1, languages=EN), Person(2, languages=EN)]
    startups = [Person(100, languages=KO), Person(101, languages=KO), Person(102, languages=EN | KO)]
    pairs = [mutual(1, 100, MUST), mutual(2, 101, MUST), mutual(1, 102), mutual(2, 102)]
    problem = day(visitors, startups, pairs, slots=1, interpreters=(Interpreter(7),))
    meetings = solve(problem, time_limit=5).meetings
    interpreted = [m for m in meetings if m.needs_interpreter]
    assert len(interpreted) == 1 and interpreted[0].interpreter == 7
    assert [m.interpreter for m in meetings if not m.needs_interpreter] == [None]
    assert check_schedule(problem, meetings) == []
    both = [Meeting(1, 100, 0, 1, True, 7), Meeting(2, 101, 0, 1, True, 7)]
    assert "interpreter-double-booked" in kinds(problem, both)
    assert "interpreter-missing" in kinds(problem, [Meeting(1, 100, 0, 1)])
    away = dataclasses.replace(problem, interpreters=(Interpreter(7, frozenset({0})),))
    assert all(not m.needs_interpreter for m in solve(away, time_limit=5).meetings)
    assert "interpreter-unavailable" in kinds(away, [Meeting(1, 100, 0, 1, True, 7)])


# ------------------------------------------------------------------------------ what people said


def test_nobody_meets_when_they_are_away() -> None:
    visitors = [Person(1, unavailable=frozenset({0}))]
    startups = [Person(100, unavailable=frozenset({2})), Person(101)]
    pairs = [mutual(1, 100, MUST), mutual(1, 101, MUST)]
    problem = day(visitors, startups, pairs, slots=3)
    meetings = solve(problem, time_limit=5).meetings
    assert len(meetings) == 2
    assert at(meetings, 1, 100).slot == 1  # type: ignore[union-attr]
    assert at(meetings, 1, 101).slot == 2  # type: ignore[union-attr]
    assert "unavailable" in kinds(problem, [Meeting(1, 101, 0, 1)])


@pytest.mark.parametrize("side", ["visitor", "startup"])
def test_a_no_from_either_side_is_final(side: str) -> None:
    no = PairPreference(1, 100, NO if side == "visitor" else MUST, NO if side == "startup" else MUST, 1.0)
    problem = day([Person(1)], [Person(100), Person(101)], [no, mutual(1, 101, MEET, 0.0)], slots=4)
    for meetings in (solve(problem, time_limit=5).meetings, greedy(problem)):
        assert [m.pair for m in meetings] == [(1, 101)]
    assert "vetoed" in kinds(problem, [Meeting(1, 100, 0, 1)])


def test_nobody_has_more_meetings_than_their_maximum() -> None:
    visitors = [Person(i) for i in range(4)]
    problem = day(visitors, [Person(100, max_meetings=2)], [mutual(i, 100, MUST) for i in range(4)], slots=4)
    meetings = solve(problem, time_limit=5).meetings
    assert len(meetings) == 2
    over = [Meeting(i, 100, i, 1) for i in range(3)]
    assert "over-max" in kinds(problem, over)


def test_a_pair_meets_once() -> None:
    problem = day([Person(1)], [Person(100)], [mutual(1, 100, MUST)], slots=3)
    assert len(solve(problem, time_limit=5).meetings) == 1
    assert "pair-repeated" in kinds(problem, [Meeting(1, 100, 0, 1), Meeting(1, 100, 1, 1)])


# ------------------------------------------------------------------------------ staff decisions


def test_locked_meetings_never_move() -> None:
    # The locked meeting is a weak pair in the slot the strong pairs would want; it stays there.
    visitors = [Person(1, unavailable=frozenset({1, 2})), Person(2)]
    startups = [Person(100), Person(101)]
    pairs = [mutual(1, 100, MUST, 1.0), PairPreference(1, 101, MEET, NEUTRAL, 0.0), mutual(2, 100)]
    lock = Meeting(1, 101, 0, 2, locked=True)
    rooms = (Room(1, 5), Room(2, 1))
    problem = day(visitors, startups, pairs, slots=3, rooms=rooms, locked=(lock,))
    for meetings in (solve(problem, time_limit=5).meetings, greedy(problem)):
        assert check_schedule(problem, meetings) == []
        assert (1, 101, 0, 2) in {(m.visitor, m.startup, m.slot, m.room) for m in meetings}
        assert at(meetings, 1, 100) is None  # visitor 1's only slot is taken by the lock
    moved = [dataclasses.replace(lock, slot=1)]
    assert "lock-moved" in kinds(problem, moved)
    assert "lock-moved" in kinds(problem, [dataclasses.replace(lock, room=1)])


def test_fill_unbooked_only_keeps_every_existing_meeting() -> None:
    visitors = [Person(1), Person(2)]
    startups = [Person(100), Person(101), Person(102)]
    pairs = [mutual(1, 100, MEET, 0.0), mutual(1, 101, MUST, 1.0), mutual(2, 102, MUST), mutual(2, 100)]
    existing = (Meeting(1, 100, 1, 1), Meeting(2, 102, 0, 1))
    problem = day(visitors, startups, pairs, slots=2, existing=existing, fill_unbooked_only=True)
    meetings = solve(problem, time_limit=5).meetings
    assert check_schedule(problem, meetings) == []
    placed = {(m.visitor, m.startup, m.slot, m.room) for m in meetings}
    assert {(1, 100, 1, 1), (2, 102, 0, 1)} <= placed
    assert (1, 101, 0, 1) in placed  # the free slot is filled
    assert "existing-moved" in kinds(problem, [m for m in meetings if m.pair != (1, 100)])
    # Without the mode the existing meetings may be rearranged (the optimiser prefers to here).
    free = dataclasses.replace(problem, fill_unbooked_only=False)
    assert check_schedule(free, solve(free, time_limit=5).meetings) == []


# ------------------------------------------------------------------------------ fairness


def fairness_day(**options: object) -> Problem:
    # Startup 100 is everyone's must-meet; startup 101 has mutual interest with visitor 1 only, at
    # a low weight, and visitor 1 has room for one meeting. Without the rule 100 would get all three.
    visitors = [Person(1, max_meetings=1), Person(2), Person(3)]
    startups = [Person(100, max_meetings=3), Person(101)]
    pairs = [mutual(i, 100, MUST, 1.0) for i in (1, 2, 3)] + [mutual(1, 101, MEET, 0.0)]
    return day(visitors, startups, pairs, slots=3, **options)


def test_every_startup_with_mutual_interest_gets_a_meeting_before_anyone_gets_a_third() -> None:
    problem = fairness_day()
    assert problem.fairness_startups == {100, 101}
    for meetings in (solve(problem, time_limit=5).meetings, greedy(problem)):
        assert check_schedule(problem, meetings) == []
        assert at(meetings, 1, 101) is not None
        assert sum(1 for m in meetings if m.startup == 100) == 2
    unfair = [Meeting(i, 100, i - 1, 1) for i in (1, 2, 3)]
    assert "fairness" in kinds(problem, unfair)


def test_when_a_startup_cannot_get_its_meeting_nobody_gets_a_third() -> None:
    # A lock fills visitor 1's only meeting, so 101 cannot meet anyone: then 100 stops at two.
    problem = fairness_day(locked=(Meeting(1, 100, 0, 1, locked=True),))
    assert 101 in problem.fairness_startups
    for meetings in (solve(problem, time_limit=5).meetings, greedy(problem)):
        assert check_schedule(problem, meetings) == []
        assert at(meetings, 1, 101) is None
        assert sum(1 for m in meetings if m.startup == 100) == 2


def test_a_startup_nobody_can_meet_is_not_owed_a_meeting() -> None:
    # 101's only mutual pair shares no slot (the visitor is away whenever the startup is there).
    visitors = [Person(1, unavailable=frozenset({0})), Person(2), Person(3)]
    startups = [Person(100), Person(101, unavailable=frozenset({1, 2}))]
    pairs = [mutual(i, 100, MUST) for i in (1, 2, 3)] + [mutual(1, 101)]
    problem = day(visitors, startups, pairs, slots=3)
    assert problem.fairness_startups == {100}
    assert sum(1 for m in solve(problem, time_limit=5).meetings if m.startup == 100) == 3


# ------------------------------------------------------------------------------ idle gaps, time


def test_a_visitors_day_has_no_idle_gap_when_it_can_be_avoided() -> None:
    # Visitor 1 meets 100 and 101; 100 is away in slot 1, 101 in slot 0: slots 0 and 2 would leave a gap.
    visitors = [Person(1)]
    startups = [Person(100, unavailable=frozenset({1})), Person(101, unavailable=frozenset({0}))]
    problem = day(visitors, startups, [mutual(1, 100), mutual(1, 101)], slots=4)
    meetings = solve(problem, time_limit=5).meetings
    assert len(meetings) == 2 and idle_gaps(problem, meetings) == {1: 0}
    # A break between sessions is not idle time.
    split = day(visitors, [Person(100), Person(101)], [mutual(1, 100), mutual(1, 101)], slots=(0, 2))
    assert idle_gaps(split, solve(split, time_limit=5).meetings) == {1: 0}


def test_no_time_means_the_greedy_schedule() -> None:
    problem = random_day(11)
    started = time.perf_counter()
    schedule = solve(problem, time_limit=0)
    assert time.perf_counter() - started < 1.0
    assert schedule.status == "greedy-fallback"
    assert schedule.meetings and check_schedule(problem, schedule.meetings) == []
    assert schedule.meetings == greedy(problem)


def test_the_time_limit_holds_on_a_bigger_day() -> None:
    problem = random_day(12, n_visitors=12, n_startups=120, n_slots=12)
    started = time.perf_counter()
    schedule = solve(problem, time_limit=2.0)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0 + 1.0, elapsed  # model building and room assignment included
    assert schedule.seconds <= elapsed
    assert schedule.status in {"optimal", "feasible", "greedy-fallback"}
    assert check_schedule(problem, schedule.meetings) == []


def test_progress_is_reported_up_to_the_end() -> None:
    seen: list[float] = []
    solve(random_day(3), time_limit=3, progress=lambda fraction, message: seen.append(fraction))
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


# ------------------------------------------------------------------------------ purity


def test_the_scheduling_core_imports_no_web_or_database_module() -> None:
    modules = ["matchmaker.partnering.problem", "matchmaker.partnering.greedy"]
    modules += ["matchmaker.partnering.check", "matchmaker.partnering.solver"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')"
        " or (m.startswith('matchmaker.') and not m.startswith('matchmaker.partnering')))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("seed", range(4))
def test_lp_rounding_and_compaction_keep_every_rule_and_the_welfare(seed: int) -> None:
    from matchmaker.partnering.greedy import assign, compact, greedy_choice
    from matchmaker.partnering.solver import lp_relaxation

    problem = random_day(100 + seed, n_visitors=8, n_startups=60, n_slots=10)
    bound, values = lp_relaxation(problem)
    assert bound is not None and values
    rounded = greedy_choice(problem, values)
    compacted = compact(problem, rounded)
    for chosen in (rounded, compacted):
        assert check_schedule(problem, assign(problem, chosen)) == []
    assert sorted((v, s) for v, s, _ in compacted) == sorted((v, s) for v, s, _ in rounded)
    gaps = [sum(idle_gaps(problem, assign(problem, c)).values()) for c in (rounded, compacted)]
    assert gaps[1] <= gaps[0]
    assert welfare(problem, assign(problem, rounded)) <= bound + 1e-6
