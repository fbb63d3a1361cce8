"""What one profile save costs, in process: CPU ms, SQL statements and Redis commands per PATCH.

Run:  .venv/bin/python bench/saves_cpu.py [--saves 200] [--tree OLD_CHECKOUT] [--profile]
                                          [--redis-url redis://127.0.0.1:6379/7]

Seeds the demo data into a fresh SQLite database (hashing encoder), configures Redis as `make run`
does (the refresh is queued, never run here; db 7 by default, emptied first) and has one founder save
their startup's profile through the API again and again (PATCH /api/v1/organisations/ID with a changed
description, as bench/reads.py's savers do), through the Flask test client. Prints per save: CPU ms
(median and mean of ``time.process_time``, so other work on the machine counts little), wall ms, SQL
statements, commits, and Redis commands. --tree imports the matchmaker package from another checkout
(the old code, e.g. a `git worktree` or `git archive` of the baseline), so both print in one run.
--profile prints a cProfile of the saves instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PREPARE = """
import json, sys
from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Organisation, User
from matchmaker.accounts import tokens as api_tokens
app = create_app()
with app.app_context():
    founder = db.session.scalar(db.select(User).where(User.email == "founder@matchmaker.example"))
    startup = db.session.scalar(
        db.select(Organisation)
        .where(Organisation.kind == "startup", Organisation.id != founder.organisation_id)
        .order_by(Organisation.id).limit(1)
    )
    member = User(email="saver@matchmaker.example", display_name="Saver", role=founder.role,
                  organisation_id=startup.id)
    db.session.add(member)
    db.session.commit()
    print(json.dumps({"id": startup.id, "description": startup.description,
                      "token": api_tokens.create_token(member, "saver")[1]}))
"""


def seed(env: dict[str, str]) -> dict[str, object]:
    import json

    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "matchmaker", *args], cwd=env["PYTHONPATH"], env=env,
                       capture_output=True, check=True)  # fmt: skip
    result = subprocess.run([sys.executable, "-c", PREPARE], cwd=env["PYTHONPATH"], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--tree", help="import the matchmaker package from this directory (old code)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()
    tree = str(Path(args.tree).resolve()) if args.tree else str(REPO_ROOT)
    tmp = tempfile.mkdtemp(prefix="saves-cpu-")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite",
        MATCHMAKER_EMBEDDING_MODEL="hashing",
        MATCHMAKER_SECRET_KEY="x",
        PYTHONPATH=tree,
    )
    env.pop("MATCHMAKER_REDIS_URL", None)
    target = seed(env)
    subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True, check=True)
    for name in ("DATABASE_URL", "MATCHMAKER_EMBEDDING_MODEL", "MATCHMAKER_SECRET_KEY"):
        os.environ[name] = env[name]
    os.environ["MATCHMAKER_REDIS_URL"] = args.redis_url
    sys.path.insert(0, tree)
    from matchmaker import create_app
    from matchmaker.extensions import db

    app = create_app()
    counts = {"sql": 0, "commits": 0, "redis": 0}

    def count(name: str) -> None:
        counts[name] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: count("sql"))
        event.listen(db.engine, "commit", lambda *a, **k: count("commits"))
    from redis.connection import Connection

    send = Connection.send_command

    def counted_send(self: Connection, *a: object, **k: object) -> None:
        count("redis")
        send(self, *a, **k)

    Connection.send_command = counted_send  # type: ignore[method-assign]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {target['token']}", "User-Agent": "matchmaker-bench"}
    path = f"/api/v1/organisations/{target['id']}"
    rounds = iter(range(10**9))

    def save() -> int:
        body = {"description": f"{target['description']} (revision {next(rounds) % 7})"}
        return client.patch(path, json=body, headers=headers).status_code

    for _ in range(10):
        assert save() in (200, 202)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.saves):
            save()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
        return 0
    cpu, wall = [], []
    for key in counts:
        counts[key] = 0
    statuses = set()
    for _ in range(args.saves):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        statuses.add(save())
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    n = args.saves
    print("| tree | status | CPU ms median | CPU ms mean | wall ms median | SQL per save | commits per save "
          "| Redis commands per save |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.tree or 'this checkout'} | {','.join(map(str, sorted(statuses)))} "
        f"| {statistics.median(cpu):.2f} | {statistics.mean(cpu):.2f} | {statistics.median(wall):.2f} "
        f"| {counts['sql'] / n:.1f} | {counts['commits'] / n:.1f} | {counts['redis'] / n:.1f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
