"""Reads under load: 50 locust users against gunicorn on the demo data, old code and layout next to the new.

Run:  .venv/bin/python bench/reads.py [--seconds 20] [--users 50] [--layouts 2x4,4x2,3x1] [--baseline REV]

One SQLite database with the demo data (`flask seed-demo`, embedded with the hashing encoder so seeding
takes seconds; reading a page never embeds) serves every run. Each run starts gunicorn (gthread
workers x threads) from a tree: "old" is the `matchmaker` package of git revision REV (default: the
commit this branch started from) in today's `make run` layout (2 workers x 4 threads), "new" is this
checkout in each layout of --layouts. Against each, locust runs 50 users with no think time for
--seconds per page: the founder's matches page (/review/ as founder), the partner's review page
(/review/ as partner) and the matches API (GET /api/v1/organisations/ID/matches). Users sign in
first; only the page requests are counted. The API's per-token limit is lifted for the run
(MATCHMAKER_RATELIMIT_API), since 50 users share one token. Locust runs on the same two cores as the
server (and as the other engineers' work: the load average is printed with every row).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASE_REVISION = "6f9fc31"  # main when this work started
PAGES = ("matches", "review", "api")


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


def prepare(tmp: Path) -> tuple[dict[str, str], str, str]:
    """The demo database, an API token for the founder and the path of the founder's matches."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite'}",
        MATCHMAKER_EMBEDDING_MODEL="hashing",
        MATCHMAKER_SECRET_KEY="bench-reads",
        MATCHMAKER_RATELIMIT_API="1000000 per minute",
    )
    log("creating the demo database")
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    token = (
        flask(env, "create-api-token", "founder@matchmaker.example", "--name", "bench")
        .strip()
        .splitlines()[-1]
    )
    script = (
        "from matchmaker import create_app\n"
        "from matchmaker.models import User\n"
        "from matchmaker.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = db.session.scalar(db.select(User).where(User.email == 'founder@matchmaker.example'))\n"
        "    print(user.organisation_id)\n"
    )
    organisation = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    return env, token, f"/api/v1/organisations/{organisation}/matches"


def serve(tree: Path, env: dict[str, str], workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers", str(workers),
            "--threads", str(threads),
            "--worker-class", "gthread",
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


def run_locust(
    port: int, page: str, env: dict[str, str], users: int, seconds: int, tmp: Path
) -> dict[str, str]:
    prefix = tmp / f"locust-{page}-{port}"
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f", str(REPO_ROOT / "bench" / "locust_reads.py"),
            "--headless", "--users", str(users), "--spawn-rate", str(users),
            "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
            "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
        ],
        env=dict(env, READS_TARGET=page),
        capture_output=True,
        check=False,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    return rows.get("page", {})


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--layouts", default="2x4,4x2,3x1")
    parser.add_argument("--baseline", default=BASE_REVISION)
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reads-bench-") as name:
        tmp = Path(name)
        env, token, api_path = prepare(tmp)
        env = dict(env, READS_TOKEN=token, READS_API_PATH=api_path)
        old_root = tmp / "old"
        old_root.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", args.baseline, "matchmaker", "wsgi.py"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(old_root)], input=archive.stdout, check=True)
        runs = [("old", old_root, 2, 4)]
        for layout in args.layouts.split(","):
            workers, threads = (int(x) for x in re.split("x", layout))
            runs.append(("new", REPO_ROOT, workers, threads))
        results = []
        for label, tree, workers, threads in runs:
            log(f"{label} {workers}x{threads}: starting gunicorn")
            process, port = serve(tree, env, workers, threads)
            try:
                for page in args.pages.split(","):
                    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                    log(f"  {page}: {args.users} users for {args.seconds}s (load {load})")
                    row = run_locust(port, page, env, args.users, args.seconds, tmp)
                    results.append((label, f"{workers}x{threads}", page, row, load))
            finally:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(old_root, ignore_errors=True)
    print()
    print(
        "| code | workers x threads | page | requests/s | p50 ms | p95 ms | requests | errors | load before |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, layout, page, row, load in results:
        cells = [label, layout, page, f"{float(row.get('Requests/s') or 0):.0f}"]
        cells += [row.get(k, "-") for k in ("50%", "95%", "Request Count", "Failure Count")] + [load]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
