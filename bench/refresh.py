"""Time from a saved profile to its fresh matches at 1k, 10k and 100k organisations, old path vs new.

Run:  .venv/bin/python bench/refresh.py [--sizes 1000,10000,100000] [--baseline REV] [--old-max 10000]
                                        [--cache DIR] [--rebuild]

For each size it builds one SQLite database (organisations made from ../shared/data/startups_dev.jsonl,
each text made distinct by mixing two real descriptions; 90% startups, 7% partners, 3% investors) and
embeds every text ahead of time with the deterministic hashing encoder (MATCHMAKER_EMBEDDING_MODEL=hashing:
the real model would take hours to embed 100k profiles on two shared cores, and a refresh reads stored
vectors whatever the model; only the saved organisation's changed text is embedded during the timing).
Then each path refreshes a copy of it: "old" runs the `matchmaker` package of git revision REV
(default: the commit this branch started from), "new" runs this checkout. Per path, two processes run
one after the other on the same copy and the same cache directory (MATCHMAKER_CACHE_DIR, which the
old path does not read):
1. "cold": a worker on a fresh installation; it times its first refresh (fitting the lexical index and
   reading every candidate's vectors, and for the new path writing both to the cache), then exits;
2. "restarted": the same worker started again; it times its first refresh (what the first save after a
   restart waits for), then three saves of a partner and three of a startup: the description changes,
   the profile is committed, and `refresh_matches_for` embeds the new text and rescores, explains and
   stores its matches.
Both restarted processes print the stored matches of the last refresh; the parent checks they are
identical. Each reports its peak resident memory (what a worker holding the candidates needs).
Sizes above --old-max run only the new path (the old one takes minutes per save there).
Built databases are kept in --cache (default /tmp/matchmaker-refresh-bench) and reused by later runs
(the 100k one takes a few minutes to build); --rebuild builds them again. The closing table gives how
each time grows from one size to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from counterparts import COUNTERPARTS

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_PATH = REPO_ROOT.parent / "shared" / "data" / "startups_dev.jsonl"
SEED = 20261124
BASE_REVISION = "6f9fc31"  # main when this work started: today's inline refresh


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_rows() -> list[dict[str, Any]]:
    if not DATA_PATH.exists():
        sys.exit(f"{DATA_PATH} is missing: this benchmark builds its organisations from it")
    with DATA_PATH.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [r for r in rows if (r.get("long_description") or r.get("one_liner"))]


def build_database(path: Path, n_orgs: int) -> None:
    """Insert n_orgs organisations and embed all their texts (this checkout's code, hashing encoder)."""
    from sqlalchemy import insert

    from matchmaker import create_app
    from matchmaker.engine.profiles import SECTORS, STAGES
    from matchmaker.extensions import db
    from matchmaker.matching import refresh as matching
    from matchmaker.models import Base, Organisation, OrganisationSector

    rows = load_rows()
    rng = random.Random(SEED)
    n_partners = max(1, n_orgs * 7 // 100)
    n_investors = max(1, n_orgs * 3 // 100)
    n_startups = n_orgs - n_partners - n_investors
    app = create_app(_config(path))
    with app.app_context():
        Base.metadata.create_all(db.engine)
        orgs, sectors = [], []
        for i in range(n_orgs):
            a, b = rows[i % len(rows)], rows[(i * 7919 + 13) % len(rows)]
            kind = "startup" if i < n_startups else ("partner" if i < n_startups + n_partners else "investor")
            text = f"{a.get('long_description') or a['one_liner']} {b.get('one_liner') or ''}".strip()
            org: dict[str, Any] = {
                "id": i + 1,
                "slug": f"bench-{i + 1}",
                "kind": kind,
                "name": f"{a['name']} {i + 1}"[:120],
                "description": text[:4000],
                "offers": b.get("one_liner") or "",
                "seeks": "",
                "tags": list(a.get("tags") or [])[:3],
                "investor_stages": [],
                "visibility": "listed",
            }
            if kind == "startup":
                org["stage"] = rng.choice(STAGES)
                org["raising_amount"] = rng.choice([None, 500_000, 2_000_000, 10_000_000])
                org["raising_currency"] = "USD"
                org["seeks"] = rng.choice(COUNTERPARTS)[0]
            else:
                org["offers"], org["seeks"] = COUNTERPARTS[i % len(COUNTERPARTS)]
                if kind == "investor":
                    org["investor_stages"] = rng.sample(STAGES, 3)
                    org["ticket_min"], org["ticket_max"] = 100_000, 20_000_000
                    org["ticket_currency"] = "USD"
            orgs.append(org)
            for sector in rng.sample(SECTORS, rng.choice([0, 1, 1, 2])):
                sectors.append({"organisation_id": i + 1, "sector": sector})
        for start in range(0, len(orgs), 5000):
            db.session.execute(insert(Organisation), orgs[start : start + 5000])
        for start in range(0, len(sectors), 5000):
            db.session.execute(insert(OrganisationSector), sectors[start : start + 5000])
        db.session.commit()
        started = time.perf_counter()
        matching.embed_all(batch=512)
        log(f"  embedded every text of {n_orgs:,} organisations in {time.perf_counter() - started:.0f}s")
        db.session.remove()
        db.engine.dispose()


def _config(path: Path) -> dict[str, Any]:
    return {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "MATCHMAKER_CACHE_DIR": str(path.parent / "cache"),
        "MATCHMAKER_EMBEDDING_MODEL": "hashing",
        "MATCHMAKER_MATCH_ON_SAVE": False,
    }


def measure(path: Path, saves: int) -> dict[str, Any]:
    """In this process (whichever `matchmaker` is on sys.path): first refresh, then timed saves
    (none for the cold process, which only shows what a worker on a fresh installation pays)."""
    from sqlalchemy import select

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.matching import refresh as matching
    from matchmaker.models import Match, Organisation

    app = create_app(_config(path))
    out: dict[str, Any] = {"saves": {}, "matches": {}}
    with app.app_context():
        partner = db.session.scalar(select(Organisation).where(Organisation.kind == "partner").limit(1))
        startup = db.session.scalar(select(Organisation).where(Organisation.kind == "startup").limit(1))
        started = time.perf_counter()
        matching.refresh_matches_for(partner)
        out["first_refresh_s"] = time.perf_counter() - started
        for label, organisation in (("partner", partner), ("startup", startup)) if saves else ():
            times = []
            original = organisation.description
            for r in range(saves):
                organisation.description = f"{original} Revision {r + 1}: now piloting with new customers."
                db.session.commit()
                started = time.perf_counter()
                report = matching.refresh_matches_for(organisation)
                times.append(time.perf_counter() - started)
            out["saves"][label] = {"seconds": times, "matches": report.matches}
            column = Match.counterpart_id if label == "partner" else Match.startup_id
            out["matches"][label] = [
                [m.startup_id, m.counterpart_id, m.score, m.explanation]
                for m in db.session.scalars(
                    select(Match)
                    .where(column == organisation.id)
                    .order_by(Match.startup_id, Match.counterpart_id)
                )
            ]
    # ru_maxrss is in kilobytes on Linux: the peak of this process, model and candidates included.
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_worker(code_root: Path, db_path: Path, saves: int) -> dict[str, Any]:
    """A cold worker, then the same worker restarted, on one copy of the database and one cache."""
    env = dict(os.environ, PYTHONPATH=str(code_root), BENCH_CODE_ROOT=str(code_root))
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="refresh-bench-") as tmp:
        copy = Path(tmp) / "bench.sqlite"
        shutil.copy(db_path, copy)
        for phase, phase_saves in (("cold", 0), ("restarted", saves)):
            result = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--measure", str(copy)]
                + ["--saves", str(phase_saves)],
                env=env,
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            if result.returncode != 0:
                raise RuntimeError(f"worker failed ({code_root}, {phase}):\n{result.stderr[-3000:]}")
            out[phase] = json.loads(result.stdout)
    return out["restarted"] | {
        "cold_first_refresh_s": out["cold"]["first_refresh_s"],
        "cold_peak_rss_mb": out["cold"]["peak_rss_mb"],
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline", default=BASE_REVISION, help="git revision of today's path")
    parser.add_argument("--old-max", type=int, default=10000, help="largest size the old path runs at")
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "matchmaker-refresh-bench"))
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases again")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.saves)))
        return 0
    sys.path.insert(0, str(REPO_ROOT))
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="refresh-baseline-") as old_root:
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", args.baseline, "matchmaker"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", old_root], input=archive.stdout, check=True)
        log(f"old path: matchmaker at {args.baseline}; new path: {REPO_ROOT}")
        table = []
        measured: dict[tuple[str, int], dict[str, Any]] = {}
        for n in sizes:
            db_path = cache / f"orgs-{n}.sqlite"
            if args.rebuild or not db_path.exists():
                log(f"building {n:,} organisations (cached in {db_path})")
                partial = db_path.with_suffix(".partial")
                partial.unlink(missing_ok=True)
                build_database(partial, n)
                partial.rename(db_path)
            results = {}
            for label, root in (("old", Path(old_root)), ("new", REPO_ROOT)):
                if label == "old" and n > args.old_max:
                    continue
                log(f"{n:,} organisations: {label} path (load {load_average()})")
                results[label] = run_worker(root, db_path, args.saves)
                measured[(label, n)] = results[label]
            same = "-"
            if "old" in results:
                same = "yes" if results["old"]["matches"] == results["new"]["matches"] else "NO"
            for label, data in results.items():
                row = [
                    f"{n:,}",
                    label,
                    f"{data['cold_first_refresh_s']:.2f}",
                    f"{data['first_refresh_s']:.2f}",
                ]
                for side in ("partner", "startup"):
                    seconds = data["saves"][side]["seconds"]
                    row.append(f"{statistics.median(seconds):.3f} (max {max(seconds):.3f})")
                row += [
                    f"{data['cold_peak_rss_mb']:.0f} / {data['peak_rss_mb']:.0f}",
                    str(data["saves"]["partner"]["matches"]),
                    same,
                ]
                table.append(row)
            print_table(table)
    print_growth(measured, sizes)
    print(f"load average at the end: {load_average()} (2 cores shared with other engineers)")
    return 0


