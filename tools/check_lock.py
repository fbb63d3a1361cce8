"""Compare what is installed (``pip freeze --all``) with a lock file; exit 1 listing every difference.

Usage: ``python tools/check_lock.py requirements-dev.txt`` (``make check-lock``). Run it with the
interpreter of the environment to check: it asks that interpreter's pip.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def canonical(name: str) -> str:
    """A distribution name as pip compares it (PEP 503): lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(lines: list[str]) -> dict[str, str]:
    """``name==version`` lines of a lock or of ``pip freeze``; comments, options and URLs are skipped."""
    pins: dict[str, str] = {}
    for line in lines:
        match = _PIN.match(line.strip())
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def differences(locked: dict[str, str], installed: dict[str, str]) -> list[str]:
    """Every way ``installed`` departs from ``locked``, one readable line each (empty when equal)."""
    problems = []
    for name in sorted(locked.keys() | installed.keys()):
        want, have = locked.get(name), installed.get(name)
        if want == have:
            continue
        if have is None:
            problems.append(f"{name}=={want} is locked but not installed")
        elif want is None:
            problems.append(f"{name}=={have} is installed but not in the lock")
        else:
            problems.append(f"{name} is {have}, the lock says {want}")
    return problems


def installed_pins(python: str = sys.executable) -> dict[str, str]:
    """What ``pip freeze --all`` reports for ``python``'s environment."""
    output = subprocess.run(
        [python, "-m", "pip", "freeze", "--all"], check=True, capture_output=True, text=True
    ).stdout
    return read_pins(output.splitlines())


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements-dev.txt")
    problems = differences(read_pins(lock.read_text(encoding="utf-8").splitlines()), installed_pins())
    if not problems:
        print(f"The environment matches {lock} exactly.")
        return 0
    print(f"The environment differs from {lock}:", *(f"  {p}" for p in problems), sep="\n")
    print(
        "Install the lock (`make setup`), or add a new package to requirements.in or "
        "requirements-dev.in and run `make lock`."
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
