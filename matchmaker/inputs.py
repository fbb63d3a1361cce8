"""Reading what people and programs send: whole numbers and text that the databases can store.

Pure functions (no Flask), shared by the request boundary (matchmaker.web.boundary), the views and the
services, so that "a number" and "acceptable text" mean the same everywhere.
"""

from __future__ import annotations

import re
from typing import Any

DB_INT_MAX = 2**31 - 1  # PostgreSQL's integer; every id column is one
PAGE_MAX = 100_000  # no listing has that many pages; beyond it an offset could overflow bigint
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")
# NUL cannot be stored by PostgreSQL; lone surrogates cannot be encoded as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def positive_up_to(maximum: int) -> str:
    """A regular expression for exactly the decimal numbers 1..maximum, without leading zeros.

    A route's converter that matched more and then refused the value would make Werkzeug answer 405
    (another method's rule "matched") where 404 is due.
    """
    digits = str(maximum)
    parts = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        last = i == len(digits) - 1
        top = int(digit) if last else int(digit) - 1
        if top >= low:
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{low}-{top}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(parts) + ")"


def whole_number(text: Any, minimum: int = 0, maximum: int = DB_INT_MAX) -> int | None:
    """``text`` as an int if it is ASCII digits within [minimum, maximum]; None otherwise.

    ``str.isdigit`` accepts "²" and "١٢", which ``int`` then refuses or reads; this accepts 0-9 only.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def is_storable_text(value: str) -> bool:
    """True unless ``value`` holds a NUL character or a lone surrogate."""
    return _UNSTORABLE.search(value) is None


def first_unstorable(value: Any, depth: int = 0) -> str | None:
    """The first string (or key) inside a JSON value that cannot be stored, as a short path; or None."""
    if isinstance(value, str):
        return "" if not is_storable_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if not is_storable_text(str(key)):
                return "(a key)"
            inner = first_unstorable(item, depth + 1)
            if inner is not None:
                return f"{key}.{inner}".rstrip(".") if inner else str(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            inner = first_unstorable(item, depth + 1)
            if inner is not None:
                return f"{index}.{inner}".rstrip(".")
    return None


def json_nesting_depth(text: str | bytes, limit: int) -> int:
    """How deep the arrays and objects of a JSON text nest, counting no further than ``limit + 1``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif char in "]}":
            depth -= 1
    return deepest