def print_table(rows: list[list[str]]) -> None:
    headers = [
        "organisations",
        "path",
        "first refresh, new installation (s)",
        "first refresh after a restart (s)",
        "partner save -> fresh matches, median s",
        "startup save -> fresh matches, median s",
        "peak RSS, new / restarted (MB)",
        "kept",
        "same matches",
    ]
    print()
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


def print_growth(measured: dict[tuple[str, int], dict[str, Any]], sizes: list[int]) -> None:
    """How each measure grows from one size to the next (x10 organisations: 10 would be linear)."""
    rows = []
    for label in ("old", "new"):
        for small, large in zip(sizes, sizes[1:], strict=False):
            a, b = measured.get((label, small)), measured.get((label, large))
            if a is None or b is None:
                continue

            def ratio(get: Any, a: dict[str, Any] = a, b: dict[str, Any] = b) -> str:
                return f"x{get(b) / get(a):.1f}"

            rows.append(
                [
                    label,
                    f"{small:,} -> {large:,} (x{large / small:g})",
                    ratio(lambda d: d["cold_first_refresh_s"]),
                    ratio(lambda d: d["first_refresh_s"]),
                    ratio(lambda d: statistics.median(d["saves"]["partner"]["seconds"])),
                    ratio(lambda d: statistics.median(d["saves"]["startup"]["seconds"])),
                    ratio(lambda d: d["peak_rss_mb"]),
                ]
            )
    if not rows:
        return
    headers = [
        "path",
        "organisations",
        "first refresh, new",
        "first refresh, restarted",
        "partner save",
        "startup save",
        "peak RSS",
    ]
    print()
    print("Growth (ratio of the larger size's value to the smaller's):")
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    if os.environ.get("BENCH_CODE_ROOT"):
        sys.path.insert(0, os.environ["BENCH_CODE_ROOT"])
    sys.exit(main())
