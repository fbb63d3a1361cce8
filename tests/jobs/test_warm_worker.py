"""The warm worker of the job tests (tests/jobs/warm_worker.py) behaves as the `flask` program does."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.jobs import warm_worker
from tests.jobs.conftest import FLASK, ROOT, wait_until


def _environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "MATCHMAKER_SECRET_KEY": "test-secret-key",
        "MATCHMAKER_EMBEDDING_MODEL": "hashing",
        **values,
    }


def test_a_refused_command_ends_as_the_program_does(tmp_path: Path) -> None:
    """No Redis configured: the same status and the same message on stderr, from the environment given
    to the child and not the test's."""
    argv = [FLASK, "--app", "matchmaker", "worker", "--burst"]
    env = _environment(tmp_path)
    program = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    warm = warm_worker.run(argv, env=env, cwd=ROOT, output=tmp_path / "warm", timeout=120)
    assert program.returncode == warm.returncode == 1
    assert "MATCHMAKER_REDIS_URL is not set" in program.stderr
    assert program.stderr.splitlines()[-1] == warm.stderr.splitlines()[-1]


def test_the_output_and_status_of_a_command_reach_the_test(tmp_path: Path) -> None:
    argv = [FLASK, "--app", "matchmaker", "jobs", "enqueue", "--help"]
    warm = warm_worker.run(argv, env=_environment(tmp_path), cwd=ROOT, output=tmp_path / "warm", timeout=120)
    assert warm.returncode == 0 and "Usage: flask jobs enqueue" in warm.stdout and warm.stderr == ""


def test_a_running_worker_is_waited_for_and_killed_as_a_process(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    argv = [FLASK, "--app", "matchmaker", "worker", "--no-warm-up"]  # serves until stopped
    worker = warm_worker.WarmProcess(argv, env=worker_env, cwd=ROOT, output=tmp_path / "warm")
    assert worker.pid != os.getpid()
    wait_until(lambda: "abandoned job(s) given back" in worker.output()[0], message="it never served")
    with pytest.raises(subprocess.TimeoutExpired):
        worker.wait(timeout=1)  # it serves on
    worker.kill()
    assert worker.wait(timeout=30) == -signal.SIGKILL
