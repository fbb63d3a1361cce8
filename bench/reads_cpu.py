"""CPU per request of the review pages, in process (Flask test client, time.process_time).

Run:  .venv/bin/python bench/reads_cpu.py [--requests 200] [--database sqlite:///PATH] [--profile PAGE]

Seeds the demo data into a fresh SQLite database (hashing encoder; reading never embeds) unless
--database names one already seeded, signs the founder and the partner in, and reads each page in a
loop: CPU ms per request (median and mean of the process's CPU time, so other work on the machine
does not count), SQL statements per request, and the same for an empty route behind the same
middleware (the floor). --profile PAGE prints a cProfile of that page instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ACCOUNTS = {
    "matches": ("founder@matchmaker.example", "founder-demo-2026"),
    "review": ("partner@matchmaker.example", "partner-demo-2026"),
}


def seed(url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, MATCHMAKER_EMBEDDING_MODEL="hashing")
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "matchmaker", *args], cwd=REPO_ROOT, env=env,
                       capture_output=True, check=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database")
    parser.add_argument("--profile")
    parser.add_argument("--tree", help="import the matchmaker package from this directory (old code)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="reads-cpu-")
    url = args.database or f"sqlite:///{tmp}/demo.sqlite"
    if not args.database:
        seed(url)
    os.environ.update(DATABASE_URL=url, MATCHMAKER_EMBEDDING_MODEL="hashing", MATCHMAKER_SECRET_KEY="x")
    os.environ.pop("MATCHMAKER_REDIS_URL", None)
    sys.path.insert(0, args.tree or str(REPO_ROOT))
    from matchmaker import create_app
    from matchmaker.extensions import db

    app = create_app()
    from flask_login import current_user

    # The floor: the same middleware (session, signed-in user, headers, request log), no work.
    app.add_url_rule("/__empty", "bench_empty", lambda: str(current_user.id))
    statements = [0]
    with app.app_context():
        event.listen(
            db.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1)
        )
    clients = {}
    agent = {"User-Agent": "matchmaker-bench"}
    for page, (email, password) in ACCOUNTS.items():
        client = app.test_client()
        form = client.get("/login", headers=agent).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        data = {"email": email, "password": password, "csrf_token": csrf.group(1) if csrf else ""}
        assert client.post("/login", data=data, headers=agent).status_code == 302
        clients[page] = client
    targets = [("matches", "/review/"), ("review", "/review/"), ("empty", "/__empty")]
    if args.profile:
        page, path = next(t for t in targets if t[0] == args.profile)
        client = clients.get(page, clients["matches"])
        for _ in range(10):
            client.get(path, headers=agent)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path, headers=agent)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return 0
    print("| page | CPU ms median | CPU ms mean | SQL per request | bytes |")
    print("|---|---|---|---|---|")
    for page, path in targets:
        client = clients.get(page, clients["matches"])
        for _ in range(10):
            response = client.get(path, headers=agent)
            assert response.status_code == 200, (page, response.status_code)
        times = []
        statements[0] = 0
        for _ in range(args.requests):
            start = time.process_time()
            response = client.get(path, headers=agent)
            times.append((time.process_time() - start) * 1000)
        per = statements[0] / args.requests
        median, mean = statistics.median(times), statistics.mean(times)
        print(f"| {page} | {median:.2f} | {mean:.2f} | {per:.1f} | {len(response.data)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
