"""A learned similarity space: linear discriminant projection of embeddings + lexical SVD features.

Fitted on labelled profiles (e.g. sub-industries or tags), it pulls texts about the same kind
of business together. The projection is generic (it works on any text, not only on the
training profiles) and is mixed with the plain embedding so unseen kinds still match.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import linalg
from sklearn.covariance import empirical_covariance, shrunk_covariance
from sklearn.decomposition import TruncatedSVD
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from matchmaker.engine.encoder import l2_normalise
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.space import LinearSpace


class SimilaritySpace:
    """Maps (text, embedding) pairs to unit vectors whose dot product is a learned similarity.

    Unfitted, or fitted with fewer than two usable classes, it is the identity on embeddings
    (plain cosine). Fitted, a row is [sqrt(1-w) * discriminant part, sqrt(w) * embedding], so the
    dot product of two rows is (1-w) * learned cosine + w * plain cosine.
    """

    def __init__(
        self,
        n_lexical_components: int = 300,
        lexical_weight: float = 1.0,
        shrinkage: float = 0.6,
        min_class_size: int = 3,
        embedding_weight: float = 0.15,
        random_state: int = 0,
    ) -> None:
        self.n_lexical_components = n_lexical_components
        self.lexical_weight = lexical_weight
        self.shrinkage = shrinkage
        self.min_class_size = min_class_size
        self.embedding_weight = embedding_weight
        self.random_state = random_state

    @property
    def is_fitted(self) -> bool:
        """Whether a discriminant projection was learned."""
        return getattr(self, "discriminant_", None) is not None

    def fit(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        labels: Sequence[str | None],
        lexical: LexicalIndex | None = None,
    ) -> SimilaritySpace:
        """Learn the projection from texts, their embeddings and one label per text (None = unknown).

        `lexical` is a fitted LexicalIndex to reuse; by default one is fitted on `texts`.
        """
        embeddings = l2_normalise(np.asarray(embeddings, dtype=np.float32))
        if len(texts) != len(embeddings) or len(texts) != len(labels):
            raise ValueError("texts, embeddings and labels must have the same length")
        counts = Counter(label for label in labels if label)
        usable = {label for label, n in counts.items() if n >= self.min_class_size}
        keep = np.array([bool(label) and label in usable for label in labels], dtype=bool)
        self.classes_ = sorted(usable)
        self.discriminant_: LinearDiscriminantAnalysis | None = None
        self.lexical_ = lexical
        self.svd_: TruncatedSVD | None = None
        if len(usable) < 2:
            return self
        if self.lexical_ is None and self.lexical_weight > 0:
            self.lexical_ = LexicalIndex().fit(texts)
        kept_texts = [t for t, k in zip(texts, keep, strict=True) if k]
        if self.lexical_ is not None and self.lexical_weight > 0:
            sparse = self.lexical_.transform(kept_texts)
            n_components = min(self.n_lexical_components, sparse.shape[1] - 1, len(kept_texts) - 1)
            if n_components >= 2:
                self.svd_ = TruncatedSVD(n_components, random_state=self.random_state).fit(sparse)
        features = self._features(kept_texts, embeddings[keep])
        self.discriminant_ = LinearDiscriminantAnalysis(solver="eigen", shrinkage=self.shrinkage)
        kept_labels = np.array([label for label, k in zip(labels, keep, strict=True) if k])
        self.discriminant_.fit(features, kept_labels)
        self.calibration_ = self._calibrate(self.transform(kept_texts, embeddings[keep]), kept_labels)
        return self

    def _calibrate(self, rows: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
        """Learn (floor, ceiling): a typical unrelated pair maps to 0, a typical same-label pair near 1."""
        rng = np.random.default_rng(self.random_state)
        a = rng.integers(0, len(rows), 20_000)
        b = rng.integers(0, len(rows), 20_000)
        valid = a != b
        a, b = a[valid], b[valid]
        cosines = np.einsum("ij,ij->i", rows[a], rows[b])
        same = labels[a] == labels[b]
        floor = float(np.percentile(cosines[~same], 75)) if (~same).any() else 0.0
        ceiling = float(np.percentile(cosines[same], 90)) if same.any() else 1.0
        return floor, max(ceiling, floor + 0.1)

    def _features(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        if self.svd_ is None or self.lexical_ is None:
            return embeddings
        lexical = l2_normalise(self.svd_.transform(self.lexical_.transform(texts)))
        return np.hstack([embeddings, self.lexical_weight * lexical]).astype(np.float32)

    def transform(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Map texts and their embeddings to unit float32 rows; zero embeddings stay zero rows."""
        embeddings = l2_normalise(np.asarray(embeddings, dtype=np.float32).reshape(len(texts), -1))
        discriminant = getattr(self, "discriminant_", None)  # unset before fit, None when nothing learned
        if discriminant is None or len(texts) == 0:
            return embeddings
        projected = l2_normalise(discriminant.transform(self._features(texts, embeddings)))
        w = self.embedding_weight
        rows = np.hstack([np.sqrt(1.0 - w) * projected, np.sqrt(w) * embeddings]).astype(np.float32)
        empty = ~embeddings.any(axis=1)
        rows[empty] = 0.0
        return rows


# Below this many labelled organisations a learned space is not trusted: ranking stays as today.
MIN_SPACE_ORGANISATIONS = 100


