"""Rendered page parts kept in process, each valid while the data versions it depends on stand still.

Each entry remembers the scopes it depends on (operations/versions.py) with the values read *before*
its data; it is served only while each of those values is still the current one. Keys name everything
else a part depends on (organisation, language, URL, week); values are the rendered text. A save that
raises one organisation's scopes leaves the pages of every other organisation kept.

While one thread renders an entry, the others asking for the same key wait for it instead of
rendering it again (a kept page that moved is asked for by every reader at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from flask import current_app

MAX_ENTRIES = 2_000
MAX_BYTES = 64 * 1024 * 1024  # of rendered text per process: 2,000 review pages are about 40 MB

Versions = Mapping[int, int]
# What a render returns: the value, the scopes it depends on, and its size in bytes.
Rendered = tuple[Any, Sequence[int], int]


class PageCache:
    """A dict of rendered parts, each stored with the versions it was rendered at; thread-safe.

    Bounded by entries and by the size callers give: past either, the least recently used go first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[Any, int, tuple[tuple[int, int], ...]]] = {}
        self._rendering: dict[Hashable, threading.Lock] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, versions: Versions | None, key: Hashable) -> Any | None:
        """The entry stored under ``key`` if every version it depends on is still the one in
        ``versions``, else None."""
        found = self._lookup(versions, key)
        with self._lock:
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
        return found

    def peek(self, key: Hashable) -> Any | None:
        """The entry stored under ``key`` whatever versions it was kept at (None if there is none): what
        a caller reads to learn which further versions to read before ``get``; never served as such."""
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[0]

    def _lookup(self, versions: Versions | None, key: Hashable) -> Any | None:
        if versions is None:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or any(versions.get(scope) != value for scope, value in entry[2]):
                return None
            self._entries[key] = self._entries.pop(key)  # the most recently used go last
            return entry[0]

    def put(
        self, versions: Versions | None, key: Hashable, value: Any, scopes: Sequence[int], size: int = 0
    ) -> None:
        """Store ``value`` (about ``size`` bytes), rendered after ``versions`` were read, as depending on
        ``scopes``; unless there are no versions yet or it alone is larger than the whole budget."""
        if versions is None or size > self.max_bytes:
            return
        depends = tuple((scope, versions[scope]) for scope in scopes)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            while self._entries and (
                len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes
            ):
                oldest = next(iter(self._entries))  # dicts keep insertion order: the oldest first
                self._bytes -= self._entries.pop(oldest)[1]
            self._entries[key] = (value, size, depends)
            self._bytes += size

    def fetch(self, versions: Versions | None, key: Hashable, render: Callable[[], Rendered]) -> Any:
        """The entry under ``key``, or ``render()``'s value, stored; one render at a time per key."""
        found = self.get(versions, key)
        if found is not None:
            return found
        with self._lock:
            rendering = self._rendering.setdefault(key, threading.Lock())
        with rendering:
            try:
                found = self._lookup(versions, key)  # another thread may have rendered it meanwhile
                if found is not None:
                    return found
                value, scopes, size = render()
                self.put(versions, key, value, scopes, size)
                return value
            finally:
                with self._lock:
                    if self._rendering.get(key) is rendering:
                        del self._rendering[key]


def kept_pages() -> PageCache:
    """This process's kept page parts (the review pages and the API's match lists share one budget)."""
    return current_app.extensions.setdefault("matchmaker.review_cache", PageCache())
