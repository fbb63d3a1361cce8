"""Reads under load: 50 locust users against gunicorn on the demo data, old code and layout next to the new.

Run:  .venv/bin/python bench/reads.py [--seconds 20] [--users 50] [--layouts 2x4,4x2,3x1] [--baseline REV]
                                     [--savers 0,5] [--pages matches,review,api]

One SQLite database with the demo data (`flask seed-demo`, embedded with the hashing encoder so seeding
takes seconds; reading a page never embeds) serves every run. Each run starts gunicorn (gthread
workers x threads) from a tree: "old" is the `matchmaker` package of git revision REV (default: the
commit this branch started from) in today's `make run` layout (3 workers x 4 threads, tools/serve.sh
and deploy/gunicorn.conf.py), "new" is this checkout in each layout of --layouts. Against each, locust
runs 50 users with no think time for --seconds per page: the founder's matches page (/review/ as
founder), the partner's review page (/review/ as partner) and the matches API (GET
/api/v1/organisations/ID/matches). The accounts sign in once before the runs (their session cookie is
shared by the users, so no run pays for password hashing); API users take turns over 100 tokens of five
members of the founder's startup, so the per-token limit (300 calls a minute) is not what is measured.
Locust runs on the same two cores as the server (and as the other engineers' work: the load average is
printed with every row).

With --savers N (or a list, "0,5": each tree and layout runs with each count, so one run holds the
pages with and without savers), each run also has N users saving the profiles of N other startups as
fast as they can (PATCH /api/v1/organisations/ID with a changed description, through HTTP), with Redis
configured and one job worker running beside gunicorn, as `make run` serves it: the rows then show
the readers, and a "save" row the savers (the readers' server CPU per request then counts the saves'
and the worker's too; on a save row that column is the job worker's CPU per save). Each tree is served
with the gunicorn worker class its `make run` uses (matchmaker/serving.py's where the tree has it). The
Redis database is --redis-url (default db 7, so no other work's queue is
touched).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASE_REVISION = "c45d226"  # main when this work started
OLD_LAYOUT = (3, 4)  # today's `make run` (tools/serve.sh) and deploy/gunicorn.conf.py
PAGES = ("matches", "review", "api")  # and "static", the floor (--pages static,matches,...)
SAVERS_REDIS = "redis://127.0.0.1:6379/7"
ACCOUNTS = {
    "matches": ("founder@matchmaker.example", "founder-demo-2026"),
    "review": ("partner@matchmaker.example", "partner-demo-2026"),
}
# Each token may make RATELIMIT_API (300) calls a minute per worker; the users take turns over many.
TOKENS = 100


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "matchmaker", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


PREPARE_SCRIPT = """
import json, re, sys
from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Organisation, User
from matchmaker.accounts import tokens as api_tokens
accounts, tokens, savers = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
app = create_app()
out = {"cookies": {}}
with app.app_context():
    founder = db.session.scalar(db.select(User).where(User.email == "founder@matchmaker.example"))
    out["api_path"] = f"/api/v1/organisations/{founder.organisation_id}/matches"
    out["tokens"] = []
    for n in range(0, tokens, 20):  # an account holds at most 20 tokens: more members of the startup
        member = User(
            email=f"bench-{n}@matchmaker.example", display_name=f"Bench {n}", role=founder.role,
            organisation_id=founder.organisation_id,
        )
        db.session.add(member)
        db.session.commit()
        count = min(20, tokens - n)
        out["tokens"] += [api_tokens.create_token(member, f"bench {i}")[1] for i in range(count)]
    # Savers: a founder account for each of `savers` other startups, 20 tokens each (rate limits).
    others = db.session.scalars(
        db.select(Organisation)
        .where(Organisation.kind == "startup", Organisation.id != founder.organisation_id)
        .order_by(Organisation.id)
        .limit(savers)
    ).all()
    out["savers"] = []
    for n, startup in enumerate(others):
        member = User(
            email=f"saver-{n}@matchmaker.example", display_name=f"Saver {n}", role=founder.role,
            organisation_id=startup.id,
        )
        db.session.add(member)
        db.session.commit()
        secrets = [api_tokens.create_token(member, f"saver {i}")[1] for i in range(20)]
        out["savers"].append({"path": f"/api/v1/organisations/{startup.id}", "tokens": secrets,
                              "description": startup.description})
