"""Sector suggestions from a profile's text: a multi-label classifier with prototype cold start.

Each sector with enough labelled examples gets an ensemble of logistic regressions over three views
of the text (embedding, TF-IDF, best cosine to hand-written prototype phrases); the others use the
prototype phrases alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from matchmaker.engine.encoder import Encoder, l2_normalise
from matchmaker.engine.glossary import in_english
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.text import split_sentences
from matchmaker.engine.words import concept_features, is_korean

# Short hand-written phrases, several per sector, English and Korean: generic domain knowledge of
# what each sector covers (not fitted to any data). A text is compared sentence by sentence with
# each phrase; the best cosine per phrase is a feature of the classifier and drives the cold start.
SECTOR_PROTOTYPES: dict[str, tuple[str, ...]] = {
    "automotive": (
        "Automotive technology: cars and trucks.",
        "Electric vehicles (EVs).",
        "EV charging stations, electric cars.",
        "Self-driving cars and autonomous vehicles.",
        "Autonomous trucking and self-driving trucks.",
        "Autonomous delivery robots and vehicles.",
        "Drones and unmanned vehicles.",
        "Mobility: ride sharing, scooters and car sharing.",
        "Buying and selling cars online; car dealerships.",
        "Car repair, auto parts and vehicle maintenance.",
        "Fleet management: vehicles and drivers.",
        "자동차와 전기차",
        "자율주행 차량과 자율주행 트럭",
        "모빌리티, 차량 공유, 드론",
    ),
    "energy": (
        "Energy company.",
        "Solar power and solar panels.",
        "Renewable energy and clean electricity.",
        "Batteries and battery technology.",
        "Grid-scale energy storage.",
        "Hydrogen energy and fuel cells.",
        "Nuclear power and nuclear reactors.",
        "Fusion energy.",
        "Oil and gas exploration and production.",
        "Electric utilities, power plants and the electricity grid.",
        "Energy efficiency and reducing electricity bills.",
        "에너지, 태양광, 재생에너지",
        "배터리와 에너지 저장",
        "수소, 원자력, 핵융합, 석유와 가스",
    ),
    "healthcare": (
        "Healthcare.",
        "Patients, doctors, clinics and hospitals.",
        "Medical devices.",
        "Diagnostics and medical testing.",
        "Drug discovery, biotech and therapeutics.",
        "Clinical trials.",
        "Telemedicine and virtual care.",
        "Mental health and therapy.",
        "Health insurance and medical billing.",
        "Pharmacy and prescription medications.",
        "Genomics and precision medicine.",
        "Dental care, fertility and women's health.",
        "Home care and senior care.",
        "헬스케어와 의료",
        "병원, 의사, 환자, 진단",
        "바이오, 신약 개발, 의료기기",
    ),
    "content": (
        "Media company.",
        "Video and video streaming.",
        "Music and musicians.",
        "Creator economy: creators and influencers.",
        "Video games and gaming.",
        "Entertainment.",
        "Podcasts and audio.",
        "Journalism and news.",
        "Publishing books and magazines.",
        "Animation.",
        "Film and TV production.",
        "콘텐츠, 미디어, 엔터테인먼트",
        "게임, 음악, 영상, 웹툰",
        "크리에이터, 팟캐스트, 뉴스, 출판",
    ),
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold maximising F1 on out-of-fold predictions.

    Every threshold in (score just below, score let in] makes the same predictions; of the best
    such interval the midpoint is returned, not its upper end (the weakest positive itself), so a
    new text needs to look like the positives rather than barely beat the negatives.
    """
    y = np.asarray(y, dtype=bool)
    candidates = np.unique(np.round(p, 4))
    if len(candidates) == 0:
        return 0.5
    f1s = np.array(
        [2 * float(((p >= t) & y).sum()) / max(float((p >= t).sum() + y.sum()), 1.0) for t in candidates]
    )
    first = int(np.argmax(f1s))
    last = first
    while last + 1 < len(candidates) and f1s[last + 1] >= f1s[first] - 1e-12:
        last += 1  # a run of thresholds that tie: the same F1 over a wider interval
    below = float(candidates[first - 1]) if first > 0 else 0.0
    return (below + float(candidates[last])) / 2


