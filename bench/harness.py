"""The shared harness of the benchmarks in bench/: timing, memory, printing, and the real data.

A benchmark here is a script that prints numbers and never fails on a slow machine; every engine row
is printed next to its baseline measured in the same run. To write one (bench/refresh.py, say):

    import harness  # first: it sets the offline model flags and puts the repository on sys.path
    from harness import interleaved, load_average, out, table

    times, _ = interleaved([engine_fn, baseline_fn], runs=5)   # alternated: both see the same load
    out(f"load average {load_average()}")
    table(["path", "median ms"], [["engine", ms(median(times[0]))], ["baseline", ms(median(times[1]))]])

Run it from the repository root (``.venv/bin/python bench/refresh.py``); `bench/engine.py` shows
sections written this way (embedding.py, topk.py, ranking.py, service.py) composed into one run.
``set_output(sys.stderr)`` sends the tables to stderr when stdout carries JSON.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

DATA_PATH = REPO_ROOT.parent / "shared" / "data" / "startups_dev.jsonl"
SEED = 20240601

_output: list[TextIO] = [sys.stdout]


def set_output(stream: TextIO) -> None:
    """Where `out` and `table` print (stdout by default; stderr when stdout carries JSON)."""
    _output[0] = stream


def log(message: str) -> None:
    """Progress line on stderr (tables go to stdout unless --json)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def out(line: str = "") -> None:
    """A line of results."""
    print(line, file=_output[0], flush=True)


# ----------------------------------------------------------------------------------------- helpers


def rss_peak_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def rss_now_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def repeat(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        seconds, result = timed(fn)
        times.append(seconds)
    return times, result


def interleaved(fns: Sequence[Callable[[], Any]], runs: int) -> tuple[list[list[float]], list[Any]]:
    """Run each function `runs` times, alternating them so that both see the same machine load."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(runs):
        for j, fn in enumerate(fns):
            seconds, results[j] = timed(fn)
            times[j].append(seconds)
    return times, results


def load_average() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.3f}" if seconds < 0.01 else f"{seconds * 1000:.1f}"


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        out(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out("  ".join("-" * w for w in widths))


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:160]


def load_texts(limit: int | None) -> list[dict[str, Any]]:
    if not DATA_PATH.exists():
        sys.exit(
            f"bench: {DATA_PATH} not found. It holds the real startup descriptions; "
            "put the shared/ data folder beside the checkout (it is never copied into the repo)."
        )
    rows = []
    with DATA_PATH.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                text = " ".join(
                    p for p in (row.get("one_liner") or "", row.get("long_description") or "") if p
                )
                rows.append({"id": row.get("id"), "name": row.get("name") or "", "text": text.strip()})
    rows = [r for r in rows if r["text"]]
    return rows[:limit] if limit else rows


def machine_info(threads: int) -> dict[str, Any]:
    import sklearn
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": "",
        "torch": torch.__version__,
        "torch_threads": threads,
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
    }
    try:
        import sentence_transformers

        info["sentence_transformers"] = sentence_transformers.__version__
    except Exception as exc:  # pragma: no cover - reported, not fatal
        info["sentence_transformers"] = error_text(exc)
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info
