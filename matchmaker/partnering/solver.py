"""The optimiser: the LP relaxation (GLOP), rounded, then OR-Tools CP-SAT over (pair, slot) booleans.

`solve(problem)` always returns a schedule that `check_schedule` accepts (given kept meetings that
are themselves valid), within its time limit:
1. the greedy schedule (`greedy.greedy_choice`), always feasible: the fallback when there is no time;
2. the LP relaxation of the model below without the gap term (GLOP, at most a third of the time): its
   value is the upper bound on welfare, and its solution, nearly integral on these problems, rounded
   by the same greedy in the LP's order and slots (usually at the bound: then it is optimal);
3. CP-SAT, hinted with the better of the two, over the pairs the LP or the hint use, for the rest of
   the time: it removes idle gaps and closes what rounding left.
Chosen by measurement (bench/schedule.py): CP-SAT alone on the full model, hinted with the greedy,
stalled below the LP bound on 2 cores; the LP rounding reaches it in well under a second.

The model. x[p, t] = 1 when pair p meets in slot t; only slots where both sides are available,
neither is held by a kept meeting and a fitting table (and interpreter) exists get a variable.
- each pair meets at most once; each person has at most one meeting per slot;
- per slot: meetings <= open tables, video meetings <= open video tables, interpreted meetings <=
  free interpreters (rooms and interpreters are then assigned exactly by `greedy.assign`);
- per person: meetings <= their maximum (kept meetings count);
- fairness, exact: one boolean z; z => every startup owed a meeting has one; not z => nobody has
  more than the fair share (2, or what their kept meetings already give them);
- idle gaps (soft): per visitor and slot, "a meeting before" and "a meeting after" booleans; an
  available free slot with both is idle and costs `problem.gap_penalty`.
Objective: maximise the sum of pair weights minus the gap penalty. CP-SAT's own bound on that
objective is reported beside the LP bound (it is much weaker with 2 workers).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from matchmaker.partnering.greedy import Board, Chosen, assign, compact, greedy_choice
from matchmaker.partnering.problem import Meeting, PairPreference, Problem, Schedule, idle_gaps, welfare

Progress = Callable[[float, str], None]


@dataclass
class _Space:
    """The variables' index: which (pair, slot) may meet, and the per-person and per-slot groups."""

    keys: list[tuple[PairPreference, int]]
    by_pair: dict[tuple[int, int], list[int]]
    by_visitor_slot: dict[tuple[int, int], list[int]]
    by_startup_slot: dict[tuple[int, int], list[int]]
    by_visitor: dict[int, list[int]]
    by_startup: dict[int, list[int]]
    by_slot: dict[int, list[int]]
    video_by_slot: dict[int, list[int]]
    interpreted_by_slot: dict[int, list[int]]
    board: Board


def _space(problem: Problem, only: set[tuple[int, int]] | None = None) -> _Space:
    """The model's variables; `only` restricts them to those pairs (the LP's support, say)."""
    board = Board(problem)
    capacity = board.capacity
    space = _Space(
        keys=[],
        by_pair=defaultdict(list),
        by_visitor_slot=defaultdict(list),
        by_startup_slot=defaultdict(list),
        by_visitor=defaultdict(list),
        by_startup=defaultdict(list),
        by_slot=defaultdict(list),
        video_by_slot=defaultdict(list),
        interpreted_by_slot=defaultdict(list),
        board=board,
    )
    for pair in problem.candidates:
        v, s = pair.visitor, pair.startup
        if (v, s) in board.met or (only is not None and (v, s) not in only):
            continue
        video = problem.needs_video(v, s)
        interpreted = problem.needs_interpreter(v, s)
        for slot in problem.open_slots(pair):
            if slot in board.busy[("v", v)] or slot in board.busy[("s", s)]:
                continue
            if capacity.tables[slot] <= 0 or (video and capacity.video[slot] <= 0):
                continue
            if interpreted and capacity.interpreters[slot] <= 0:
                continue
            k = len(space.keys)
            space.keys.append((pair, slot))
            space.by_pair[(v, s)].append(k)
            space.by_visitor_slot[(v, slot)].append(k)
            space.by_startup_slot[(s, slot)].append(k)
            space.by_visitor[v].append(k)
            space.by_startup[s].append(k)
            space.by_slot[slot].append(k)
            if video:
                space.video_by_slot[slot].append(k)
            if interpreted:
                space.interpreted_by_slot[slot].append(k)
    return space


