"""Derived matching state kept on disk, so a restarted worker maps it instead of rebuilding it.

Two things are kept in ``MATCHMAKER_CACHE_DIR`` (default ``instance/cache``): the candidates' field
vectors (`matching/candidates.py`) and the fitted lexical index (`matching/lexical.py`). Neither is a
source of truth: each file names the model and the format it was made with, every entry is checked
against the database before it is used, and a file that is missing, unreadable or of another format is
simply rebuilt. Files are written whole to a temporary name and renamed, so several workers sharing
the directory only ever read a complete file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    """The directory the kept files live in (made on first use)."""
    configured = current_app.config.get("MATCHMAKER_CACHE_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_for(kind: str, *parts: object, suffix: str) -> Path:
    """The kept file of ``kind`` for what it depends on (a model id, a format version, ...)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return cache_dir() / f"{kind}-{digest}{suffix}"


def write_atomically(path: Path, write: Callable[[Path], None]) -> bool:
    """Write ``path`` through ``write(temporary path)`` then rename it into place; False on failure.

    A failure (full disk, read-only directory) is logged and leaves the previous file: the cache only
    speeds a start up, it never stops a refresh.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError:
        logger.warning("could not keep %s", path, exc_info=True)
        Path(temporary).unlink(missing_ok=True)
        return False
    return True


def text_keys(texts: list[str]) -> list[bytes]:
    """A 16-byte digest per text: what a kept entry was made from, compared before it is used."""
    return [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]


_MAGIC = b"MMKEPT1\n"
_ALIGN = 64


def dump_mapped(value: object, path: Path) -> None:
    """Pickle ``value`` to ``path`` with its arrays' bytes stored raw beside the pickle.

    Pickle protocol 5 hands each NumPy array's buffer out of band; they are written aligned after the
    pickle, so `load_mapped` maps them instead of reading them. (joblib's ``mmap_mode`` does the same
    but unpickles the rest in pure Python: 27 s for a 10,000-profile index where this takes a second.)
    """
    buffers: list[pickle.PickleBuffer] = []
    payload = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    with path.open("wb") as handle:
        handle.write(_MAGIC)
        handle.write(struct.pack("<Q", len(payload)))
        handle.write(payload)
        places = []
        for buffer in buffers:
            raw = buffer.raw()
            offset = -handle.tell() % _ALIGN
            handle.write(b"\0" * offset)
            places.append((handle.tell(), raw.nbytes))
            handle.write(raw)
        trailer = pickle.dumps(places, protocol=5)
        handle.write(trailer)
        handle.write(struct.pack("<Q", len(trailer)))


def load_mapped(path: Path) -> Any:
    """What `dump_mapped` wrote; its arrays are read-only views of the mapped file."""
    import numpy as np

    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(mapped[: len(_MAGIC)]) != _MAGIC:
        raise ValueError(f"{path} is not a kept file")
    (size,) = struct.unpack("<Q", bytes(mapped[len(_MAGIC) : len(_MAGIC) + 8]))
    start = len(_MAGIC) + 8
    (trailer_size,) = struct.unpack("<Q", bytes(mapped[-8:]))
    places = pickle.loads(bytes(mapped[len(mapped) - 8 - trailer_size : len(mapped) - 8]))
    buffers = [mapped[offset : offset + length] for offset, length in places]
    return pickle.loads(bytes(mapped[start : start + size]), buffers=buffers)
