"""The job worker yields the CPU to the web processes (issue 20, finding 10): under load a save or a
page gets a core before a background refresh does."""

from __future__ import annotations

import os
from pathlib import Path

from tests.jobs.conftest import wait_until


def _nice(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[16])  # the 19th field of stat: nice


def test_a_worker_runs_at_a_lower_priority_than_the_web(queued_app, start_worker):
    ours = os.nice(0)
    worker = start_worker()
    wait_until(
        lambda: _nice(worker.pid) == min(ours + 10, 19), timeout=60, message="the worker kept its priority"
    )


def test_the_increment_is_configurable(queued_app, start_worker):
    ours = os.nice(0)
    worker = start_worker(MATCHMAKER_WORKER_NICE="3")
    wait_until(
        lambda: _nice(worker.pid) == min(ours + 3, 19), timeout=60, message="the worker kept its priority"
    )
