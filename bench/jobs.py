"""Save latency and web-worker memory: matching inline in the request (baseline) vs on the RQ queue.

Both modes run in this one script, each against its own copy of the demo database, behind gunicorn
as `make run` serves it (3 workers x 4 threads). A founder saves their profile N times over HTTP,
each time with a changed description (so every save needs new embeddings and a refresh). Printed:
the RSS of each gunicorn worker at start, after a founder's own profile page and a partner's page
(sector suggestions, "what would raise this match") and after every page as founder, partner and
staff; then save latency p50/p95 per mode, time from the last save to fresh matches on the queue, and
the RSS of each gunicorn worker afterwards (inline: the model is loaded in the web worker; queue: not).

    .venv/bin/python bench/jobs.py [--saves 30] [--redis redis://127.0.0.1:6379/2]
    .venv/bin/python bench/jobs.py --saves 0      # the memory walk only

Needs Redis for the queue mode. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FOUNDER = ("founder@matchmaker.example", "founder-demo-2026")
PARTNER = ("partner@matchmaker.example", "partner-demo-2026")
STAFF = ("staff@matchmaker.example", "staff-demo-2026")
PAGES = [
    "/dashboard",
    "/organisations/",
    "/review/",
    "/introductions/",
    "/exclusions/",
    "/account/data",
    "/staff/queue",
    "/staff/funnel",
    "/staff/outbox",
    "/staff/imports",
    "/staff/ecosystem",
    "/staff/learning/",
    "/staff/accounts",
    "/staff/jobs/",
    "/staff/triples/",
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def loaded_torch(pid: int) -> bool:
    return "libtorch" in Path(f"/proc/{pid}/maps").read_text()


def loaded_model(pid: int) -> bool:
    """Whether the process mapped Kiwi's, scikit-learn's, scipy's or torch's native code."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    # numpy's own OpenBLAS is called libscipy_openblas: look for the packages' directories instead.
    return any(name in maps for name in ("libtorch", "/kiwipiepy", "/sklearn/", "/scipy/"))


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


