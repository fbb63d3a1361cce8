"""Offline evaluation of the engine against TF-IDF and plain MiniLM baselines.

    python -m matchmaker.evaluation.evaluate --train TRAIN.jsonl --test TEST.jsonl [--pairs PAIRS.jsonl]

Reads files shaped like startups_dev.jsonl; only `name`, `one_liner` and `long_description` are
inputs, `sectors` and `subindustry` are labels. `as_deployed_*` are the same metrics for the
configuration the app ranks with (no space fitted on labels the app does not have); `as_learned_*`
for that configuration plus the space the app learns from what it stores (the TRAIN startups'
sectors and tags; never their sub-industry), its settings chosen on a validation year inside TRAIN.
`--pairs` reads lines {"ko": ..., "en": ...}: the same startup described in Korean and in English,
to measure matching across the two languages.
Progress goes to stderr; the last stdout line is one JSON object with the metrics.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from threadpoolctl import threadpool_limits

from matchmaker.engine.encoder import CachingEncoder, Encoder, l2_normalise
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.profiles import SECTORS, Profile, ProfileVectors, embed_profiles, embed_texts
from matchmaker.engine.ranking import rank_startups_for
from matchmaker.engine.scoring import ScoringConfig, calibrate, deployed_config, share_a_script
from matchmaker.engine.sectors import SectorSuggester
from matchmaker.engine.similarity import SimilaritySpace, fit_linear_space
from matchmaker.engine.space import LinearSpace
from matchmaker.engine.text import join_texts

UNSPECIFIED = "Unspecified"
K = 10
# Whether every lexical index here counts glossary concepts (`--lexical-glossary`), as the app's
# MATCHMAKER_LEXICAL_GLOSSARY makes it do; set once by `run`.
_LEXICAL_OPTIONS: dict[str, Any] = {"glossary": False}


_STARTED = time.perf_counter()


def log(message: str) -> None:
    """Print a progress line, with seconds since start, to stderr."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read one JSON object per non-empty line."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def description_of(row: dict[str, Any]) -> str:
    """The startup's own words: one-liner then long description."""
    return join_texts(row.get("one_liner"), row.get("long_description"))


def sector_text_of(row: dict[str, Any]) -> str:
    """Name and description, the text sectors are suggested from."""
    return join_texts(row.get("name"), description_of(row))


def subindustry_of(row: dict[str, Any]) -> str | None:
    """The similarity label, None when unknown."""
    value = row.get("subindustry")
    return value if value and value != UNSPECIFIED else None


