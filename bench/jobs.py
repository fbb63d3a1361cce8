"""Save latency and web-worker memory: matching inline in the request (baseline) vs on the RQ queue.

Both modes run in this one script, each against its own copy of the demo database, behind gunicorn
as `make run` serves it (2 workers x 4 threads). A founder saves their profile N times over HTTP,
each time with a changed description (so every save needs new embeddings and a refresh). Printed:
save latency p50/p95 per mode, time from the last save to fresh matches on the queue, and the RSS of
each gunicorn worker afterwards (inline: the model is loaded in the web worker; queue: it is not).

    .venv/bin/python bench/jobs.py [--saves 30] [--redis redis://127.0.0.1:6379/2]

Needs Redis for the queue mode. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FOUNDER = ("founder@matchmaker.example", "founder-demo-2026")
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


def run_mode(mode: str, database: Path, saves: int, redis_url: str) -> dict[str, object]:
    """Serve, sign in, save ``saves`` times; return latencies, freshness time and worker memory."""
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
            "2",
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
        for _ in range(100):
            try:
                browser.get("/login")
                break
            except OSError:
                time.sleep(0.2)
        credentials = {"email": FOUNDER[0], "password": FOUNDER[1]}
        assert browser.post("/login", credentials, browser.token("/login")) == 302
        with sqlite3.connect(database) as db:
            organisation_id = db.execute(
                "SELECT organisation_id FROM users WHERE email = ?", (FOUNDER[0],)
            ).fetchone()[0]
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
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    try:
        print("preparing the demo database ...", file=sys.stderr)
        demo = prepare_database(workdir)
        results = {}
        for mode in ("inline", "queue"):
            copy = workdir / f"{mode}.sqlite"
            shutil.copy(demo, copy)
            print(f"{mode}: {args.saves} saves ...", file=sys.stderr)
            results[mode] = run_mode(mode, copy, args.saves, args.redis)
        print(f"saves per mode: {args.saves}, each with a changed description; gunicorn 2x4; SQLite")
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
