"""Ranking: top-k and diversified (MMR) selection, hard filters, and explained counterpart lists."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matchmaker.engine.encoder import Encoder
from matchmaker.engine.explain import Component, Match, component_level, component_sentence, missing_hints
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.phrases import matched_phrases
from matchmaker.engine.profiles import Profile, ProfileVectors
from matchmaker.engine.scoring import (
    COMPONENTS,
    ScoringConfig,
    combine,
    component_similarities,
    field_matrix,
    lexical_applies,
    pair_weights,
)
from matchmaker.engine.space import Space

Candidate = tuple[Profile, ProfileVectors]


def _order(scores: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Indices sorted by score descending, then id ascending (deterministic ties)."""
    return np.lexsort((ids, -scores))


def top_k(query: np.ndarray, matrix: np.ndarray, ids: Sequence[int], k: int) -> list[tuple[int, float]]:
    """The k rows of `matrix` most similar (dot product) to `query`, as (id, similarity) pairs.

    argpartition keeps it linear in n; ties are broken by id ascending.
    """
    ids_arr = np.asarray(ids)
    if len(ids_arr) != len(matrix):
        raise ValueError("matrix and ids must have the same length")
    if k <= 0 or len(ids_arr) == 0:
        return []
    scores = np.asarray(matrix, dtype=np.float32) @ np.asarray(query, dtype=np.float32)
    k = min(k, len(scores))
    if k < len(scores):
        threshold = scores[np.argpartition(-scores, k - 1)[k - 1]]
        pool = np.flatnonzero(scores >= threshold)  # keeps every row tied at the boundary
    else:
        pool = np.arange(len(scores))
    chosen = pool[_order(scores[pool], ids_arr[pool])][:k]
    return [(int(ids_arr[i]), float(scores[i])) for i in chosen]


