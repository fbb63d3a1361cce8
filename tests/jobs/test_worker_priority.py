"""The job worker yields the CPU to the web processes (issue 20, finding 10): under load a save or a
page gets a core before a background refresh does."""

from __future__ import annotations

import os
import sys
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


def test_the_worker_runs_blas_on_its_thread_setting(monkeypatch) -> None:
    """numpy's OpenBLAS is loaded with the app, before `flask worker` sets the thread variables: it had
    started one thread per core, and the worker's numpy work spun on both cores beside the web's."""
    from threadpoolctl import threadpool_info

    from matchmaker.cli_jobs import limit_threads

    assert "numpy" in sys.modules  # loaded with the app, as in the worker
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.setenv(variable, "")  # recorded, so that the test's end restores the original
        monkeypatch.delenv(variable)
    limits = limit_threads(1)
    try:
        blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
        assert blas and [pool["num_threads"] for pool in blas] == [1] * len(blas)
        assert os.environ["OMP_NUM_THREADS"] == "1"  # for the libraries loaded later (scikit-learn, torch)
    finally:
        limits.restore_original_limits()
