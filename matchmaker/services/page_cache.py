"""Rendered page parts kept in process, valid for one data version (services/versions.py).

An entry is served only while the data version it was stored under is still the current one: the
first request that reads a newer (or older, after a restore) version empties the cache. Keys name
everything else a part depends on (organisation, language, URL, week); values are the rendered text.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

MAX_ENTRIES = 2_000


class PageCache:
    """A dict of rendered parts for one data version; thread-safe, emptied when the version moves."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, version: int | None, key: Hashable) -> Any | None:
        """The entry stored under ``key`` for ``version``, or None."""
        if version is None:
            return None
        with self._lock:
            if version != self._version:
                self._version, self._entries = version, {}
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
            return value

    def put(self, version: int | None, key: Hashable, value: Any) -> None:
        """Store ``value``, unless the version moved on while it was computed (it may be stale)."""
        if version is None:
            return
        with self._lock:
            if version != self._version:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = value
