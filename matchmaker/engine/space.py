"""A learned similarity space the app can rank with: a linear map of stored embeddings, in numpy only.

`similarity.fit_linear_space` (scikit-learn, run by the worker or the CLI) learns a discriminant
projection from the organisations' own labels (their sectors and tags) and exports it as a
`LinearSpace`: a matrix, a blend weight and a calibration. Ranking only multiplies with it, so the
web process never imports scikit-learn. A row is [sqrt(1-w) * unit(E @ P), sqrt(w) * E]: the dot
product of two rows is (1-w) * learned cosine + w * plain cosine.

Every row maps to the same bits whether it is mapped alone (one pair) or among 10,000 candidates (a
refresh): the matrix product is done on integers held exactly in float64, so the order in which BLAS
adds cannot change a bit. A refresh's candidates keep their mapped rows per vector object.
"""

from __future__ import annotations

import base64
import hashlib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import numpy as np

# Integer steps of an embedding entry (|e| <= 1) and of a projection entry (relative to the largest):
# |sum of d products| <= d * 2^16 * 2^20 stays below 2^53 for any d up to 2^17 dimensions.
_E_STEPS = float(2**16)
_P_STEPS = float(2**20)


class Space(Protocol):
    """What scoring needs of a learned space (`LinearSpace`, or the evaluation's `SimilaritySpace`)."""

    @property
    def is_fitted(self) -> bool: ...  # noqa: D102

    @property
    def calibration_(self) -> tuple[float, float]: ...  # noqa: D102

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray: ...  # noqa: D102