def _person_limits(problem: Problem, space: _Space) -> list[tuple[list[int], int]]:
    """(variables, meetings left) for every person whose maximum can bind."""
    limits = []
    for side, people, groups in (
        ("v", problem.visitors, space.by_visitor),
        ("s", problem.startups, space.by_startup),
    ):
        for person in people:
            group = groups.get(person.id, [])
            left = max(0, problem.max_for(person) - space.board.count[(side, person.id)])
            if len(group) > left:
                limits.append((group, left))
    return limits


def _owed(problem: Problem, board: Board) -> list[int]:
    return sorted(s for s in problem.fairness_startups if board.count[("s", s)] == 0)


def objective_of(problem: Problem, meetings: list[Meeting]) -> int:
    return welfare(problem, meetings) - problem.gap_penalty * sum(idle_gaps(problem, meetings).values())


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Progress, start: float, limit: float) -> None:
        super().__init__()
        self.report, self.start, self.limit = report, start, limit

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.start
        fraction = min(0.99, 0.15 + 0.85 * elapsed / max(self.limit, 1e-9))
        self.report(fraction, f"objective {self.objective_value:.0f}")


def _cp_model(problem: Problem, space: _Space, hint: list[Chosen] | None) -> tuple[cp_model.CpModel, list]:
    model = cp_model.CpModel()
    board, capacity = space.board, space.board.capacity
    x = [model.new_bool_var(f"x{k}") for k in range(len(space.keys))]
    for group in space.by_pair.values():
        if len(group) > 1:
            model.add_at_most_one(x[k] for k in group)
    for groups in (space.by_visitor_slot, space.by_startup_slot):
        for group in groups.values():
            if len(group) > 1:
                model.add_at_most_one(x[k] for k in group)
    for slot, group in space.by_slot.items():
        if len(group) > capacity.tables[slot]:
            model.add(sum(x[k] for k in group) <= capacity.tables[slot])
    for slot, group in space.video_by_slot.items():
        if len(group) > capacity.video[slot]:
            model.add(sum(x[k] for k in group) <= capacity.video[slot])
    for slot, group in space.interpreted_by_slot.items():
        if len(group) > capacity.interpreters[slot]:
            model.add(sum(x[k] for k in group) <= capacity.interpreters[slot])
    for group, left in _person_limits(problem, space):
        model.add(sum(x[k] for k in group) <= left)
    owed = _owed(problem, board)
    z = None
    if owed:
        z = model.new_bool_var("fair")
        for startup in owed:
            model.add(sum(x[k] for k in space.by_startup.get(startup, [])) >= 1).only_enforce_if(z)
        for person in problem.startups:
            group = space.by_startup.get(person.id, [])
            left = problem.fair_cap(person.id, board.kept_counts) - board.count[("s", person.id)]
            if len(group) > left:
                model.add(sum(x[k] for k in group) <= max(0, left)).only_enforce_if(z.Not())
    chosen = {(v, s, t) for v, s, t in hint} if hint is not None else set()
    hinted_busy = {(v, t) for v, _, t in chosen}
    aux_hints: list[tuple[cp_model.IntVar, bool]] = []  # a complete hint, so CP-SAT starts from it
    penalties = []
    if problem.gap_penalty > 0:
        for visitor in problem.visitors:
            if visitor.id not in space.by_visitor:
                continue
            kept_busy = board.busy[("v", visitor.id)]
            for session in problem.sessions:
                n = len(session)
                if n < 3 or not any(space.by_visitor_slot.get((visitor.id, t)) for t in session):
                    continue
                busy = [
                    1 if t in kept_busy else sum(x[k] for k in space.by_visitor_slot.get((visitor.id, t), []))
                    for t in session
                ]
                was = [t in kept_busy or (visitor.id, t) in hinted_busy for t in session]
                before = [model.new_bool_var("") for _ in range(n)]
                after = [model.new_bool_var("") for _ in range(n)]
                for i in range(n):
                    aux_hints.append((before[i], any(was[:i])))
                    aux_hints.append((after[i], any(was[i + 1 :])))
                model.add(before[0] == 0)
                model.add(after[n - 1] == 0)
                for i in range(1, n):
                    model.add(before[i] >= before[i - 1])
                    model.add(before[i] >= busy[i - 1])
                for i in range(n - 2, -1, -1):
                    model.add(after[i] >= after[i + 1])
                    model.add(after[i] >= busy[i + 1])
                for i in range(1, n - 1):
                    t = session[i]
                    if t in visitor.unavailable or t in kept_busy:
                        continue
                    idle = model.new_bool_var("")
                    model.add(idle >= before[i] + after[i] - 1 - busy[i])
                    penalties.append(idle)
                    aux_hints.append((idle, any(was[:i]) and any(was[i + 1 :]) and not was[i]))
    weights = [pair.weight for pair, _ in space.keys]
    model.maximize(
        sum(w * xk for w, xk in zip(weights, x, strict=True)) - problem.gap_penalty * sum(penalties)
    )
    if hint is not None:
        for k, (pair, slot) in enumerate(space.keys):
            model.add_hint(x[k], (pair.visitor, pair.startup, slot) in chosen)
        for var, value in aux_hints:
            model.add_hint(var, value)
        if z is not None:
            counts: dict[int, int] = defaultdict(int)
            for _, s, _ in chosen:
                counts[s] += 1
            model.add_hint(z, all(counts[s] > 0 for s in owed))
    return model, x