def mmr(
    query: np.ndarray | None,
    matrix: np.ndarray,
    ids: Sequence[int] | np.ndarray,
    k: int,
    diversity: float = 0.3,
    relevance: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """Maximal marginal relevance: pick k rows trading relevance against similarity to rows picked.

    Each step maximises (1 - diversity) * relevance - diversity * max cosine to the chosen rows.
    `relevance` defaults to matrix @ query. Returns (id, relevance) in pick order.
    """
    ids_arr = np.asarray(ids)
    matrix = np.asarray(matrix, dtype=np.float32)
    if relevance is None:
        if query is None:
            raise ValueError("give a query or a relevance array")
        relevance = matrix @ np.asarray(query, dtype=np.float32)
    relevance = np.asarray(relevance, dtype=np.float64)
    k = min(k, len(ids_arr))
    if k <= 0:
        return []
    # Visit rows in (relevance desc, id asc) order so argmax ties resolve to the lowest id.
    order = _order(relevance, ids_arr)
    matrix, relevance, ids_arr = matrix[order], relevance[order], ids_arr[order]
    chosen: list[int] = []
    max_sim = np.full(len(ids_arr), -np.inf)
    available = np.ones(len(ids_arr), dtype=bool)
    for _ in range(k):
        penalty = np.where(np.isinf(max_sim), 0.0, max_sim)
        value = (1.0 - diversity) * relevance - diversity * penalty
        value[~available] = -np.inf
        best = int(np.argmax(value))
        chosen.append(best)
        available[best] = False
        max_sim = np.maximum(max_sim, matrix @ matrix[best])
    return [(int(ids_arr[i]), float(relevance[i])) for i in chosen]


# Why a pair is never shown, in the order they are checked.
FILTER_REASONS: tuple[str, ...] = ("hidden", "dismissed", "stage")


def filter_reason(startup: Profile, other: Profile) -> str | None:
    """The hard filter that keeps a pair out of every list, or None when the pair may be shown.

    'hidden': either profile is hidden; 'dismissed': one side marked the other "not interested" or
    "already met"; 'stage': the startup's stage is not one the investor invests in. A round larger
    or smaller than the investor's ticket is no filter: it is scored (`scoring.ticket_fit`).
    """
    if not startup.listed or not other.listed:
        return "hidden"
    if other.id in startup.excluded_ids or startup.id in other.excluded_ids:
        return "dismissed"
    if other.kind == "investor" and startup.stage is not None and other.investor_stages:
        if startup.stage not in other.investor_stages:
            return "stage"
    return None


def passes_hard_filters(startup: Profile, other: Profile) -> bool:
    """False when a pair must never be shown (see `filter_reason`)."""
    return filter_reason(startup, other) is None


def filter_counts(anchor: Profile, candidates: Sequence[Profile]) -> dict[str, int]:
    """How many candidates each hard filter removed for `anchor` (a startup or a counterpart)."""
    counts = dict.fromkeys(FILTER_REASONS, 0)
    for candidate in candidates:
        pair = (anchor, candidate) if anchor.kind == "startup" else (candidate, anchor)
        reason = filter_reason(*pair)
        if reason is not None:
            counts[reason] += 1
    return {reason: n for reason, n in counts.items() if n}


def build_match(
    startup: Profile,
    startup_vecs: ProfileVectors,
    other: Profile,
    other_vecs: ProfileVectors,
    similarities: np.ndarray,
    config: ScoringConfig,
    lexical: LexicalIndex | None,
    encoder: Encoder | None = None,
    model_id: str = "",
) -> Match:
    """Assemble the explained Match of a pair from its component similarities (one row)."""
    weights = pair_weights(config, startup, other, lexical)
    contributions, total = combine(similarities[None, :], weights)
    kind_weights = config.weights_for(other.kind, with_lexical=lexical is not None, counterpart_id=other.id)
    similarity = {
        name: None if np.isnan(similarities[j]) else float(similarities[j])
        for j, name in enumerate(COMPONENTS)
    }
    # Words of a Korean and an English profile cannot be compared: they are estimated from the
    # meaning where the corpus allows (`LexicalEstimate`), else the component stays listed at
    # weight 0, so the reader sees why, and the parts listed still add up to the score.
    in_other_languages = lexical is not None and not lexical_applies(startup, other)
    estimated = {name: name == "lexical" and in_other_languages for name in COMPONENTS}
    components = tuple(
        Component(
            name=name,
            weight=weights.get(name, 0.0),
            similarity=similarity[name],
            contribution=float(contributions[0, j]),
            sentence=component_sentence(
                name, similarity[name], startup, other, applies=name in weights, estimated=estimated[name]
            ),
            level=component_level(name, similarity[name], applies=name in weights, estimated=estimated[name]),
        )
        for j, name in enumerate(COMPONENTS)
        if name in kind_weights
    )
    score = float(np.clip(total[0], 0.0, 1.0))
    agreeing = {c.name for c in components if c.contribution > 0}
    missing = missing_hints(startup, for_kind=other.kind) + missing_hints(other)
    return Match(
        startup_id=startup.id,
        counterpart_id=other.id,
        counterpart_kind=other.kind,
        score=score,
        components=components,
        matched_phrases=tuple(matched_phrases(startup, other, lexical, encoder, agreeing=agreeing)),
        missing=tuple(missing),
        model_id=model_id,
        confident=score >= config.confident_score,
    )


def score_pair(
    startup: Profile,
    startup_vecs: ProfileVectors,
    other: Profile,
    other_vecs: ProfileVectors,
    lexical: LexicalIndex | None = None,
    space: Space | None = None,
    config: ScoringConfig | None = None,
    encoder: Encoder | None = None,
) -> Match:
    """Score and explain one startup with one partner or investor (hard filters not applied)."""
    config = config or ScoringConfig.for_model(encoder.model_id if encoder is not None else "")
    sims = component_similarities([startup], [startup_vecs], [other], [other_vecs], lexical, space, config)
    model_id = encoder.model_id if encoder is not None else ""
    return build_match(startup, startup_vecs, other, other_vecs, sims[0], config, lexical, encoder, model_id)


def _rank(
    anchor: Candidate,
    candidates: Sequence[Candidate],
    anchor_is_startup: bool,
    lexical: LexicalIndex | None,
    k: int,
    diversity: float,
    space: Space | None,
    config: ScoringConfig | None,
    encoder: Encoder | None,
) -> list[Match]:
    config = config or ScoringConfig.for_model(encoder.model_id if encoder is not None else "")
    space = space if space is not None else config.space
    profile, vecs = anchor
    pairs: list[tuple[Candidate, Candidate]] = [
        ((profile, vecs), c) if anchor_is_startup else (c, (profile, vecs))
        for c in candidates
        if (passes_hard_filters(profile, c[0]) if anchor_is_startup else passes_hard_filters(c[0], profile))
    ]
    if not pairs or k <= 0:
        return []
    startups = [s[0] for s, _ in pairs]
    others = [o[0] for _, o in pairs]
    sims = component_similarities(
        startups, [s[1] for s, _ in pairs], others, [o[1] for _, o in pairs], lexical, space, config
    )
    totals = np.zeros(len(pairs))
    weights = [pair_weights(config, s, o, lexical) for s, o in zip(startups, others, strict=True)]
    for key in {tuple(sorted(w.items())) for w in weights}:
        rows = np.array([tuple(sorted(w.items())) == key for w in weights])
        totals[rows] = combine(sims[rows], dict(key))[1]
    ids = np.array([(o if anchor_is_startup else s).id for s, o in zip(startups, others, strict=True)])
    if diversity > 0:
        described = [(o if anchor_is_startup else s) for s, o in pairs]
        matrix, _ = field_matrix([p for p, _ in described], [v for _, v in described], "description", space)
        picked = {i for i, _ in mmr(None, matrix, np.arange(len(pairs)), k, diversity, relevance=totals)}
        # Keep the MMR set but present it by score, id for a stable list.
        chosen = [i for i in _order(totals, ids) if i in picked]
    else:
        chosen = list(_order(totals, ids)[:k])
    model_id = encoder.model_id if encoder is not None else ""
    matches = []
    for i in chosen:
        (startup, startup_vecs), (other, other_vecs) = pairs[i]
        matches.append(
            build_match(startup, startup_vecs, other, other_vecs, sims[i], config, lexical, encoder, model_id)
        )
    return matches


def rank_counterparts_for(
    startup: Profile,
    startup_vecs: ProfileVectors,
    candidates: Sequence[Candidate],
    lexical: LexicalIndex | None,
    k: int = 10,
    space: Space | None = None,
    config: ScoringConfig | None = None,
    encoder: Encoder | None = None,
    diversity: float = 0.0,
) -> list[Match]:
    """The k best partners/investors for a startup after hard filters, by score desc then id asc."""
    return _rank((startup, startup_vecs), candidates, True, lexical, k, diversity, space, config, encoder)


def rank_startups_for(
    counterpart: Profile,
    counterpart_vecs: ProfileVectors,
    startups: Sequence[Candidate],
    lexical: LexicalIndex | None,
    k: int = 10,
    diversity: float = 0.0,
    space: Space | None = None,
    config: ScoringConfig | None = None,
    encoder: Encoder | None = None,
) -> list[Match]:
    """The k best startups for a partner or investor after hard filters.

    With diversity > 0 the k are chosen by MMR over description vectors (so the list is not ten
    near-duplicates), then listed by score desc, id asc.
    """
    return _rank(
        (counterpart, counterpart_vecs), startups, False, lexical, k, diversity, space, config, encoder
    )
