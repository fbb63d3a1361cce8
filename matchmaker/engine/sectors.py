"""Sector suggestions from a profile's text: a multi-label classifier with prototype cold start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from matchmaker.engine.encoder import Encoder, l2_normalise
from matchmaker.engine.lexical import LexicalIndex

# Short hand-written descriptions; the cold start compares a text with each and keeps the best.
SECTOR_PROTOTYPES: dict[str, tuple[str, ...]] = {
    "automotive": (
        "Automotive technology for cars, trucks and vehicles.",
        "Electric vehicles, EV charging and vehicle batteries.",
        "Autonomous driving and self-driving car software.",
        "Mobility services, ride sharing, fleets and auto dealers.",
        "자동차, 전기차, 자율주행, 모빌리티",
    ),
    "energy": (
        "Renewable energy: solar power, wind and clean electricity.",
        "Energy storage, batteries and the power grid.",
        "Hydrogen, nuclear and fusion energy.",
        "Oil and gas, utilities and energy efficiency.",
        "에너지, 태양광, 배터리, 전력, 수소",
    ),
    "healthcare": (
        "Healthcare for patients, doctors, clinics and hospitals.",
        "Medical devices, diagnostics and therapeutics.",
        "Drug discovery, biotech and clinical trials.",
        "Digital health, telemedicine, mental health and wellness.",
        "헬스케어, 의료, 병원, 진단, 바이오",
    ),
    "content": (
        "Media and entertainment content: video, film and animation.",
        "Music, podcasts and audio streaming.",
        "Video games and gaming platforms.",
        "Creator economy, publishing, journalism and social media content.",
        "콘텐츠, 게임, 음악, 영상, 미디어",
    ),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold maximising F1 on out-of-fold predictions."""
    candidates = np.unique(np.round(p, 4))
    best, best_f1 = 0.5, -1.0
    for t in candidates:
        pred = p >= t
        tp = float((pred & y).sum())
        f1 = 2 * tp / (pred.sum() + y.sum()) if (pred.sum() + y.sum()) else 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


class SectorSuggester:
    """Suggests sectors (multi-label) for profile texts.

    A sector with at least `min_examples` labelled positives gets a one-vs-rest logistic regression
    on [embedding, TF-IDF] with a decision threshold tuned by cross-validation on the training data.
    Other sectors (and an unfitted suggester) use cosine to prototype descriptions, thresholded.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        prototypes: Mapping[str, Sequence[str]] | None = None,
        prototype_threshold: float = 0.35,
        min_examples: int = 10,
        C: float = 4.0,
        embedding_weight: float = 1.0,
        prototype_weight: float = 1.0,
        use_lexical: bool = True,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.encoder = encoder
        self.prototypes = prototypes
        self.prototype_threshold = prototype_threshold
        self.min_examples = min_examples
        self.C = C
        self.embedding_weight = embedding_weight
        self.prototype_weight = prototype_weight
        self.use_lexical = use_lexical
        self.cv = cv
        self.random_state = random_state

    @property
    def sectors(self) -> tuple[str, ...]:
        """The sectors this suggester knows."""
        return tuple((self.prototypes or SECTOR_PROTOTYPES).keys())

    def _embed(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
        if embeddings is not None:
            return l2_normalise(np.asarray(embeddings, dtype=np.float32).reshape(len(texts), -1))
        if self.encoder is None:
            raise ValueError("SectorSuggester needs an encoder or precomputed embeddings")
        return self.encoder.encode(texts)

    def _prototype_matrix(self) -> dict[str, np.ndarray]:
        if getattr(self, "prototype_vectors_", None) is None:
            if self.encoder is None:
                raise ValueError("SectorSuggester needs an encoder to embed its prototypes")
            protos = self.prototypes or SECTOR_PROTOTYPES
            self.prototype_vectors_ = {s: self.encoder.encode(list(t)) for s, t in protos.items()}
        return self.prototype_vectors_

    def _prototype_cosines(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine of each text to every prototype: (n, total prototypes)."""
        protos = self._prototype_matrix()
        return np.hstack([embeddings @ protos[s].T for s in self.sectors])

    def _features(self, texts: Sequence[str], embeddings: np.ndarray) -> sp.csr_matrix:
        blocks = [embeddings * self.embedding_weight]
        if self.use_prototype_features_:
            blocks.append(self._prototype_cosines(embeddings) * self.prototype_weight)
        dense = sp.csr_matrix(np.hstack(blocks))
        if self.lexical_ is None:
            return dense
        return sp.hstack([dense, self.lexical_.transform(texts)], format="csr")

    def fit(
        self,
        texts: Sequence[str],
        label_sets: Sequence[Sequence[str] | frozenset[str] | set[str]],
        embeddings: np.ndarray | None = None,
    ) -> SectorSuggester:
        """Learn from texts whose sectors are known (an empty set = none of the sectors); returns self."""
        if len(texts) != len(label_sets):
            raise ValueError("texts and label_sets must have the same length")
        vectors = self._embed(texts, embeddings)
        # Prototype cosines carry prior knowledge of rare sectors into the classifier.
        self.use_prototype_features_ = self.encoder is not None and self.prototype_weight > 0
        self.lexical_ = LexicalIndex(min_df=2).fit(texts) if self.use_lexical and texts else None
        features = self._features(texts, vectors) if len(texts) else None
        self.models_: dict[str, LogisticRegression] = {}
        self.thresholds_: dict[str, float] = {}
        for sector in self.sectors:
            y = np.array([sector in set(labels) for labels in label_sets], dtype=bool)
            n_pos, n_neg = int(y.sum()), int((~y).sum())
            if features is None or n_pos < self.min_examples or n_neg < self.min_examples:
                continue
            folds = StratifiedKFold(min(self.cv, n_pos), shuffle=True, random_state=self.random_state)
            oof = np.zeros(len(y))
            for train, test in folds.split(np.zeros(len(y)), y):
                model = self._model().fit(features[train], y[train])
                oof[test] = model.predict_proba(features[test])[:, 1]
            self.thresholds_[sector] = _best_f1_threshold(y, oof)
            self.models_[sector] = self._model().fit(features, y)
        return self

    def _model(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=2000, random_state=self.random_state
        )

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """(n, len(sectors)) scores; a sector is suggested where its score is >= `threshold(sector)`."""
        vectors = self._embed(texts, embeddings)
        out = np.zeros((len(texts), len(self.sectors)))
        if not len(texts):
            return out
        models = getattr(self, "models_", {})
        features = self._features(texts, vectors) if models else None
        for j, sector in enumerate(self.sectors):
            if sector in models:
                out[:, j] = models[sector].predict_proba(features)[:, 1]
            else:
                cosine = (vectors @ self._prototype_matrix()[sector].T).max(axis=1)
                out[:, j] = _sigmoid((cosine - self.prototype_threshold) * 20.0)
        return out

    def threshold(self, sector: str) -> float:
        """The score from which `sector` is suggested."""
        return getattr(self, "thresholds_", {}).get(sector, 0.5)

    def suggest(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[list[tuple[str, float]]]:
        """For each text, the suggested (sector, score) pairs, best first (possibly none)."""
        scores = self.predict_proba(texts, embeddings)
        suggestions = []
        for row in scores:
            chosen = [(s, float(row[j])) for j, s in enumerate(self.sectors) if row[j] >= self.threshold(s)]
            suggestions.append(sorted(chosen, key=lambda item: (-item[1], item[0])))
        return suggestions