def lp_bound(problem: Problem, time_limit: float = 20.0) -> float | None:
    """An upper bound on welfare: the LP relaxation of the model without gaps (GLOP), plus kept pairs.

    None when GLOP did not prove optimality within the time limit.
    """
    return lp_relaxation(problem, time_limit)[0]


def lp_relaxation(
    problem: Problem, time_limit: float = 20.0
) -> tuple[float | None, dict[tuple[int, int, int], float]]:
    """The LP bound on welfare and the value of each (visitor, startup, slot); none if GLOP stopped early."""
    space = _space(problem)
    board, capacity = space.board, space.board.capacity
    kept_welfare = welfare(problem, list(problem.kept))
    if not space.keys:
        return float(kept_welfare), {}
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with ortools
        return None, {}
    solver.SetTimeLimit(int(time_limit * 1000))
    x = [solver.NumVar(0.0, 1.0, "") for _ in space.keys]
    infinity = solver.infinity()

    def at_most(group: list[int], bound: float, extra: tuple[Any, float] | None = None) -> None:
        # Constraint objects, not `sum(...) <= b`: the natural API spends seconds on 100k terms.
        row = solver.Constraint(-infinity, bound)
        for k in group:
            row.SetCoefficient(x[k], 1.0)
        if extra is not None:
            row.SetCoefficient(extra[0], extra[1])

    for groups in (space.by_pair, space.by_visitor_slot, space.by_startup_slot):
        for group in groups.values():
            if len(group) > 1:
                at_most(group, 1)
    for slot, group in space.by_slot.items():
        at_most(group, capacity.tables[slot])
    for slot, group in space.video_by_slot.items():
        at_most(group, capacity.video[slot])
    for slot, group in space.interpreted_by_slot.items():
        at_most(group, capacity.interpreters[slot])
    for group, left in _person_limits(problem, space):
        at_most(group, left)
    owed = _owed(problem, board)
    if owed:  # the fairness rule with z relaxed to [0, 1]: still satisfied by every integer schedule
        z = solver.NumVar(0.0, 1.0, "fair")
        for startup in owed:  # sum >= z, written as z - sum <= 0
            row = solver.Constraint(-infinity, 0.0)
            row.SetCoefficient(z, 1.0)
            for k in space.by_startup.get(startup, []):
                row.SetCoefficient(x[k], -1.0)
        for person in problem.startups:
            group = space.by_startup.get(person.id, [])
            if not group:
                continue
            left = problem.fair_cap(person.id, board.kept_counts) - board.count[("s", person.id)]
            full = max(0, problem.max_for(person) - board.count[("s", person.id)])
            if full > left:  # sum <= left + (full - left) z
                at_most(group, max(0, left), (z, -float(full - max(0, left))))
    objective = solver.Objective()
    for k, (pair, _) in enumerate(space.keys):
        objective.SetCoefficient(x[k], float(pair.weight))
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None, {}
    values = {
        (pair.visitor, pair.startup, slot): x[k].solution_value()
        for k, (pair, slot) in enumerate(space.keys)
        if x[k].solution_value() > 1e-6
    }
    return kept_welfare + solver.Objective().Value(), values


