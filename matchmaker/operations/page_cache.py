"""Rendered page parts kept in process, each valid while the data versions it depends on stand still.

Each entry remembers the scopes it depends on (operations/versions.py) with the values read *before*
its data; it is served only while each of those values is still the current one. Keys name everything
else a part depends on (organisation, language, URL, week); values are the rendered text. A save that
raises one organisation's scopes leaves the pages of every other organisation kept.

While one thread renders an entry, the others asking for the same key wait for it instead of
rendering it again (a kept page that moved is asked for by every reader at once). With Redis, the web
processes also share what they render (``SharedRenders``): after a save moved a page, one process
renders it and the others take it from Redis, instead of each rendering it again.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import current_app

from matchmaker.jobs import queue as jobs

if TYPE_CHECKING:
    from redis import Redis

logger = logging.getLogger(__name__)

MAX_ENTRIES = 2_000
MAX_BYTES = 64 * 1024 * 1024  # of rendered text per process: 2,000 review pages are about 40 MB

Versions = Mapping[int, int]
# What a render returns: the value, the scopes it depends on, and its size in bytes.
Rendered = tuple[Any, Sequence[int], int]


class SharedRenders:
    """Rendered parts shared by the web processes through Redis, each under its key and the exact data
    versions read before it was rendered (so an entry is only ever served at those versions).

    One process renders a part at a time (a short lock in Redis); the others wait for it a moment
    rather than render it too. Redis failing or slow only means rendering here, as without it."""

    TTL_MS = 120_000  # an entry outlives the versions it was rendered at by little: they move on saves
    LOCK_MS = 5_000  # a render that died leaves its lock this long at most
    WAIT_SECONDS = 1.0  # then render here: the renderer is slow or gone
    POLL_SECONDS = 0.005

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def name(self, key: Hashable, versions: Versions) -> str:
        digest = hashlib.sha256(repr((key, sorted(versions.items()))).encode()).hexdigest()
        return f"{self.prefix}:{digest}"

    def fetch(self, key: Hashable, versions: Versions, render: Callable[[], Rendered]) -> Rendered:
        name = self.name(key, versions)
        try:
            found = self._get(name)
            if found is not None:
                return found
            mine = bool(self.redis.set(f"{name}:rendering", 1, nx=True, px=self.LOCK_MS))
        except Exception:  # Redis down or slow: render here
            logger.warning("shared page cache unavailable; rendering in this process", exc_info=True)
            return render()
        if mine:
            try:
                rendered = render()
                self._put(name, rendered)
            finally:
                self._unlock(name)
            return rendered
        deadline = time.monotonic() + self.WAIT_SECONDS
        try:
            while time.monotonic() < deadline:
                time.sleep(self.POLL_SECONDS)
                found = self._get(name)
                if found is not None:
                    return found
        except Exception:
            logger.warning("shared page cache unavailable; rendering in this process", exc_info=True)
        return render()

    def _put(self, name: str, rendered: Rendered) -> None:
        try:
            self.redis.set(name, pickle.dumps(rendered), px=self.TTL_MS)
        except Exception:
            logger.warning("shared page cache unavailable; not shared", exc_info=True)

    def _unlock(self, name: str) -> None:
        try:
            self.redis.delete(f"{name}:rendering")
        except Exception:
            logger.warning("shared page cache unavailable; its lock expires by itself", exc_info=True)

    def _get(self, name: str) -> Rendered | None:
        blob = self.redis.get(name)
        if not isinstance(blob, bytes):
            return None
        found: Rendered = pickle.loads(blob)  # noqa: S301 (written by this installation's processes)
        return found


class PageCache:
    """A dict of rendered parts, each stored with the versions it was rendered at; thread-safe.

    Bounded by entries and by the size callers give: past either, the least recently used go first."""

    def __init__(
        self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES, shared: SharedRenders | None = None
    ) -> None:
        self.shared = shared
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
                if self.shared is not None and versions is not None:
                    value, scopes, size = self.shared.fetch(key, versions, render)
                else:
                    value, scopes, size = render()
                self.put(versions, key, value, scopes, size)
                return value
            finally:
                with self._lock:
                    if self._rendering.get(key) is rendering:
                        del self._rendering[key]


def kept_pages() -> PageCache:
    """This process's kept page parts (the review pages and the API's match lists share one budget),
    shared with the other web processes through Redis when it is configured."""
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None:
        shared = None
        if current_app.config.get("MATCHMAKER_REDIS_URL"):
            shared = SharedRenders(jobs.redis_connection(), f"mm:pages:{jobs.queue_name()}")
        cache = current_app.extensions.setdefault(_CACHE_KEY, PageCache(shared=shared))
    return cache


_CACHE_KEY = "matchmaker.review_cache"