def sector_macro_f1(truth: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Macro-F1 over the four sectors of multi-label predictions."""
    y = np.array([[s in set(t) for s in SECTORS] for t in truth], dtype=int)
    p = np.array([[s in set(t) for s in SECTORS] for t in predicted], dtype=int)
    return float(f1_score(y, p, average="macro", zero_division=0))


def precision_at_k(
    similarity: np.ndarray, labels: Sequence[str | None], ids: Sequence[int] | np.ndarray, k: int = K
) -> float:
    """Mean share of each labelled row's k most similar other rows with the same label.

    `similarity` is the (n, n) matrix; ties are broken by id ascending.
    """
    shares = precision_rows(similarity, labels, ids, k)
    return float(np.mean(shares)) if len(shares) else 0.0


def precision_rows(
    similarity: np.ndarray, labels: Sequence[str | None], ids: Sequence[int] | np.ndarray, k: int = K
) -> np.ndarray:
    """Each labelled row's share of its k most similar other rows with the same label (in row order),
    the per-startup figures `precision_at_k` averages and the bootstrap resamples."""
    similarity = np.array(similarity, dtype=np.float64)
    np.fill_diagonal(similarity, -np.inf)
    ids_arr = np.asarray(ids)
    label_arr = np.array([label or "" for label in labels], dtype=object)
    shares = []
    for i, label in enumerate(labels):
        if label is None:
            continue
        neighbours = np.lexsort((ids_arr, -similarity[i]))[:k]
        shares.append(float(np.mean(label_arr[neighbours] == label)))
    return np.array(shares, dtype=np.float64)


def ndcg_at_k(ranked_relevance: Sequence[bool], n_relevant: int, k: int = K) -> float:
    """nDCG@k with binary relevance."""
    gains = np.array(ranked_relevance[:k], dtype=float)
    dcg = float((gains / np.log2(np.arange(2, len(gains) + 2))).sum())
    ideal = float((1.0 / np.log2(np.arange(2, min(k, n_relevant) + 2))).sum())
    return dcg / ideal if ideal > 0 else 0.0


def partner_queries(train: list[dict], test: list[dict]) -> list[tuple[str, str]]:
    """(subindustry, seeks text) per subindustry with >= 8 TEST and >= 1 TRAIN startups."""
    queries = []
    test_counts: dict[str, int] = {}
    for row in test:
        if subindustry_of(row):
            test_counts[row["subindustry"]] = test_counts.get(row["subindustry"], 0) + 1
    for label in sorted(test_counts):
        examples = sorted((r for r in train if r.get("subindustry") == label), key=lambda r: r["id"])[:5]
        if test_counts[label] >= 8 and examples:
            queries.append((label, "\n".join(r.get("one_liner") or "" for r in examples)))
    return queries


def ranking_ndcg(queries: list[tuple[str, str]], test: list[dict], rank: Callable[[str], list[int]]) -> float:
    """Mean nDCG@10 of `rank(seeks_text) -> test row indices, best first` over the partner queries."""
    scores = ranking_ndcg_rows(queries, test, rank)
    return float(np.mean(scores)) if len(scores) else 0.0


def ranking_ndcg_rows(
    queries: list[tuple[str, str]], test: list[dict], rank: Callable[[str], list[int]]
) -> np.ndarray:
    """nDCG@10 of each partner query, in query order (what `ranking_ndcg` averages)."""
    labels = [r.get("subindustry") for r in test]
    scores = []
    for label, seeks in queries:
        order = rank(seeks)
        scores.append(ndcg_at_k([labels[i] == label for i in order[:K]], labels.count(label)))
    return np.array(scores, dtype=np.float64)


BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20221


def paired_bootstrap(
    new: Sequence[float] | np.ndarray,
    old: Sequence[float] | np.ndarray,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, float]:
    """Mean of ``new - old`` (the same items, paired) and its 95% percentile bootstrap interval,
    resampling items with replacement under a fixed seed."""
    difference = np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
    if not len(difference):
        return {"gain": 0.0, "low": 0.0, "high": 0.0}
    rng = np.random.default_rng(seed)
    means = difference[rng.integers(0, len(difference), (resamples, len(difference)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"gain": float(difference.mean()), "low": float(low), "high": float(high)}


def _order_by_score(scores: np.ndarray, ids: np.ndarray) -> list[int]:
    return list(np.lexsort((ids, -scores))[:K])


def crosslingual_ranks(
    pairs: Sequence[dict], distractors: Sequence[str], encoder: Encoder, space: LinearSpace | None = None
) -> list[int]:
    """For each Korean text, the rank (1 = first) of its English pair among every English pair text
    and the distractor texts, by the description vectors the engine ranks with: in `space` where both
    texts share a script (as the engine applies a space), else plain cosine on the model's
    cross-language scale; each on its own calibration, unclipped, so the two compare."""
    korean_texts = [p["ko"] for p in pairs]
    english_texts = [p["en"] for p in pairs] + list(distractors)
    korean = _stack(embed_texts(korean_texts, encoder), encoder.dimension)
    english = _stack(embed_texts(english_texts, encoder), encoder.dimension)
    similarity = korean @ english.T
    if space is not None:
        config = deployed_config(encoder.model_id)
        floor, ceiling = config.crosslingual_floor, config.crosslingual_ceiling
        if floor is None or ceiling is None:
            floor, ceiling = config.cosine_floor, config.cosine_ceiling
        mapped_korean = space.transform([""] * len(korean), korean)
        mapped_english = space.transform([""] * len(english), english)
        in_space = (mapped_korean @ mapped_english.T - space.floor) / max(space.ceiling - space.floor, 1e-6)
        same = np.array([[share_a_script(k, e) for e in english_texts] for k in korean_texts], dtype=bool)
        similarity = np.where(same, in_space, (similarity - floor) / max(ceiling - floor, 1e-6))
    own = similarity[np.arange(len(pairs)), np.arange(len(pairs))]
    # Rank = 1 + how many other candidates are at least as close: a tie counts against the model,
    # so an encoder that gives every Korean text the same vector cannot score well.
    return [int((similarity[i] >= own[i]).sum()) for i in range(len(pairs))]


def sector_agreement(pairs: Sequence[dict], suggester: SectorSuggester) -> float:
    """Share of pairs whose Korean text gets exactly the sectors its English translation gets."""
    if not pairs:
        return 0.0
    korean = suggester.suggest([p["ko"] for p in pairs])
    english = suggester.suggest([p["en"] for p in pairs])
    same = [{s for s, _ in k} == {s for s, _ in e} for k, e in zip(korean, english, strict=True)]
    return float(np.mean(same))


def evaluate_engine(
    train: list[dict], test: list[dict], encoder: Encoder, queries: list, pairs: Sequence[dict] = ()
) -> dict[str, float]:
    """The engine's own metrics: SectorSuggester, SimilaritySpace and rank_startups_for.

    With `pairs`, also how well a Korean description finds its English translation among the
    pairs' English texts and the TEST startups, and whether both get the same sectors.
    """
    test_texts = [description_of(r) for r in test]
    train_texts = [description_of(r) for r in train]
    log("engine: embedding descriptions (whole text + sentences)")
    train_vecs = _stack(embed_texts(train_texts, encoder), encoder.dimension)
    test_vecs = _stack(embed_texts(test_texts, encoder), encoder.dimension)

    log("engine: sectors")
    # Exactly as the app does: texts in, the suggester embeds them (whole text and sentences) itself.
    suggester = SectorSuggester(encoder=encoder)
    if train:
        suggester.fit([sector_text_of(r) for r in train], [r.get("sectors") or [] for r in train])
    suggested = suggester.suggest([sector_text_of(r) for r in test])
    f1 = sector_macro_f1([r.get("sectors") or [] for r in test], [[s for s, _ in row] for row in suggested])

    log("engine: similarity space")
    one_liners = [r.get("one_liner") or "" for r in train]
    lexical = LexicalIndex(min_df=2, **_LEXICAL_OPTIONS).fit(
        train_texts + test_texts + [q for _, q in queries]
    )
    space = SimilaritySpace()
    if train:
        # Learn from both the full description and the one-line summary of each TRAIN startup.
        one_vecs = _stack(embed_texts(one_liners, encoder), encoder.dimension)
        labels = [subindustry_of(r) for r in train]
        space.fit(train_texts + one_liners, np.vstack([train_vecs, one_vecs]), labels + labels, lexical)
    mapped = space.transform(test_texts, test_vecs)
    p10 = precision_at_k(mapped @ mapped.T, [subindustry_of(r) for r in test], [r["id"] for r in test])

    log("engine: partner ranking")
    rank = _partner_ranker(test, test_texts, test_vecs, encoder, lexical, space=space)

    metrics = {
        "sector_macro_f1": f1,
        "similar_p_at_10": p10,
        "partner_ndcg_at_10": ranking_ndcg(queries, test, rank),
    }
    if pairs:
        log(f"engine: {len(pairs)} Korean/English pairs")
        ranks = crosslingual_ranks(pairs, test_texts, encoder)
        metrics.update(
            crosslingual_top1=float(np.mean([r == 1 for r in ranks])),
            crosslingual_mean_rank=float(np.mean(ranks)),
            crosslingual_candidates=len(pairs) + len(test_texts),
            crosslingual_sector_agreement=sector_agreement(pairs, suggester),
            # Pairs of a Korean text and its English translation for which "shared words" shows something.
            crosslingual_shared_words=float(
                np.mean([bool(lexical.shared_terms(p["ko"], p["en"])) for p in pairs])
            ),
        )
    return metrics


def as_deployed_config(model_id: str) -> ScoringConfig:
    """The configuration "as deployed" measures: the one the app ranks with by default
    (`matching.refresh.scoring_config` with nothing learned), built by the same function."""
    return deployed_config(model_id)


def todays_config(model_id: str) -> ScoringConfig:
    """The as-deployed configuration of 2026-11-24 (P@10 0.197, nDCG@10 0.358 on 2022), the fixed
    reference the bootstrap intervals compare the default against."""
    return ScoringConfig.for_model(model_id, **TODAYS_OVERRIDES)


# What `todays_config` resets of the current defaults (empty while the default is still today's).
TODAYS_OVERRIDES: dict[str, Any] = {}


def evaluate_as_deployed(
    train: list[dict], test: list[dict], encoder: Encoder, queries: list
) -> dict[str, Any]:
    """The same P@10 and nDCG@10 for the configuration the app ranks with: no fitted space, the
    model's calibrated cosines, the app's lexical index (default settings, fitted on every profile)
    and its component weights.

    Similar startups: the description and lexical components, weighted as for a partner; partner
    ranking: `rank_startups_for` with the app's `ScoringConfig` and no space. Also today's
    configuration (`todays_config`) and paired bootstrap intervals of the gain over it: P@10 paired
    over test startups, nDCG@10 over partner queries.
    """
    log("as deployed: calibrated cosine + lexical + structured components")
    world = _app_world(train, test, encoder, queries)
    rows = _app_rows(world, encoder, None, as_deployed_config(encoder.model_id))
    today = _app_rows(world, encoder, None, todays_config(encoder.model_id))
    return {
        "as_deployed_similar_p_at_10": _mean(rows[0]),
        "as_deployed_partner_ndcg_at_10": _mean(rows[1]),
        "todays_similar_p_at_10": _mean(today[0]),
        "todays_partner_ndcg_at_10": _mean(today[1]),
        "as_deployed_gain_p_at_10": paired_bootstrap(rows[0], today[0]),
        "as_deployed_gain_ndcg_at_10": paired_bootstrap(rows[1], today[1]),
    }


def stored_labels(row: dict[str, Any]) -> list[str]:
    """What the app stores that can teach a space: the mission sectors and the free tags.

    Never the sub-industry, nor `industries` (whose second entry is the sub-industry's name).
    """
    return list(row.get("sectors") or []) + list(row.get("tags") or [])


# The settings tried for the learned space; the best on the validation year is reported on TEST.
SPACE_GRID: dict[str, tuple[Any, ...]] = {
    "design": ("exploded", "specific"),
    "shrinkage": (0.3, 0.6, 0.9),
    "embedding_weight": (0.15, 0.3, 0.5),
    "min_class_size": (5,),
}


@dataclass
class _AppWorld:
    """What the app's configuration needs of one (train, test, queries) split, prepared once."""

    test: list[dict]
    texts: list[str]
    vectors: np.ndarray
    lexical: LexicalIndex
    lexical_similarity: np.ndarray
    queries: list


def _app_world(train: list[dict], test: list[dict], encoder: Encoder, queries: list) -> _AppWorld:
    config = as_deployed_config(encoder.model_id)
    texts = [description_of(r) for r in test]
    vectors = _stack(embed_texts(texts, encoder), encoder.dimension)
    lexical = LexicalIndex(**_LEXICAL_OPTIONS)
    lexical.fit([description_of(r) for r in train] + texts + [q for _, q in queries])
    words = lexical.transform(texts)
    similarity = calibrate((words @ words.T).toarray(), config.lexical_floor, config.lexical_ceiling)
    return _AppWorld(test, texts, vectors, lexical, similarity, queries)


def _app_metrics(world: _AppWorld, encoder: Encoder, space: LinearSpace | None) -> tuple[float, float]:
    """(P@10, nDCG@10) of the app's configuration on the world's TEST, with ``space`` (None: as deployed)."""
    p10, ndcg = _app_rows(world, encoder, space, as_deployed_config(encoder.model_id))
    return _mean(p10), _mean(ndcg)


def _mean(values: np.ndarray) -> float:
    """The mean, 0.0 of nothing (no labelled startup, no partner query)."""
    return float(np.mean(values)) if len(values) else 0.0


def _app_rows(
    world: _AppWorld, encoder: Encoder, space: LinearSpace | None, base: ScoringConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Per test startup P@10 and per partner query nDCG@10 of ``base`` on the world's TEST, with
    ``space`` (None: as deployed).

    Similar startups: the description and lexical components, weighted as for a partner; partner
    ranking: `rank_startups_for` with the configuration (its space, if any).
    """
    config = replace(base, space=space)
    weights = config.weights_for("partner")
    if space is None:
        mapped, (floor, ceiling) = world.vectors, (config.cosine_floor, config.cosine_ceiling)
    else:
        mapped, (floor, ceiling) = space.transform(world.texts, world.vectors), space.calibration_
    similarity = (
        weights["description"] * calibrate(mapped @ mapped.T, floor, ceiling)
        + weights["lexical"] * world.lexical_similarity
    )
    test = world.test
    p10 = precision_rows(similarity, [subindustry_of(r) for r in test], [r["id"] for r in test])
    rank = _partner_ranker(test, world.texts, world.vectors, encoder, world.lexical, config=config)
    return p10, ranking_ndcg_rows(world.queries, test, rank)


def _fit_space(
    train: list[dict], encoder: Encoder, labels: Callable[[dict], list[str]], **settings: Any
) -> LinearSpace | None:
    """A space fitted as the app fits it: description vectors and one label set per startup."""
    config = as_deployed_config(encoder.model_id)
    vectors = _stack(embed_texts([description_of(r) for r in train], encoder), encoder.dimension)
    return fit_linear_space(
        vectors, [labels(r) for r in train], config.cosine_floor, config.cosine_ceiling, **settings
    )


def choose_space_settings(train: list[dict], encoder: Encoder) -> tuple[dict[str, Any], list[dict]]:
    """Pick the learned space's settings inside TRAIN: fit on every year but the last, measure on the
    last (mean of P@10 and nDCG@10), never looking at TEST. Returns the best settings and every trial."""
    years = sorted({int(r["year"]) for r in train if r.get("year")})
    if len(years) < 2:
        return dict(zip(SPACE_GRID, (v[0] for v in SPACE_GRID.values()), strict=True)), []
    fit = [r for r in train if r.get("year") and int(r["year"]) < years[-1]]
    validation = [r for r in train if r.get("year") and int(r["year"]) == years[-1]]
    world = _app_world(fit, validation, encoder, partner_queries(fit, validation))
    trials: list[dict[str, Any]] = []
    base = _app_metrics(world, encoder, None)
    trials.append({"settings": None, "p_at_10": base[0], "ndcg_at_10": base[1]})
    for values in itertools.product(*SPACE_GRID.values()):
        settings = dict(zip(SPACE_GRID, values, strict=True))
        space = _fit_space(fit, encoder, stored_labels, **settings)
        p10, ndcg = _app_metrics(world, encoder, space) if space else base
        trials.append({"settings": settings, "p_at_10": p10, "ndcg_at_10": ndcg})
        log(f"as learned: validation {years[-1]} {settings}: P@10 {p10:.3f} nDCG@10 {ndcg:.3f}")
    best = max((t for t in trials if t["settings"]), key=lambda t: t["p_at_10"] + t["ndcg_at_10"])
    return dict(best["settings"]), trials


def evaluate_as_learned(
    train: list[dict], test: list[dict], encoder: Encoder, queries: list, pairs: Sequence[dict] = ()
) -> dict[str, Any]:
    """The app's configuration with the space it learns from TRAIN's sectors and tags (`as_learned_*`),
    settings chosen on TRAIN's last year; and, as a ceiling for that kind of space, the same fitted on
    TRAIN's sub-industries (`as_learned_subindustry_*`, which the app cannot have)."""
    log("as learned: choosing settings on the validation year inside TRAIN")
    settings, trials = choose_space_settings(train, encoder)
    log(f"as learned: chosen {settings}")
    space = _fit_space(train, encoder, stored_labels, **settings)
    world = _app_world(train, test, encoder, queries)
    p10, ndcg = _app_metrics(world, encoder, space)
    ceiling_space = _fit_space(train, encoder, lambda r: [s] if (s := subindustry_of(r)) else [], **settings)
    ceiling = _app_metrics(world, encoder, ceiling_space)
    validation: dict[str, Any] = {"as_deployed": trials[0] if trials else None}
    chosen = [t for t in trials if t["settings"] == settings]
    if chosen:
        validation["as_learned"] = chosen[0]
    metrics: dict[str, Any] = {}
    if pairs:  # the space must keep a Korean text next to its English translation
        ranks = crosslingual_ranks(pairs, world.texts, encoder, space)
        metrics.update(
            as_learned_crosslingual_top1=float(np.mean([r == 1 for r in ranks])),
            as_learned_crosslingual_mean_rank=float(np.mean(ranks)),
        )
    return metrics | {
        "as_learned_similar_p_at_10": p10,
        "as_learned_partner_ndcg_at_10": ndcg,
        "as_learned_subindustry_similar_p_at_10": ceiling[0],
        "as_learned_subindustry_partner_ndcg_at_10": ceiling[1],
        "as_learned_settings": settings,
        "as_learned_space": space.info if space else None,
        "as_learned_validation": validation,
    }


def _partner_ranker(
    test: list[dict],
    test_texts: list[str],
    test_vecs: np.ndarray,
    encoder: Encoder,
    lexical: LexicalIndex,
    **options: Any,
) -> Callable[[str], list[int]]:
    """Ranks the test startups for a partner seeking a query text (positions into ``test``), with
    `rank_startups_for` and ``options`` (a fitted ``space``, or the app's ``config``)."""
    startups = [
        Profile(id=int(r["id"]), kind="startup", name=r.get("name") or "", description=t)
        for r, t in zip(test, test_texts, strict=True)
    ]
    candidates = list(
        zip(startups, [ProfileVectors(description=v if v.any() else None) for v in test_vecs], strict=True)
    )
    position = {p.id: i for i, p in enumerate(startups)}

    def rank(seeks: str) -> list[int]:
        partner = Profile(id=-1, kind="partner", name="Partner", seeks=seeks)
        vectors = embed_profiles([partner], encoder)[0]
        matches = rank_startups_for(partner, vectors, candidates, lexical, K, **options)
        return [position[m.startup_id] for m in matches]

    return rank


def _stack(vectors: Sequence[np.ndarray | None], dim: int) -> np.ndarray:
    return np.vstack([v if v is not None else np.zeros(dim, dtype=np.float32) for v in vectors])


def _baseline_tfidf(min_df: int = 2) -> TfidfVectorizer:
    """The TF-IDF of the baselines: word 1-2 grams, sublinear tf, min_df 2."""
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df)


def _sector_lr(x_train: Any, train: list[dict], x_test: Any) -> list[list[str]]:
    """The baselines' sector classifier: one-vs-rest LogisticRegression(class_weight="balanced").

    Default C, decision at probability 0.5: no tuning of any kind for the baselines.
    """
    predicted: list[list[str]] = [[] for _ in range(x_test.shape[0])]
    for sector in SECTORS:
        y = np.array([sector in (r.get("sectors") or []) for r in train])
        if y.all() or not y.any():
            continue
        model = LogisticRegression(class_weight="balanced", max_iter=5000).fit(x_train, y)
        for i in np.flatnonzero(model.predict_proba(x_test)[:, 1] >= 0.5):
            predicted[i].append(sector)
    return predicted


def evaluate_baselines(
    train: list[dict], test: list[dict], encoder: Encoder, queries: list
) -> dict[str, dict]:
    """TF-IDF (word 1-2 grams) and plain MiniLM cosine baselines on the same tasks.

    `encoder` is MiniLM (the baseline model), whatever model the engine itself uses.
    """
    truth = [r.get("sectors") or [] for r in test]
    labels = [subindustry_of(r) for r in test]
    ids = np.array([r["id"] for r in test])
    test_texts = [description_of(r) for r in test]
    results = {}
    log("baseline: tf-idf")
    train_sector_texts = [sector_text_of(r) for r in train]
    test_sector_texts = [sector_text_of(r) for r in test]
    f1 = 0.0
    if train:
        # Sectors: vocabulary and IDF learned from the training texts only.
        sector_tfidf = _baseline_tfidf(2 if len(train) >= 4 else 1).fit(train_sector_texts)
        predicted = _sector_lr(
            sector_tfidf.transform(train_sector_texts), train, sector_tfidf.transform(test_sector_texts)
        )
        f1 = sector_macro_f1(truth, predicted)
    # Similarity and ranking are unsupervised: IDF over the texts being compared (and the queries).
    tfidf = _baseline_tfidf(2 if len(test) >= 4 else 1).fit(test_texts + [q for _, q in queries])
    t_test = tfidf.transform(test_texts)
    results["tfidf"] = {
        "sector_macro_f1": f1,
        "similar_p_at_10": precision_at_k((t_test @ t_test.T).toarray(), labels, ids),
        "partner_ndcg_at_10": ranking_ndcg(
            queries, test, lambda q: _order_by_score((t_test @ tfidf.transform([q]).T).toarray().ravel(), ids)
        ),
    }
    log("baseline: plain MiniLM cosine")
    e_test = encoder.encode(test_texts)
    f1 = 0.0
    if train:
        predicted = _sector_lr(encoder.encode(train_sector_texts), train, encoder.encode(test_sector_texts))
        f1 = sector_macro_f1(truth, predicted)
    results["minilm"] = {
        "sector_macro_f1": f1,
        "similar_p_at_10": precision_at_k(e_test @ e_test.T, labels, ids),
        "partner_ndcg_at_10": ranking_ndcg(
            queries, test, lambda q: _order_by_score(e_test @ l2_normalise(encoder.encode([q])[0]), ids)
        ),
    }
    return results


def _cached(model: str | None, cache_path: str | None) -> CachingEncoder:
    encoder = CachingEncoder(make_encoder(model))
    if cache_path and Path(cache_path).exists():
        log(f"{encoder.model_id}: loaded {encoder.load(cache_path)} cached embeddings")
    return encoder


def _cache_file(cache_path: str | None, encoder: Encoder) -> str | None:
    """One cache file per model: the given path, with the model's name before the suffix."""
    if not cache_path:
        return None
    path = Path(cache_path)
    safe = "".join(c if c.isalnum() else "-" for c in encoder.model_id)
    return str(path.with_name(f"{path.stem}.{safe}{path.suffix or '.npz'}"))


def run(
    train_path: str | None,
    test_path: str,
    model: str | None = None,
    cache_path: str | None = None,
    pairs_path: str | None = None,
    baseline_model: str | None = "minilm",
    lexical_glossary: bool = False,
) -> dict[str, Any]:
    """Evaluate on the given files and return the metrics dictionary.

    `cache_path` (.npz) keeps embeddings between runs (one file per model beside it);
    `lexical_glossary` lets the engine's lexical indexes count glossary concepts.
    """
    started = time.perf_counter()
    _LEXICAL_OPTIONS["glossary"] = lexical_glossary
    train = read_jsonl(train_path) if train_path else []
    test = read_jsonl(test_path)
    pairs = read_jsonl(pairs_path) if pairs_path else []
    log(f"read {len(train)} train and {len(test)} test startups, {len(pairs)} Korean/English pairs")
    encoder = _cached(model, None)
    encoder = _cached(model, _cache_file(cache_path, encoder))
    baseline = encoder
    if make_encoder(baseline_model).model_id != encoder.model_id:
        baseline = _cached(baseline_model, _cache_file(cache_path, make_encoder(baseline_model)))
    queries = partner_queries(train, test)
    log(f"{len(queries)} partner queries")
    metrics: dict[str, Any] = evaluate_engine(train, test, encoder, queries, pairs)
    metrics.update(evaluate_as_deployed(train, test, encoder, queries))
    metrics.update(evaluate_as_learned(train, test, encoder, queries, pairs))
    metrics["baselines"] = evaluate_baselines(train, test, baseline, queries)
    if cache_path:
        for used in {id(encoder): encoder, id(baseline): baseline}.values():
            used.save(_cache_file(cache_path, used) or cache_path)
    metrics.update(
        n_train=len(train),
        n_test=len(test),
        n_partner_queries=len(queries),
        model_id=encoder.model_id,
        lexical_glossary=lexical_glossary,
        seconds=round(time.perf_counter() - started, 1),
    )
    return metrics


def quality_table(metrics: dict[str, Any]) -> str:
    """The similarity configurations side by side: P@10 and nDCG@10 of each, one row per line."""
    rows = [
        ("space fitted on sub-industries (not in the app)", "similar_p_at_10", "partner_ndcg_at_10"),
        ("today's as deployed (2026-11-24)", "todays_similar_p_at_10", "todays_partner_ndcg_at_10"),
        ("as deployed (no space)", "as_deployed_similar_p_at_10", "as_deployed_partner_ndcg_at_10"),
        (
            "as learned (space from sectors + tags)",
            "as_learned_similar_p_at_10",
            "as_learned_partner_ndcg_at_10",
        ),
        (
            "as learned, labels = sub-industries (ceiling)",
            "as_learned_subindustry_similar_p_at_10",
            "as_learned_subindustry_partner_ndcg_at_10",
        ),
    ]
    lines = [f"{'configuration':<50} {'P@10':>6} {'nDCG@10':>8}"]
    for name, p10, ndcg in rows:
        if p10 in metrics:
            lines.append(f"{name:<50} {metrics[p10]:6.3f} {metrics[ndcg]:8.3f}")
    for key, label, over in (
        ("as_deployed_gain_p_at_10", "P@10", "test startups"),
        ("as_deployed_gain_ndcg_at_10", "nDCG@10", "partner queries"),
    ):
        if key in metrics:
            gain = metrics[key]
            lines.append(
                f"as deployed minus today's, {label}: {gain['gain']:+.3f} "
                f"(95% paired bootstrap over {over}: {gain['low']:+.3f} to {gain['high']:+.3f})"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", help="JSONL of earlier startups to learn from (omit for zero-shot)")
    parser.add_argument("--test", required=True, help="JSONL of startups to evaluate on")
    parser.add_argument(
        "--model",
        default=None,
        help="model name or path (default: the app's; 'hashing' for the test encoder)",
    )
    parser.add_argument("--embedding-cache", default=None, help=".npz file to reuse embeddings between runs")
    parser.add_argument("--pairs", default=None, help='JSONL of {"ko": ..., "en": ...} description pairs')
    parser.add_argument(
        "--baseline-model", default="minilm", help="the plain-cosine baseline's model (default: MiniLM)"
    )
    parser.add_argument(
        "--lexical-glossary",
        action="store_true",
        help="the lexical component also counts glossary concepts (the app's MATCHMAKER_LEXICAL_GLOSSARY)",
    )
    args = parser.parse_args(argv)
    # One BLAS thread: the evaluation's matrices (classifiers, spaces, rankings of a few thousand
    # profiles) are too small for BLAS threads to pay; they spin and wait. On the 2,075/1,361 split of
    # startups_dev.jsonl with the hashing encoder, the same metrics came in 58.6 s (56 s of CPU) with
    # one thread against 89.7 s (145 s of CPU) with BLAS's default of one per core. torch's own
    # threads (the real models' embeddings) are not BLAS threads and keep their setting.
    with threadpool_limits(limits=1, user_api="blas"):
        metrics = run(
            args.train,
            args.test,
            args.model,
            args.embedding_cache,
            args.pairs,
            args.baseline_model,
            lexical_glossary=args.lexical_glossary,
        )
    print(quality_table(metrics))
    print(json.dumps(metrics, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