def solve(
    problem: Problem,
    time_limit: float = 20.0,
    workers: int = 2,
    seed: int = 0,
    restrict: bool = True,
    progress: Progress | None = None,
) -> Schedule:
    """The best schedule found within `time_limit` seconds, with the LP bound on its welfare.

    Steps, all within the limit: the greedy schedule; the LP relaxation (GLOP, at most a third of
    the time), whose value is the bound; CP-SAT, hinted with the greedy schedule, over the pairs
    the LP uses plus the greedy's (`restrict`; the LP is nearly integral at the pair level, so this
    drops most variables and little value) or over all pairs when the LP did not finish.
    """
    start = time.perf_counter()
    report = progress or (lambda fraction, message: None)

    def left() -> float:
        return time_limit - (time.perf_counter() - start)

    chosen = greedy_choice(problem)
    greedy_meetings = assign(problem, chosen)
    best = Schedule(
        greedy_meetings,
        "greedy-fallback",
        objective_of(problem, greedy_meetings),
        welfare(problem, greedy_meetings),
        None,
    )
    report(0.05, "greedy schedule ready")
    if left() <= 0.05:
        best.notes.append("no time for the optimiser: the greedy schedule stands")
        best.seconds = time.perf_counter() - start
        return best
    bound, values = lp_relaxation(problem, max(0.01, left() / 3))
    if bound is not None:
        best.bound, best.bound_method = bound, "LP relaxation (GLOP)"
        # LP rounding: the LP is nearly integral here, so its schedule repaired greedily is often
        # better than the greedy's; the better of the two seeds CP-SAT.
        rounded = compact(problem, greedy_choice(problem, values))
        rounded_meetings = assign(problem, rounded)
        rounded_objective = objective_of(problem, rounded_meetings)
        if rounded_objective > best.objective:
            chosen = rounded
            best.meetings, best.objective = rounded_meetings, rounded_objective
            best.welfare = welfare(problem, rounded_meetings)
            best.status = "feasible"
            best.notes.append("seeded by the rounded LP schedule")
    report(0.1, "bound ready")
    only = None
    if restrict and values:
        only = {(v, s) for v, s, _ in values} | {(v, s) for v, s, _ in chosen}
    space = _space(problem, only)
    if bound is not None and best.objective >= bound - 1e-6:
        best.status = "optimal"  # the welfare of the LP bound and no idle gap: nothing can beat it
    elif not space.keys:
        best.status = "optimal"
        best.notes.append("nothing to schedule beyond the kept meetings")
    else:
        model, x = _cp_model(problem, space, chosen)
        if left() <= 0.05:
            best.notes.append("no time left for CP-SAT after building the model")
        else:
            report(0.15, "optimising")
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = left()
            solver.parameters.num_workers = max(1, workers)
            solver.parameters.random_seed = seed
            callback = _Progress(report, start, time_limit) if progress is not None else None
            status = solver.solve(model, callback)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                picked = [
                    (pair.visitor, pair.startup, slot)
                    for k, (pair, slot) in enumerate(space.keys)
                    if solver.boolean_value(x[k])
                ]
                meetings = assign(problem, picked)
                objective = objective_of(problem, meetings)
                best.solver_bound = solver.best_objective_bound
                if objective >= best.objective:
                    best.meetings, best.objective = meetings, objective
                    best.welfare = welfare(problem, meetings)
                    proven = status == cp_model.OPTIMAL and only is None
                    at_bound = bound is not None and objective >= bound - 1e-6
                    best.status = "optimal" if proven or at_bound else "feasible"
                else:
                    best.notes.append("CP-SAT found nothing better than the greedy schedule")
            else:
                best.notes.append(f"CP-SAT stopped with {solver.status_name(status)}")
    best.seconds = time.perf_counter() - start
    report(1.0, best.status)
    return best