@dataclass(init=False, eq=False)
class LinearSpace:
    """A fitted linear space: `projection` (dim, k), the plain embedding's share `embedding_weight`,
    the cosine `floor` and `ceiling` that calibrate its similarities, and what it was fitted on.

    Its dataclass fields are only what names it (version, weights, calibration, info), so
    `dataclasses.asdict` of a `ScoringConfig` holding it stays small and JSON-ready (a stored
    advice's version hashes the configuration); the matrix and the row cache are plain attributes.
    """

    version: str
    embedding_weight: float
    floor: float
    ceiling: float
    info: dict[str, Any]

    def __init__(
        self,
        projection: np.ndarray,
        embedding_weight: float,
        floor: float,
        ceiling: float,
        version: str = "",
        info: dict[str, Any] | None = None,
    ) -> None:
        # Kept at float32 precision, as stored, so a fitted space and its stored copy map alike.
        self.projection = np.asarray(projection, dtype=np.float32).astype(np.float64)
        self.embedding_weight = float(embedding_weight)
        self.floor, self.ceiling = float(floor), float(ceiling)
        self.info = dict(info or {})
        self._by_object: dict[int, tuple[weakref.ref[np.ndarray], np.ndarray]] = {}
        largest = float(np.abs(self.projection).max()) if self.projection.size else 0.0
        largest = largest if largest > 0 else 1.0
        self._integer_projection = np.round(self.projection / largest * _P_STEPS)
        self._scale = largest / (_P_STEPS * _E_STEPS)
        if not version:
            digest = hashlib.sha256(self.projection.astype(np.float32).tobytes())
            digest.update(repr((self.embedding_weight, self.floor, self.ceiling)).encode())
            version = "s" + digest.hexdigest()[:8]
        self.version = version

    @property
    def is_fitted(self) -> bool:
        """Always: an unfitted space is no space (None)."""
        return True

    @property
    def calibration_(self) -> tuple[float, float]:
        """(floor, ceiling) of this space's cosines, as `scoring.calibrate` takes them."""
        return self.floor, self.ceiling

    @property
    def dimension(self) -> int:
        """Length of a mapped row."""
        return int(self.projection.shape[1] + self.projection.shape[0])

    def _project(self, embeddings: np.ndarray) -> np.ndarray:
        """unit(E @ P) in float64, each row independent of the others and of the batch.

        E and P are rounded to integers (E to 2^-16, P to 2^-20 of its largest entry), so every
        product and every partial sum of the matrix product is an integer below 2^53: exact in
        float64 whatever order BLAS adds in, hence the same bits alone or among 10,000 rows.
        """
        e = np.round(embeddings.astype(np.float64) * _E_STEPS)
        out = (e @ self._integer_projection) * self._scale
        squares = np.zeros(len(out), dtype=np.float64)
        for j in range(out.shape[1]):  # a fixed order per row, not a pairwise sum over the batch
            squares += out[:, j] * out[:, j]
        norms = np.sqrt(squares)
        return np.divide(out, norms[:, None], out=np.zeros_like(out), where=norms[:, None] > 0)

    def _learned_part(self, embeddings: np.ndarray) -> np.ndarray:
        """The first k entries of mapped rows: sqrt(1-w) * unit(E @ P), as float32."""
        return (np.sqrt(1.0 - self.embedding_weight) * self._project(embeddings)).astype(np.float32)

    def _forget(self, key: int, _: object) -> None:
        self._by_object.pop(key, None)

    def _assemble(self, learned: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        out = np.empty((len(embeddings), self.dimension), dtype=np.float32)
        k = self.projection.shape[1]
        out[:, :k] = learned
        out[:, k:] = embeddings
        out[:, k:] *= np.float32(np.sqrt(self.embedding_weight))
        out[~embeddings.any(axis=1)] = 0.0
        return out

    def _checked(self, embeddings: np.ndarray, n: int) -> np.ndarray:
        embeddings = np.asarray(embeddings, dtype=np.float32).reshape(n, -1)
        if embeddings.shape[1] != self.projection.shape[0]:
            raise ValueError(
                f"this space maps {self.projection.shape[0]}-dimensional vectors, not {embeddings.shape[1]}"
            )
        return embeddings

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Map embeddings (one row per text; the texts are not read) to float32 rows; zero rows stay zero."""
        embeddings = self._checked(embeddings, len(texts))
        return self._assemble(self._learned_part(embeddings), embeddings)

    def map_stacked(self, vectors: Sequence[np.ndarray | None], stacked: np.ndarray) -> np.ndarray:
        """`transform` of `stacked`, the rows of `vectors` (None = zero row), reusing the learned part
        of every vector object this space mapped before (a refresh's candidates rebuilt after one
        profile changed keep their other vector objects)."""
        stacked = self._checked(stacked, len(vectors))
        k = self.projection.shape[1]
        learned = np.zeros((len(vectors), k), dtype=np.float32)
        missing = []
        for i, vector in enumerate(vectors):
            if vector is None:
                continue
            entry = self._by_object.get(id(vector))
            if entry is not None and entry[0]() is vector:
                learned[i] = entry[1]
            else:
                missing.append(i)
        if missing:
            rows = self._learned_part(stacked[missing])
            learned[missing] = rows
            for i, row in zip(missing, rows, strict=True):
                vector = vectors[i]
                assert vector is not None
                key = id(vector)
                # The entry goes when its vector does, before the id can be given to another object.
                self._by_object[key] = (weakref.ref(vector, partial(self._forget, key)), row)
        return self._assemble(learned, stacked)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the matrix as base64 float32) that `from_payload` reads back."""
        matrix = self.projection.astype("<f4")
        return {
            "projection": base64.b64encode(matrix.tobytes()).decode("ascii"),
            "shape": list(matrix.shape),
            "embedding_weight": self.embedding_weight,
            "floor": self.floor,
            "ceiling": self.ceiling,
            "version": self.version,
            "info": self.info,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> LinearSpace:
        """The space `to_payload` wrote."""
        shape = tuple(int(n) for n in payload["shape"])
        matrix = np.frombuffer(base64.b64decode(payload["projection"]), dtype="<f4").reshape(shape)
        return cls(
            projection=matrix.astype(np.float64),
            embedding_weight=float(payload["embedding_weight"]),
            floor=float(payload["floor"]),
            ceiling=float(payload["ceiling"]),
            version=str(payload.get("version") or ""),
            info=dict(payload.get("info") or {}),
        )
