"""Embeddings stored in the database: each text is embedded once per model, then read back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from flask import Flask, current_app, has_request_context
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session

from matchmaker.engine.encoder import Encoder
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.text import normalise_text, text_hash
from matchmaker.extensions import db
from matchmaker.jobs.queue import queue_enabled
from matchmaker.models import Embedding

_LOOKUP_CHUNK = 500  # SQLite allows at most 999 bound parameters in one statement
_EXTENSION_KEY = "matchmaker.encoder"
# session.info: vectors embedded in the session's transaction and not written yet, by (model, text hash).
# They are written when the session commits (``_write_before_commit``): on SQLite the first write of a
# transaction takes the one write lock until the commit, and writing each text's vector as soon as it
# was embedded held that lock through the embedding of every later text of the transaction (a niced
# job worker held it for seconds while saves waited and failed after the busy timeout, issue 20).
PENDING = "matchmaker.pending_embeddings"


def _pending(session: Session | scoped_session[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    pending: dict[tuple[str, str], dict[str, Any]] = session.info.setdefault(PENDING, {})
    return pending


class StoredEmbeddings:
    """An `Encoder` that reads vectors from the ``embeddings`` table and embeds only what is missing.

    Keys are (model id, SHA-256 of the normalised text), so a restart re-embeds nothing and a
    changed text or model re-embeds only itself. ``embedded_texts`` counts real encoder work.
    """

    def __init__(
        self, inner: Encoder, session: Session | scoped_session[Any], defer_missing: bool = False
    ) -> None:
        self.inner = inner
        self.session = session
        self.model_id = inner.model_id
        self.embedded_texts = 0
        # In a web process beside a job worker the model is never loaded: a text not embedded yet
        # reads as a zero row (no evidence) until the worker's job stores its vector.
        self.defer_missing = defer_missing
        self.deferred_texts = 0
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            stored = None
            if self.defer_missing:  # read it from a stored vector rather than from the model
                stored = self.session.scalar(
                    select(Embedding.dimension).where(Embedding.model_id == self.model_id).limit(1)
                )
            self._dimension = int(stored) if stored else int(self.inner.dimension)
        return self._dimension

    def _load(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        pending = _pending(self.session)
        for key in hashes:  # embedded earlier in this transaction, written when it commits
            row = pending.get((self.model_id, key))
            if row is not None:
                found[key] = np.frombuffer(row["vector"], dtype=np.float32)
        hashes = [key for key in hashes if key not in found]
        for start in range(0, len(hashes), _LOOKUP_CHUNK):
            chunk = hashes[start : start + _LOOKUP_CHUNK]
            rows = self.session.execute(
                select(Embedding.text_hash, Embedding.vector).where(
                    Embedding.model_id == self.model_id, Embedding.text_hash.in_(chunk)
                )
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` in order; empty texts give zero rows and are not stored."""
        cleaned = [normalise_text(t) for t in texts]
        keys = {t: text_hash(t) for t in cleaned if t}
        found = self._load(sorted(set(keys.values())))
        missing = sorted({t for t, key in keys.items() if key not in found})
        if missing and self.defer_missing:
            self.deferred_texts += len(missing)
            for text in missing:
                found[keys[text]] = np.zeros(self.dimension, dtype=np.float32)
            missing = []
        if missing:
            fresh = self.inner.encode(missing)
            self.embedded_texts += len(missing)
            pending = _pending(self.session)
            for text, vector in zip(missing, fresh, strict=True):
                vector = np.ascontiguousarray(vector, dtype=np.float32)
                found[keys[text]] = vector
                pending[(self.model_id, keys[text])] = {
                    "model_id": self.model_id,
                    "text_hash": keys[text],
                    "dimension": int(vector.shape[0]),
                    "vector": vector.tobytes(),
                }
        out = np.zeros((len(cleaned), self.dimension), dtype=np.float32)
        for i, text in enumerate(cleaned):
            if text:
                out[i] = found[keys[text]]
        return out


def _store(session: Session, rows: list[dict[str, Any]]) -> None:
    # Two workers may embed the same new text at once; the second insert is simply skipped.
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Embedding).values(rows).on_conflict_do_nothing(index_elements=["model_id", "text_hash"])
    )
    session.execute(statement)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    """Write the vectors the transaction embedded, all at once, just before it commits."""
    rows = list(session.info.pop(PENDING, {}).values())
    for start in range(0, len(rows), _LOOKUP_CHUNK // 5):
        _store(session, rows[start : start + _LOOKUP_CHUNK // 5])


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def app_encoder(app: Flask | None = None) -> Encoder:
    """The process's encoder, made on first use so that web workers load the model only when needed."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    encoder = app.extensions.get(_EXTENSION_KEY)
    if encoder is None:
        name = app.config.get("MATCHMAKER_EMBEDDING_MODEL") or None
        encoder = make_encoder(name)
        threads = app.config["MATCHMAKER_TORCH_THREADS"]
        if hasattr(encoder, "num_threads"):
            encoder.num_threads = threads  # workers share 2 cores; never oversubscribe them
        app.extensions[_EXTENSION_KEY] = encoder
    return encoder


def stored_encoder() -> StoredEmbeddings:
    """The app's encoder behind the database cache, bound to the current session.

    Inside a web request while a job worker exists (``MATCHMAKER_REDIS_URL``), nothing is embedded:
    the worker embeds every saved text, and the web process stays free of the model.
    """
    return StoredEmbeddings(
        app_encoder(), db.session, defer_missing=has_request_context() and queue_enabled()
    )