def _move_threshold(p: np.ndarray, old: float, new: float) -> np.ndarray:
    """Scores mapped piecewise linearly so that 0, ``old`` and 1 go to 0, ``new`` and 1 (order kept)."""
    old, new = min(max(old, 1e-6), 1 - 1e-6), min(max(new, 1e-6), 1 - 1e-6)
    return np.where(p <= old, p * new / old, new + (p - old) * (1 - new) / (1 - old))


@dataclass
class TextViews:
    """What the classifier sees of a batch of texts.

    `embedding`: whole-text vector blended with the mean of its sentence vectors (as profiles are
    embedded); `prototypes`: per prototype phrase, its best cosine over the text's sentences (None
    without an encoder); `lexical`: TF-IDF word + character rows (None without a lexical index).
    """

    embedding: np.ndarray
    prototypes: np.ndarray | None
    lexical: sp.csr_matrix | None
    concepts: sp.csr_matrix | None = None


@dataclass
class SectorEnsemble:
    """One sector's classifier: the mean probability of logistic regressions on different views.

    Views: "embedding" = [embedding * embedding_weight, prototype cosines * prototype_weight],
    "lexical" = TF-IDF rows, "prototypes" = prototype cosines * prototype_scale.
    """

    embedding_weight: float = 1.0
    prototype_weight: float = 1.0
    prototype_scale: float = 1.0
    components: list[tuple[str, LogisticRegression]] = field(default_factory=list)

    def view(self, views: TextViews, name: str) -> np.ndarray | sp.csr_matrix:
        """The feature matrix of one named view."""
        if name == "embedding":
            if views.prototypes is None:
                return views.embedding * self.embedding_weight
            return np.hstack(
                [views.embedding * self.embedding_weight, views.prototypes * self.prototype_weight]
            )
        if name == "prototypes" and views.prototypes is not None:
            return views.prototypes * self.prototype_scale
        if name == "lexical" and views.lexical is not None:
            return views.lexical
        if name == "concepts" and views.concepts is not None:
            return views.concepts
        raise ValueError(f"view {name!r} is not available")

    def fit_component(self, name: str, model: LogisticRegression, views: TextViews, y: np.ndarray) -> None:
        """Fit `model` on view `name` and add it to the ensemble."""
        self.components.append((name, model.fit(self.view(views, name), y)))

    def predict_proba(self, views: TextViews, invariant: np.ndarray | None = None) -> np.ndarray:
        """(n, 2) [P(not sector), P(sector)], like a scikit-learn classifier.

        Rows marked in ``invariant`` average only the language-invariant views (embedding and
        prototypes: the multilingual model's), not TF-IDF words learned from another language.
        """
        probabilities = [(name, m.predict_proba(self.view(views, name))[:, 1]) for name, m in self.components]
        p = np.mean([q for _, q in probabilities], axis=0)
        kept = [q for name, q in probabilities if name != "lexical"]
        if invariant is not None and invariant.any() and kept and len(kept) < len(probabilities):
            p = np.where(invariant, np.mean(kept, axis=0), p)
        return np.column_stack([1.0 - p, p])