class Browser:
    """A signed-in browser: cookies and CSRF tokens, nothing else."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read().decode()

    def token(self, page: str) -> str:
        """The CSRF token of a form page (read before the timed request)."""
        found = CSRF.search(self.get(page))
        return found.group(1) if found else ""

    def post(self, path: str, form: dict[str, str | list[str]], token: str) -> int:
        data = dict(form) | {"csrf_token": token}
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a save answers 302; time the save, not the next page
        return None


def prepare_database(workdir: Path) -> Path:
    """The demo database, built once (migrations, demo data, matches) and copied per mode."""
    path = workdir / "demo.sqlite"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{path}", "HF_HUB_OFFLINE": "1"}
    env.pop("MATCHMAKER_REDIS_URL", None)
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [BIN / "flask", "--app", "matchmaker", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return path


@contextlib.contextmanager
def serving(mode: str, database: Path, redis_url: str) -> Iterator[tuple[Browser, subprocess.Popen[bytes]]]:
    """gunicorn as `make run` serves it (3 workers x 4 threads), plus one job worker in queue mode."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "HF_HUB_OFFLINE": "1"}
    env.pop("MATCHMAKER_REDIS_URL", None)
    processes = []
    if mode == "queue":
        env |= {"MATCHMAKER_REDIS_URL": redis_url, "MATCHMAKER_JOB_QUEUE": f"bench-{secrets.token_hex(3)}"}
        processes.append(
            subprocess.Popen(
                [BIN / "flask", "--app", "matchmaker", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(server)
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(300):
            try:
                browser.get("/login")
                break
            except OSError:
                time.sleep(0.2)
        yield browser, server
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def sign_in(browser: Browser, account: tuple[str, str]) -> None:
    credentials = {"email": account[0], "password": account[1]}
    assert browser.post("/login", credentials, browser.token("/login")) == 302


def organisation_of(database: Path, email: str) -> int | None:
    with sqlite3.connect(database) as db:
        found = db.execute("SELECT organisation_id FROM users WHERE email = ?", (email,)).fetchone()
    return int(found[0]) if found and found[0] is not None else None


def run_mode(mode: str, database: Path, saves: int, redis_url: str) -> dict[str, object]:
    """Serve, sign in, save ``saves`` times; return latencies, freshness time and worker memory."""
    with serving(mode, database, redis_url) as (browser, server):
        sign_in(browser, FOUNDER)
        organisation_id = organisation_of(database, FOUNDER[0])
        edit = f"/organisations/{organisation_id}/edit"
        form = {
            "name": "VoltCell",
            "offers": "Battery health data, a storage pilot",
            "seeks": "Energy partners and seed investment",
            "sectors": ["energy", "automotive"],
            "stage": "seed",
            "visibility": "listed",
        }
        rss_before = {pid: rss_mb(pid) for pid in children(server.pid)}
        latencies = []
        for n in range(saves):
            description = f"Second-life EV batteries as storage for solar farm {n} in Gwangju, round {n}."
            token = browser.token(edit)
            started = time.perf_counter()
            status = browser.post(edit, form | {"description": description}, token)
            latencies.append((time.perf_counter() - started) * 1000)
            assert status == 302, status
        last_save = time.perf_counter()
        fresh_after = 0.0
        if mode == "queue":
            while '"pending":true' in browser.get(f"/organisations/{organisation_id}/matches-status").replace(
                " ", ""
            ):
                time.sleep(0.1)
            fresh_after = time.perf_counter() - last_save
        workers = children(server.pid)
        return {
            "latencies": latencies,
            "fresh_after_s": fresh_after,
            "rss_before": [round(rss_before.get(pid, 0.0)) for pid in workers],
            "rss_after": [round(rss_mb(pid)) for pid in workers],
            "torch": [loaded_torch(pid) for pid in workers],
        }


def run_walk(mode: str, database: Path, redis_url: str) -> list[tuple[str, float, list[int], bool]]:
    """Web worker memory through a founder's visit: at start, after their own profile page, after a
    partner's page (where the "what would raise this match" advice is), then after every page as
    founder, partner and staff. Each step: first-view ms, RSS MB of each gunicorn worker, model loaded."""
    steps: list[tuple[str, float, list[int], bool]] = []
    with serving(mode, database, redis_url) as (browser, server):

        def record(step: str, path: str | None) -> None:
            started = time.perf_counter()
            if path is not None:
                browser.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            workers = children(server.pid)
            steps.append(
                (step, elapsed, [round(rss_mb(pid)) for pid in workers], any(map(loaded_model, workers)))
            )

        sign_in(browser, FOUNDER)
        record("start (signed in)", None)
        own = organisation_of(database, FOUNDER[0])
        partner = organisation_of(database, PARTNER[0])
        assert own is not None and partner is not None
        record("founder: own profile", f"/organisations/{own}")
        record("founder: partner's profile", f"/organisations/{partner}")
        if mode == "queue":  # the advice is computed by the worker; the page polls, then shows it
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    status = browser.get(f"/organisations/{partner}/advice-status")
                except urllib.error.HTTPError:
                    break  # a version of the app that computes the advice in the request
                if '"pending":true' not in status.replace(" ", ""):
                    break
                time.sleep(0.2)
            record("founder: partner's profile, advice ready", f"/organisations/{partner}")
        for account in (FOUNDER, PARTNER, STAFF):
            walker = Browser(browser.base)
            sign_in(walker, account)
            for path in PAGES + [f"/organisations/{organisation_of(database, account[0]) or own}"]:
                try:
                    walker.get(path)
                except urllib.error.HTTPError:
                    pass  # pages a role may not see answer 403
        record("after every page as founder, partner, staff", None)
    return steps


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30, help="0 skips the saves (memory walk only)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    try:
        print("preparing the demo database ...", file=sys.stderr)
        demo = prepare_database(workdir)
        walks = {}
        for mode in ("inline", "queue"):
            copy = workdir / f"walk-{mode}.sqlite"
            shutil.copy(demo, copy)
            print(f"{mode}: memory walk ...", file=sys.stderr)
            walks[mode] = run_walk(mode, copy, args.redis)
        print("web worker memory (gunicorn 3x4, SQLite, demo data): RSS MB of each worker after each step")
        print(f"{'mode':<7} {'step':<46} {'first view ms':>13}  {'RSS MB':<12} heavy native code")
        for mode, steps in walks.items():
            for step, elapsed, rss, heavy in steps:
                rss_text = ", ".join(str(r) for r in rss)
                print(f"{mode:<7} {step:<46} {elapsed:13.0f}  {rss_text:<12} {'yes' if heavy else 'no'}")
        if args.saves <= 0:
            return
        results = {}
        for mode in ("inline", "queue"):
            copy = workdir / f"{mode}.sqlite"
            shutil.copy(demo, copy)
            print(f"{mode}: {args.saves} saves ...", file=sys.stderr)
            results[mode] = run_mode(mode, copy, args.saves, args.redis)
        print(f"saves per mode: {args.saves}, each with a changed description; gunicorn 3x4; SQLite")
        print(
            f"{'mode':<8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'fresh after last save':>22}  "
            "web worker RSS MB before -> after (torch loaded)"
        )
        for mode, r in results.items():
            lat = r["latencies"]
            fresh = f"{r['fresh_after_s']:.2f} s" if mode == "queue" else "in the request"
            memory = ", ".join(
                f"{b} -> {a} ({'yes' if t else 'no'})"
                for b, a, t in zip(r["rss_before"], r["rss_after"], r["torch"], strict=True)
            )
            print(
                f"{mode:<8} {statistics.median(lat):8.0f} {percentile(lat, 0.95):8.0f} {max(lat):8.0f} "
                f"{fresh:>22}  {memory}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
