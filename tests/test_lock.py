"""The dependency locks: complete for what we name, CPU-only torch, and a checker that sees drift.

Whether the installed environment equals the lock is checked by `make check-lock` in CI; here the lock
files themselves and the comparison are tested.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.check_lock import differences, read_pins

ROOT = Path(__file__).resolve().parents[1]


def _pins(name: str) -> dict[str, str]:
    return read_pins((ROOT / name).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    ("source", "lock"),
    [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")],
)
def test_every_named_requirement_is_locked_at_its_version(source: str, lock: str) -> None:
    locked = _pins(lock)
    named = _pins(source)
    if source == "requirements-dev.in":
        named |= _pins("requirements.in")
    assert named, source
    for name, version in named.items():
        # torch is named as 2.13.0 and resolves to the CPU build's local version 2.13.0+cpu
        assert locked.get(name, "").split("+")[0] == version, (name, locked.get(name), version)


def test_the_runtime_lock_is_part_of_the_dev_lock() -> None:
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_torch_is_the_cpu_build_and_no_cuda_package_is_locked() -> None:
    for lock in ("requirements.txt", "requirements-dev.txt"):
        pins = _pins(lock)
        assert pins["torch"] == "2.13.0+cpu"
        assert not [name for name in pins if re.match(r"nvidia-|triton$", name)], lock


def test_the_checker_reports_missing_extra_and_different_versions() -> None:
    locked = read_pins(["flask==3.1.3", "    # via -r requirements.in", "Torch==2.13.0+cpu", "numpy==2.3.4"])
    installed = read_pins(["Flask==3.1.3", "torch==2.13.0+cpu", "numpy==2.4.0", "schemathesis==4.32.5"])
    assert differences(locked, locked) == []
    assert differences(locked, installed) == [
        "numpy is 2.4.0, the lock says 2.3.4",
        "schemathesis==4.32.5 is installed but not in the lock",
    ]
    assert differences(installed | {"numpy": "2.3.4"}, locked) == [
        "schemathesis==4.32.5 is locked but not installed"
    ]
