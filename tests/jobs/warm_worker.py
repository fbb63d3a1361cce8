"""Job worker processes started from a warm interpreter, for the tests that run many of them.

A test that ran ``flask worker`` as a new program paid for a Python start, the app's imports (flask,
SQLAlchemy, RQ, the app's modules: 0.7 s of CPU) and, at the first refresh, scikit-learn's (0.8 s),
before its job's few milliseconds of work; the job tests start some fifty workers. Here one process
per pytest worker does those imports once (``tests/jobs/warm_imports.py``, the preload of a
``multiprocessing`` forkserver), and each worker is a fork of it that then does what the ``flask``
program does: it takes the given arguments, environment and working directory, runs Flask's command
line (``flask.cli.main``: the app is created from the environment, the ``worker`` command runs),
writes to its own stdout and stderr, and exits with the command's status. It is a process of its own
on the real database and the real Redis, signalled and killed as one.

What it skips is the interpreter's start and the imports. The tests that start ``flask worker`` as a
new program keep doing so: ``tests/jobs/test_worker_redis_outage.py`` and the long-running worker of
``tests/jobs/test_worker_faults.py`` (scheduler on, warm-up on, as ``make run`` starts it).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_CONTEXT: list[Any] = []


def _context() -> Any:
    if not _CONTEXT:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["tests.jobs.warm_imports"])
        _CONTEXT.append(context)
    return _CONTEXT[0]


def _flask(
    argv: list[str], env: dict[str, str], cwd: str, stdout: str, stderr: str, new_session: bool
) -> None:
    """The child: become the ``flask`` program with ``argv``, ``env`` and ``cwd``, then run it."""
    if new_session:
        os.setsid()
    for fd, path in ((1, stdout), (2, stderr)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", closefd=False)  # noqa: SIM115
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = list(argv)
    from flask.cli import main

    try:
        main()  # exits with the command's status (SystemExit), as the program does
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()


class WarmProcess:
    """A running warm worker, with the part of ``subprocess.Popen`` the tests use."""

    def __init__(
        self, argv: Sequence[str], env: dict[str, str], cwd: Path, output: Path, *, new_session: bool = False
    ) -> None:
        self.args = list(argv)
        self.stdout_path = output.with_suffix(".out")
        self.stderr_path = output.with_suffix(".err")
        self._process = _context().Process(
            target=_flask,
            args=(self.args, env, str(cwd), str(self.stdout_path), str(self.stderr_path), new_session),
            daemon=False,
        )
        self._process.start()
        assert self._process.pid is not None
        self.pid: int = self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def output(self) -> tuple[str, str]:
        """What the process wrote to stdout and stderr so far."""
        return _read(self.stdout_path), _read(self.stderr_path)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def run(
    argv: Sequence[str], env: dict[str, str], cwd: Path, output: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (a ``flask`` command line) to its end, as ``subprocess.run(..., capture_output=True,
    text=True)`` does: a process over ``timeout`` seconds is killed and ``TimeoutExpired`` raised."""
    process = WarmProcess(argv, env, cwd, output)
    try:
        returncode = process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(30)
        stdout, stderr = process.output()
        raise subprocess.TimeoutExpired(process.args, timeout, output=stdout, stderr=stderr) from None
    stdout, stderr = process.output()
    return subprocess.CompletedProcess(process.args, returncode, stdout, stderr)
