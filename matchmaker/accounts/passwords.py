"""The password policy: one function every form that sets a password goes through."""

from __future__ import annotations

import functools
from pathlib import Path

from flask_babel import gettext as _

PASSWORD_MIN = 10
PASSWORD_MAX = 200
COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "data" / "common_passwords.txt"
# What people add to a common word to pass a length rule ("sunshine2026!").
_ENDING_CHARACTERS = "0123456789!@#$%^&*._-? "


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased (tools/common_passwords.py writes it)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _common_words() -> frozenset[str]:
    return frozenset(entry.rstrip(_ENDING_CHARACTERS) for entry in common_passwords())


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` may not be used by the account with ``email``, or None when it may."""
    if len(password) < PASSWORD_MIN:
        return _("Use at least %(num)d characters.", num=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("Use at most %(num)d characters.", num=PASSWORD_MAX)
    if len(set(password)) == 1:
        return _("Use more than one repeated character.")
    if password.isdigit():
        return _("Use letters or symbols too, not only digits.")
    folded = password.lower()
    stem = folded.rstrip(_ENDING_CHARACTERS)
    if folded.strip() in common_passwords() or (len(stem) >= 4 and stem in _common_words()):
        return _("This password is one of the most common ones. Choose a less obvious one.")
    local_part = email.strip().lower().partition("@")[0]
    if len(local_part) >= 3 and local_part in folded:
        return _("Do not use your e-mail address in your password.")
    return None