def label_rows(
    label_sets: Sequence[Sequence[str]], min_class_size: int, design: str
) -> list[tuple[int, str]]:
    """(organisation index, label) rows the discriminant learns from.

    Labels are case-folded; only labels that at least `min_class_size` organisations carry count.
    ``design`` "exploded": one row per (organisation, label); "specific": one row per organisation,
    with its rarest usable label (ties by name).
    """
    cleaned = [
        sorted({str(label).strip().casefold() for label in labels if str(label).strip()})
        for labels in label_sets
    ]
    counts = Counter(label for labels in cleaned for label in labels)
    usable = [[label for label in labels if counts[label] >= min_class_size] for labels in cleaned]
    if design == "exploded":
        return [(i, label) for i, labels in enumerate(usable) for label in labels]
    if design == "specific":
        return [
            (i, min(labels, key=lambda label: (counts[label], label)))
            for i, labels in enumerate(usable)
            if labels
        ]
    raise ValueError(f"unknown design {design!r}; expected 'exploded' or 'specific'")


def _invariant_projection(
    x: np.ndarray,
    discriminant: LinearDiscriminantAnalysis,
    shrinkage: float,
    translations: tuple[np.ndarray, np.ndarray],
    weight: float,
) -> np.ndarray:
    """The discriminant's directions (scikit-learn's eigen solver: eigh(Sb, Sw)) with the translation
    pairs' within-class scatter added to Sw, scaled to `weight` times Sw by trace."""
    total = shrunk_covariance(empirical_covariance(x), shrinkage)  # scikit-learn's total scatter
    within = discriminant.covariance_
    korean, english = (l2_normalise(np.asarray(m, dtype=np.float32)).astype(np.float64) for m in translations)
    half = (korean - english) / 2.0  # each member's offset from its pair's mean
    pairs = half.T @ half / len(half)
    pairs *= weight * np.trace(within) / max(float(np.trace(pairs)), 1e-12)
    values, vectors = linalg.eigh(total - within, within + pairs)
    order = np.argsort(values)[::-1][: discriminant._max_components]
    return np.asarray(vectors[:, order])


def fit_linear_space(
    embeddings: np.ndarray,
    label_sets: Sequence[Sequence[str]],
    cosine_floor: float,
    cosine_ceiling: float,
    design: str = "exploded",
    shrinkage: float = 0.9,
    embedding_weight: float = 0.15,
    min_class_size: int = 5,
    min_organisations: int = MIN_SPACE_ORGANISATIONS,
    prior_organisations: int = 100,
    random_state: int = 0,
    translations: tuple[np.ndarray, np.ndarray] | None = None,
    translation_weight: float = 0.0,
) -> LinearSpace | None:
    """Learn a `LinearSpace` from organisations' embeddings and their labels (sectors and tags).

    None when fewer than `min_organisations` carry a usable label or fewer than two labels are
    usable: ranking then stays exactly as it is without a space. With n labelled organisations the
    plain embedding keeps a share 1 - (1 - embedding_weight) * n / (n + prior_organisations), so a
    space learned from little data stays close to plain cosine. Its similarities are calibrated at
    the quantiles of random pairs where `cosine_floor` and `cosine_ceiling` lie for plain cosines,
    so a calibrated component means the same with or without the space.

    `translations` (two aligned matrices: the same texts in Korean and in English) make the space
    ignore language: each pair is a class of two whose within-class scatter, scaled to
    `translation_weight` times the labels' own within-class scatter (by trace), is added to it, so the
    discriminant does not spread a text from its translation.
    """
    embeddings = l2_normalise(np.asarray(embeddings, dtype=np.float32))
    if len(embeddings) != len(label_sets):
        raise ValueError("embeddings and label_sets must have the same length")
    present = set(np.flatnonzero(embeddings.any(axis=1)).tolist())
    rows = [(i, label) for i, label in label_rows(label_sets, min_class_size, design) if i in present]
    organisations = sorted({i for i, _ in rows})
    classes = sorted({label for _, label in rows})
    if len(organisations) < min_organisations or len(classes) < 2:
        return None
    index = np.array([i for i, _ in rows])
    discriminant = LinearDiscriminantAnalysis(solver="eigen", shrinkage=shrinkage)
    discriminant.fit(embeddings[index], np.array([label for _, label in rows]))
    projection = discriminant.scalings_[:, : discriminant._max_components]
    if translations is not None and translation_weight > 0 and len(translations[0]):
        projection = _invariant_projection(
            embeddings[index], discriminant, shrinkage, translations, translation_weight
        )
    n = len(organisations)
    weight = 1.0 - (1.0 - embedding_weight) * n / (n + prior_organisations)
    unscaled = LinearSpace(projection, weight, 0.0, 1.0)
    sample = embeddings[organisations]
    rng = np.random.default_rng(random_state)
    a, b = rng.integers(0, len(sample), (2, 20_000))
    a, b = a[a != b], b[a != b]
    plain = np.einsum("ij,ij->i", sample[a], sample[b])
    mapped = unscaled.transform([""] * len(sample), sample)
    learned = np.einsum("ij,ij->i", mapped[a], mapped[b])
    floor = float(np.quantile(learned, float(np.mean(plain <= cosine_floor))))
    ceiling = float(np.quantile(learned, float(np.mean(plain <= cosine_ceiling))))
    info = {
        "organisations": n,
        "labels": len(classes),
        "rows": len(rows),
        "design": design,
        "shrinkage": shrinkage,
        "embedding_weight": weight,
    }
    return LinearSpace(projection, weight, floor, max(ceiling, floor + 0.05), info=info)
