"""Reads under load: 50 locust users against gunicorn on the demo data, old code and layout next to the new.

Run:  .venv/bin/python bench/reads.py [--seconds 20] [--users 50] [--layouts 2x4,4x2,3x1] [--baseline REV]

One SQLite database with the demo data (`flask seed-demo`, embedded with the hashing encoder so seeding
takes seconds; reading a page never embeds) serves every run. Each run starts gunicorn (gthread
workers x threads) from a tree: "old" is the `matchmaker` package of git revision REV (default: the
commit this branch started from) in today's `make run` layout (2 workers x 4 threads), "new" is this
checkout in each layout of --layouts. Against each, locust runs 50 users with no think time for
--seconds per page: the founder's matches page (/review/ as founder), the partner's review page
(/review/ as partner) and the matches API (GET /api/v1/organisations/ID/matches). The accounts sign
in once before the runs (their session cookie is shared by the users, so no run pays for password
hashing); API users take turns over 100 tokens of five members of the founder's startup, so the
per-token limit (300 calls a minute) is not what is measured. Locust runs on the same two cores as the
server (and as the other engineers' work: the load average is printed with every row).
"""

from __future__ import annotations

import argparse
import csv
import json
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
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASE_REVISION = "6f9fc31"  # main when this work started
PAGES = ("matches", "review", "api")
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
from matchmaker.models import User
from matchmaker.services import api_tokens
accounts, tokens = json.loads(sys.argv[1]), int(sys.argv[2])
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


def prepare(tmp: Path) -> tuple[dict[str, str], dict[str, Any]]:
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
        [sys.executable, "-c", PREPARE_SCRIPT, json.dumps(ACCOUNTS), str(TOKENS)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return env, json.loads(result.stdout.strip().splitlines()[-1])


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
        env, prepared = prepare(tmp)
        env = dict(
            env,
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
