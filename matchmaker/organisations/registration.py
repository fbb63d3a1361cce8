"""Korean business registration numbers (사업자등록번호): ###-##-##### with a check digit."""

from __future__ import annotations

import re

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_SEPARATORS = re.compile(r"[\s\-–.]")


def check_digit(first_nine: str) -> int:
    """The tenth digit the National Tax Service's rule gives for the first nine."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def normalise_registration_number(text: str) -> str | None:
    """``text`` as ``###-##-#####`` when it is a valid number (hyphens and spaces optional), else None."""
    digits = _SEPARATORS.sub("", text or "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return None
    if check_digit(digits[:9]) != int(digits[9]):
        return None
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
