"""Rendered page parts kept in process, valid for one data version (operations/versions.py).

An entry is served only while the data version it was stored under is still the current one: the
first request that reads a newer (or older, after a restore) version empties the cache. Keys name
everything else a part depends on (organisation, language, URL, week); values are the rendered text.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

MAX_ENTRIES = 2_000
MAX_BYTES = 64 * 1024 * 1024  # of rendered text per process: 2,000 review pages are about 40 MB


class PageCache:
    """A dict of rendered parts for one data version; thread-safe, emptied when the version moves.

    Bounded by entries and by the size callers give: past either, the oldest entries go first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: dict[Hashable, tuple[Any, int]] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, version: int | None, key: Hashable) -> Any | None:
        """The entry stored under ``key`` for ``version``, or None."""
        if version is None:
            return None
        with self._lock:
            if version != self._version:
                self._version, self._entries, self._bytes = version, {}, 0
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self.hits += 1
            return entry[0]

    def put(self, version: int | None, key: Hashable, value: Any, size: int = 0) -> None:
        """Store ``value`` (about ``size`` bytes), unless the version moved on while it was computed
        (it may be stale) or it alone is larger than the whole budget."""
        if version is None or size > self.max_bytes:
            return
        with self._lock:
            if version != self._version:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            while self._entries and (
                len(self._entries) >= self.max_entries or self._bytes + size > self.max_bytes
            ):
                oldest = next(iter(self._entries))  # dicts keep insertion order: the oldest first
                self._bytes -= self._entries.pop(oldest)[1]
            self._entries[key] = (value, size)
            self._bytes += size