for page, (email, password) in accounts.items():
    client = app.test_client()
    agent = {"User-Agent": "matchmaker-bench"}  # sessions are bound to address and browser ("strong")
    form = client.get("/login", headers=agent).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"email": email, "password": password, "csrf_token": csrf.group(1) if csrf else ""}
    assert client.post("/login", data=data, headers=agent).status_code == 302, page
    out["cookies"][page] = client.get_cookie("session").value
print(json.dumps(out))
"""


def prepare(tmp: Path, savers: int) -> tuple[dict[str, str], dict[str, Any]]:
    """The demo database, signed-in session cookies, API tokens and the path of the founder's matches."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite'}",
        MATCHMAKER_EMBEDDING_MODEL="hashing",
        MATCHMAKER_SECRET_KEY="bench-reads",
    )
    log("creating the demo database")
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    result = subprocess.run(
        [sys.executable, "-c", PREPARE_SCRIPT, json.dumps(ACCOUNTS), str(TOKENS), str(savers)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return env, json.loads(result.stdout.strip().splitlines()[-1])


def start_worker(tree: Path, env: dict[str, str]) -> subprocess.Popen:
    """One job worker for the tree, as `make run` starts it beside gunicorn."""
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "matchmaker", "worker"],
        cwd=tree,
        env=dict(env, PYTHONPATH=str(tree)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def worker_class(tree: Path) -> str:
    """The gthread worker each tree's `make run` uses: writes first where the tree has that worker."""
    if (tree / "matchmaker" / "serving.py").exists():
        return "matchmaker.serving.WritesFirstWorker"
    return "gthread"


def serve(tree: Path, env: dict[str, str], workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port: gthread workers x threads, or sync workers when threads is 0."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers", str(workers),
            "--threads", str(max(1, threads)),
            "--worker-class", worker_class(tree) if threads else "sync",
            "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning",
            "wsgi:app",
        ],
        cwd=tree,
        env=dict(env, PYTHONPATH=str(tree)),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5)
            return process, port
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 120 s")


def tree_cpu_seconds(*pids: int) -> float:
    """CPU seconds (user + system, with waited-for children) of these processes and their children."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, times = int(fields[1]), sum(int(x) for x in fields[11:15])
        stats[int(entry.name)] = (ppid, times / tick)
    wanted = set(pids)
    return sum(cpu for pid, (ppid, cpu) in stats.items() if pid in wanted or ppid in wanted)


def run_locust(
    port: int, page: str, env: dict[str, str], users: int, seconds: int, tmp: Path, savers: int
) -> dict[str, dict[str, str]]:
    prefix = tmp / f"locust-{page}-{port}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f", str(REPO_ROOT / "bench" / "locust_reads.py"),
            "--headless", "--users", str(users + savers), "--spawn-rate", str(users + savers),
            "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
        ],
        env=dict(env, READS_TARGET=page, READS_SAVERS=str(savers)),
        capture_output=True,
        check=False,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows["locust"] = {"cpu": str(cpu)}
    errors = Path(f"{prefix}_failures.csv")
    if errors.exists():
        for row in csv.DictReader(errors.open(newline="")):
            log(f"    errors: {row.get('Occurrences')} x {row.get('Name')}: {row.get('Error', '')[:200]}")
    return rows


def measure(
    label: str,
    tree: Path,
    workers: int,
    threads: int,
    savers: int,
    args: argparse.Namespace,
    env: dict[str, str],
    tmp: Path,
) -> list[tuple[str, str, str, dict[str, Any], str]]:
    """Each page against one tree and layout, with ``savers`` savers (Redis and a worker only then)."""
    results: list[tuple[str, str, str, dict[str, Any], str]] = []
    run_env = dict(env, MATCHMAKER_REDIS_URL=args.redis_url) if savers else env
    layout = f"{workers}x{threads}" if threads else f"{workers} sync"
    log(f"{label} {layout}: starting gunicorn")
    if savers:  # no job of an earlier run is left for this run's worker
        subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True, check=True)
    process, port = serve(tree, run_env, workers, threads)
    worker = start_worker(tree, run_env) if savers else None
    try:
        for page in args.pages.split(","):
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            log(f"  {page}: {args.users} users, {savers} savers, {args.seconds}s (load {load})")
            pids = [process.pid] + ([worker.pid] if worker else [])
            server_before = tree_cpu_seconds(*pids)
            worker_before = tree_cpu_seconds(worker.pid) if worker else 0.0
            rows = run_locust(port, page, run_env, args.users, args.seconds, tmp, savers)
            served = sum(float(rows.get(n, {}).get("Request Count") or 0) for n in ("page", "save"))
            server_cpu = tree_cpu_seconds(*pids) - server_before
            worker_cpu = tree_cpu_seconds(worker.pid) - worker_before if worker else 0.0
            cpu = (
                1000 * server_cpu / max(served, 1),
                1000 * float(rows["locust"]["cpu"]) / max(served, 1),
            )
            rows["page"] = dict(rows.get("page", {}), cpu=cpu)
            if worker is not None and rows.get("save"):  # the job worker's CPU per save, on the save row
                saves = max(float(rows["save"].get("Request Count") or 0), 1)
                rows["save"] = dict(rows["save"], cpu=(1000 * worker_cpu / saves, None))
            shown = f"{page} + {savers} savers" if savers else page
            results.append((label, layout, shown, rows.get("page", {}), load))
            if savers:
                results.append((label, f"{workers}x{threads}", f"save ({page})", rows.get("save", {}), load))
    finally:
        for running in (process, worker):
            if running is not None:
                running.terminate()
                running.wait(timeout=30)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--layouts", default="2x4,4x2,3x1")
    parser.add_argument("--baseline", default=BASE_REVISION)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument(
        "--savers", default="0", help="users saving profiles during each run (a list runs each count)"
    )
    parser.add_argument("--redis-url", default=SAVERS_REDIS)
    args = parser.parse_args()
    saver_counts = [int(n) for n in str(args.savers).split(",")]
    with tempfile.TemporaryDirectory(prefix="reads-bench-") as name:
        tmp = Path(name)
        env, prepared = prepare(tmp, max(saver_counts))
        env = dict(
            env,
            READS_SAVER_PATHS=json.dumps(prepared["savers"]),
            READS_TOKENS=",".join(prepared["tokens"]),
            READS_API_PATH=prepared["api_path"],
            READS_COOKIE_MATCHES=prepared["cookies"]["matches"],
            READS_COOKIE_REVIEW=prepared["cookies"]["review"],
        )
        old_root = tmp / "old"
        old_root.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", args.baseline, "matchmaker", "wsgi.py"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive.stdout, check=True)
        runs = [("old", old_root, *OLD_LAYOUT)]
        for layout in args.layouts.split(","):  # "2x4": gthread, 2 workers x 4 threads; "4s": 4 sync workers
            workers, threads = (int(layout[:-1]), 0) if layout.endswith("s") else map(int, layout.split("x"))
            runs.append(("new", REPO_ROOT, workers, threads))
        results = []
        for label, tree, workers, threads in runs:
            for savers in saver_counts:
                results += measure(label, tree, workers, threads, savers, args, env, tmp)
        shutil.rmtree(old_root, ignore_errors=True)
    print()
    print(
        "| code | workers x threads | page | requests/s | p50 ms | p95 ms | requests | errors "
        "| server CPU ms/request | locust CPU ms/request | load before |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, layout, page, row, load in results:
        cells = [label, layout, page, f"{float(row.get('Requests/s') or 0):.0f}"]
        cells += [row.get(k, "-") for k in ("50%", "95%", "Request Count", "Failure Count")]
        server, client = row.get("cpu", (None, None))
        cells += [f"{server:.1f}" if server else "", f"{client:.1f}" if client else "", load]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