class SectorSuggester:
    """Suggests sectors (multi-label) for profile texts.

    A sector with at least `min_examples` labelled positives gets an ensemble of one-vs-rest
    logistic regressions (balanced class weights), whose probabilities are averaged:

    - on the embedding (whole text + sentence mean) with the prototype-phrase cosines appended,
    - on TF-IDF word and character n-grams (`use_lexical`),
    - on the prototype-phrase cosines alone (`use_prototype_model`): few weights, hand-written
      knowledge of each sector, so it holds up on texts unlike the training ones.

    Its decision threshold maximises F1 on out-of-fold probabilities of the training data
    (`cv` folds, averaged over `cv_repeats` shuffles). Other sectors (and an unfitted suggester)
    use the best sentence-to-prototype cosine, thresholded at `prototype_threshold`.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        prototypes: Mapping[str, Sequence[str]] | None = None,
        prototype_threshold: float = 0.45,
        min_examples: int = 10,
        C: float = 1.0,
        embedding_weight: float = 1.0,
        prototype_weight: float = 1.0,
        use_lexical: bool = True,
        cv: int = 5,
        random_state: int = 0,
        lexical_C: float = 16.0,
        use_prototype_model: bool = True,
        prototype_C: float = 1.0,
        prototype_scale: float = 5.0,
        cv_repeats: int = 3,
        lexical_for_korean: bool = False,
        language_thresholds: bool = True,
        use_concepts: bool = False,
        concepts_C: float = 1.0,
        glossary_lexical: bool = True,
    ) -> None:
        # With `glossary_lexical`, a Korean text's TF-IDF view reads it with its glossary terms put
        # in English (배터리 -> battery), and it is judged by every view, like an English text.
        self.glossary_lexical = glossary_lexical
        self.encoder = encoder
        # A Korean text is scored by fewer views than an English one: with `language_thresholds` it is
        # also decided at the threshold those views earn on the training texts (out of fold).
        self.language_thresholds = language_thresholds
        # A TF-IDF view of glossary concepts (배터리 and battery are one feature): words that cross the
        # language line, so Korean texts have a lexical view too.
        self.use_concepts = use_concepts
        self.concepts_C = concepts_C
        # The TF-IDF view is learned from (English) training words: for a Korean text it sees
        # nothing it knows, so by default a Korean text is judged by the multilingual views only.
        self.lexical_for_korean = lexical_for_korean
        self.prototypes = prototypes
        self.prototype_threshold = prototype_threshold
        self.min_examples = min_examples
        self.C = C
        self.embedding_weight = embedding_weight
        self.prototype_weight = prototype_weight
        self.use_lexical = use_lexical
        self.cv = cv
        self.random_state = random_state
        self.lexical_C = lexical_C
        self.use_prototype_model = use_prototype_model
        self.prototype_C = prototype_C
        self.prototype_scale = prototype_scale
        self.cv_repeats = cv_repeats

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

    def _sentence_vectors(self, texts: Sequence[str], whole: np.ndarray) -> list[np.ndarray]:
        """Per text, its sentence vectors (the whole-text vector for a one-sentence text)."""
        groups = [split_sentences(t) for t in texts]
        unique = sorted({s for group in groups if len(group) > 1 for s in group})
        row = {text: i for i, text in enumerate(unique)}
        if not unique:
            matrix = np.zeros((0, whole.shape[1]), dtype=np.float32)
        elif self.encoder is None:
            raise ValueError("SectorSuggester needs an encoder to embed sentences")
        else:
            matrix = self.encoder.encode(unique)
        return [
            matrix[[row[s] for s in group]] if len(group) > 1 else whole[i : i + 1]
            for i, group in enumerate(groups)
        ]

    def _views(self, texts: Sequence[str], embeddings: np.ndarray | None, lexical: bool = True) -> TextViews:
        whole = self._embed(texts, embeddings)
        concepts = self._concepts(texts) if lexical else None
        if self.encoder is None or not len(texts):
            return TextViews(whole, None, self._lexical(texts) if lexical else None, concepts)
        sentences = self._sentence_vectors(texts, whole)
        protos = self._prototype_matrix()
        all_protos = np.vstack([protos[s] for s in self.sectors])
        sentence_mean = l2_normalise(np.vstack([v.mean(axis=0) for v in sentences]))
        embedding = l2_normalise(whole + sentence_mean)
        embedding[~whole.any(axis=1)] = 0.0
        best = np.vstack([(v @ all_protos.T).max(axis=0) for v in sentences])
        return TextViews(embedding, best, self._lexical(texts) if lexical else None, concepts)

    def _lexical(self, texts: Sequence[str]) -> sp.csr_matrix | None:
        index = getattr(self, "lexical_", None)
        return index.transform(texts) if index is not None else None

    def _concepts(self, texts: Sequence[str]) -> sp.csr_matrix | None:
        vectorizer = getattr(self, "concepts_", None)
        return vectorizer.transform(list(texts)) if vectorizer is not None else None

    def _components(self, views: TextViews) -> list[tuple[str, float]]:
        """(view name, C) of the logistic regressions making up each sector's ensemble."""
        components = [("embedding", self.C)]
        if views.lexical is not None:
            components.append(("lexical", self.lexical_C))
        if views.concepts is not None:
            components.append(("concepts", self.concepts_C))
        if views.prototypes is not None and self.use_prototype_model:
            components.append(("prototypes", self.prototype_C))
        return components

    def fit(
        self,
        texts: Sequence[str],
        label_sets: Sequence[Sequence[str] | frozenset[str] | set[str]],
        embeddings: np.ndarray | None = None,
    ) -> SectorSuggester:
        """Learn from texts whose sectors are known (an empty set = none of the sectors); returns self.

        `embeddings` (optional) are the whole-text vectors of `texts`; the encoder embeds them otherwise.
        """
        if len(texts) != len(label_sets):
            raise ValueError("texts and label_sets must have the same length")
        self.lexical_ = None
        if self.use_lexical and texts:
            try:
                self.lexical_ = LexicalIndex(min_df=2).fit(texts)
            except ValueError as error:  # a few profiles that share no word: no lexical evidence yet
                if "no terms remain" not in str(error):
                    raise
        self.concepts_ = None
        if self.use_concepts and texts:
            from sklearn.feature_extraction.text import TfidfVectorizer

            try:
                self.concepts_ = TfidfVectorizer(
                    analyzer=concept_features, sublinear_tf=True, min_df=2, dtype=np.float32
                ).fit(list(texts))
            except ValueError as error:  # no glossary concept in two texts yet
                if "no terms remain" not in str(error) and "empty vocabulary" not in str(error):
                    raise
        self.models_: dict[str, SectorEnsemble] = {}
        self.thresholds_: dict[str, float] = {}
        self.invariant_thresholds_: dict[str, float] = {}
        if not len(texts):
            return self
        views = self._views(texts, embeddings)
        components = self._components(views)
        label_sets = [set(labels) for labels in label_sets]
        for sector in self.sectors:
            y = np.array([sector in labels for labels in label_sets], dtype=bool)
            n_pos, n_neg = int(y.sum()), int((~y).sum())
            if n_pos < self.min_examples or n_neg < self.min_examples:
                continue
            oof, oof_invariant = np.zeros(len(y)), np.zeros(len(y))
            for repeat in range(max(1, self.cv_repeats)):
                folds = StratifiedKFold(
                    min(self.cv, n_pos), shuffle=True, random_state=self.random_state + repeat
                )
                for train, test in folds.split(np.zeros(len(y)), y):
                    ensemble = self._fit_ensemble(views, components, y, train)
                    part = self._rows(views, test)
                    oof[test] += ensemble.predict_proba(part)[:, 1]
                    oof_invariant[test] += ensemble.predict_proba(part, np.ones(len(test), dtype=bool))[:, 1]
            self.thresholds_[sector] = _best_f1_threshold(y, oof / max(1, self.cv_repeats))
            self.invariant_thresholds_[sector] = _best_f1_threshold(
                y, oof_invariant / max(1, self.cv_repeats)
            )
            self.models_[sector] = self._fit_ensemble(views, components, y, np.arange(len(y)))
        return self

    def _rows(self, views: TextViews, rows: np.ndarray) -> TextViews:
        return TextViews(
            views.embedding[rows],
            views.prototypes[rows] if views.prototypes is not None else None,
            views.lexical[rows] if views.lexical is not None else None,
            views.concepts[rows] if views.concepts is not None else None,
        )

    def _fit_ensemble(
        self, views: TextViews, components: list[tuple[str, float]], y: np.ndarray, rows: np.ndarray
    ) -> SectorEnsemble:
        part = self._rows(views, rows)
        ensemble = SectorEnsemble(self.embedding_weight, self.prototype_weight, self.prototype_scale)
        for name, C in components:
            ensemble.fit_component(name, self._model(C), part, y[rows])
        return ensemble

    def _model(self, C: float | None = None) -> LogisticRegression:
        return LogisticRegression(
            C=self.C if C is None else C,
            class_weight="balanced",
            max_iter=3000,
            random_state=self.random_state,
        )

    def _prototype_scores(self, views: TextViews, sector: str) -> np.ndarray:
        """Cold-start score: the best sentence-to-prototype cosine of `sector`, squashed to [0, 1]."""
        protos = self._prototype_matrix()
        start = sum(len(protos[s]) for s in self.sectors[: self.sectors.index(sector)])
        assert views.prototypes is not None
        cosine = views.prototypes[:, start : start + len(protos[sector])].max(axis=1)
        return _sigmoid((cosine - self.prototype_threshold) * 20.0)

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """(n, len(sectors)) scores; a sector is suggested where its score is >= `threshold(sector)`."""
        out = np.zeros((len(texts), len(self.sectors)))
        if not len(texts):
            return out
        models = getattr(self, "models_", {})
        cold = [s for s in self.sectors if s not in models]
        if cold and self.encoder is None:
            raise ValueError("SectorSuggester needs an encoder to embed its prototypes")
        views = self._views(texts, embeddings, lexical=bool(models))
        korean = np.array([is_korean(t) for t in texts], dtype=bool)
        invariant = None if self.lexical_for_korean else korean
        glossary_views = None
        if self.glossary_lexical and views.lexical is not None and invariant is not None and korean.any():
            glossary_views = replace(
                views,
                lexical=self._lexical(
                    [in_english(t) if k else t for t, k in zip(texts, korean, strict=True)]
                ),
            )
        for j, sector in enumerate(self.sectors):
            if sector in models:
                out[:, j] = models[sector].predict_proba(views, invariant)[:, 1]
                if invariant is not None and invariant.any():
                    out[:, j] = self._korean_scores(
                        models[sector], sector, out[:, j], invariant, glossary_views
                    )
            else:
                out[:, j] = self._prototype_scores(views, sector)
        return out

    def _korean_scores(
        self,
        model: SectorEnsemble,
        sector: str,
        scores: np.ndarray,
        korean: np.ndarray,
        glossary_views: TextViews | None,
    ) -> np.ndarray:
        """The scores of the Korean rows, on the English rows' scale (decided at `threshold(sector)`).

        Their multilingual views' mean, moved so that the threshold those views earn out of fold
        (`language_thresholds`) becomes the sector's; with `glossary_lexical` too, averaged with every
        view's mean where TF-IDF reads the text with its glossary terms in English (two readings of
        the Korean text, each on the English scale). Measured in `bench/sector_agreement.py`.
        """
        scores = scores.copy()
        if self.language_thresholds:
            scores[korean] = _move_threshold(
                scores[korean],
                getattr(self, "invariant_thresholds_", {}).get(sector, self.threshold(sector)),
                self.threshold(sector),
            )
        if glossary_views is not None:
            english = model.predict_proba(glossary_views)[:, 1]
            scores[korean] = (
                (scores[korean] + english[korean]) / 2 if self.language_thresholds else english[korean]
            )
        return scores

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
