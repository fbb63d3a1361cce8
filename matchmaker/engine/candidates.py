"""One organisation against all its candidates at once: stacked vectors, one pass, explain the kept.

`CandidateSet` holds what every refresh needs of the candidates (their field vectors stacked, their
scripts, sectors and lexical rows), built once and reused while they do not change. `rank_against`
gives exactly the matches `ranking.rank_startups_for` / `rank_counterparts_for` give (same components,
bit for bit, same totals and order; tests/engine/test_candidates.py), without a Python step per pair,
and explains only the k it keeps, reading all their sentence vectors in one batch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker.engine.encoder import Encoder
from matchmaker.engine.explain import Match
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import TEXT_FIELDS, Profile, ProfileVectors
from matchmaker.engine.ranking import _order, build_match, mmr
from matchmaker.engine.scoring import (
    COMPONENTS,
    TEXT_COMPONENTS,
    ScoringConfig,
    calibrate,
    lexical_text,
    sector_overlap,
    stage_ticket_fit,
)
from matchmaker.engine.space import LinearSpace
from matchmaker.engine.text import split_sentences
from matchmaker.engine.words import scripts

_SCRIPT_BITS = {"hangul": 1, "latin": 2}
_CHUNK = 4096  # rows per block when an anchor vector is repeated against candidates


def script_mask(profile: Profile) -> int:
    """The scripts of a profile's lexical text as bits: two profiles' words compare if they share one."""
    return sum(_SCRIPT_BITS.get(name, 4) for name in scripts(lexical_text(profile)))


@dataclass
class CandidateSet:
    """Candidates of one side, ready to be scored against any organisation of the other side."""

    profiles: list[Profile]
    vectors: list[ProfileVectors]
    ids: np.ndarray
    fields: dict[str, tuple[np.ndarray, np.ndarray]]  # field -> (stacked vectors, present)
    scripts: np.ndarray  # script bits per candidate
    has_lexical_text: np.ndarray
    lexical_texts: list[str]
    lexical_rows: np.ndarray | None = None  # rows in the LexicalIndex they were bound to
    lexical_index: LexicalIndex | None = None
    mapped: tuple[str, dict[str, tuple[np.ndarray, np.ndarray]]] | None = None  # (space version, fields)

    @classmethod
    def build(
        cls,
        profiles: Sequence[Profile],
        vectors: Sequence[ProfileVectors],
        script_masks: Sequence[int] | None = None,
    ) -> CandidateSet:
        """Stack the candidates' vectors and precompute what each pair would otherwise redo."""
        if len(profiles) != len(vectors):
            raise ValueError("profiles and vectors must be aligned (same length)")
        fields = {name: _stack([v.get(name) for v in vectors]) for name in TEXT_FIELDS}
        texts = [lexical_text(p) for p in profiles]
        masks = script_masks if script_masks is not None else [script_mask(p) for p in profiles]
        return cls(
            profiles=list(profiles),
            vectors=list(vectors),
            ids=np.array([p.id for p in profiles], dtype=np.int64),
            fields=fields,
            scripts=np.array(masks, dtype=np.int64),
            has_lexical_text=np.array([bool(t) for t in texts], dtype=bool),
            lexical_texts=texts,
        )

    def bind(self, lexical: LexicalIndex | None) -> None:
        """Look up (or add) every candidate's row in `lexical` once, not at each refresh."""
        if lexical is not None and self.lexical_index is not lexical:
            self.lexical_rows = lexical.rows(self.lexical_texts)
            self.lexical_index = lexical

    def fields_in(self, space: LinearSpace | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The stacked field vectors, mapped by `space` (kept per space version); as stored without one."""
        if space is None:
            return self.fields
        if self.mapped is None or self.mapped[0] != space.version:
            mapped = {
                name: (space.map_stacked([v.get(name) for v in self.vectors], m), p)
                for name, (m, p) in self.fields.items()
            }
            self.mapped = (space.version, mapped)
        return self.mapped[1]


def _stack(vectors: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """The same matrix and mask `scoring.field_matrix` builds (without a learned space)."""
    present = np.array([v is not None for v in vectors], dtype=bool)
    dims = {len(v) for v in vectors if v is not None}
    raw = np.zeros((len(vectors), dims.pop() if dims else 1), dtype=np.float32)
    for i, v in enumerate(vectors):
        if v is not None:
            raw[i] = v
    return raw, present


def _row_dots(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """einsum('ij,ij->i') of two aligned matrices where one side may be a single (anchor) vector.

    The anchor is repeated block by block, so each row is computed exactly as the pairwise path
    computes it, without a copy of the anchor per candidate.
    """
    n = len(second) if first.ndim == 1 else len(first)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        a = np.tile(first, (stop - start, 1)) if first.ndim == 1 else first[start:stop]
        b = np.tile(second, (stop - start, 1)) if second.ndim == 1 else second[start:stop]
        out[start:stop] = np.einsum("ij,ij->i", a, b)
    return out.astype(np.float64)


def _cosines(
    first: tuple[np.ndarray, np.ndarray | bool], second: tuple[np.ndarray, np.ndarray | bool]
) -> np.ndarray:
    values = _row_dots(first[0], second[0])
    values[~(np.asarray(first[1]) & np.asarray(second[1]))] = np.nan
    return values


def anchor_similarities(
    anchor: Profile,
    anchor_vectors: ProfileVectors,
    candidates: CandidateSet,
    rows: np.ndarray,
    lexical: LexicalIndex | None,
    config: ScoringConfig,
) -> np.ndarray:
    """Calibrated similarities (len(rows), len(COMPONENTS)) of `anchor` with candidates[rows].

    Equal to `scoring.component_similarities` of the same pairs (with `config.space`, if any).
    """
    n = len(rows)
    out = np.full((n, len(COMPONENTS)), np.nan)
    if n == 0:
        return out
    col = COMPONENTS.index
    space = config.space
    text_columns = [col(name) for name in TEXT_COMPONENTS]

    def text_cosines(in_space: LinearSpace | None) -> np.ndarray:
        """Raw cosines (n, len(TEXT_COMPONENTS)) of the text components, in `in_space` (None: plain)."""
        # An anchor without a field is a zero row, masked as the pairwise path masks it (einsum broadcasts).
        anchor_fields = {}
        for name in TEXT_FIELDS:
            vector = anchor_vectors.get(name)
            if vector is not None and in_space is not None:
                vector = in_space.transform([""], vector[None, :])[0]
            anchor_fields[name] = (np.zeros(1, np.float32) if vector is None else vector, vector is not None)
        mapped = candidates.fields_in(in_space)
        if n == len(candidates.ids) and np.array_equal(rows, np.arange(n)):  # every candidate: no copy
            fields = mapped
        else:
            fields = {name: (m[rows], p[rows]) for name, (m, p) in mapped.items()}
        s, o = (anchor_fields, fields) if anchor.kind == "startup" else (fields, anchor_fields)
        both = np.vstack([_cosines(o["seeks"], s["description"]), _cosines(o["seeks"], s["offers"])])
        best = np.where(np.isnan(both), -np.inf, both).max(axis=0)
        return np.column_stack(
            [
                _cosines(s["seeks"], o["offers"]),
                np.where(np.isinf(best), np.nan, best),
                _cosines(s["description"], o["description"]),
            ]
        )

    raw_text = text_cosines(space)
    floor, ceiling = space.calibration_ if space is not None else (config.cosine_floor, config.cosine_ceiling)
    out[:, text_columns] = calibrate(raw_text, floor, ceiling)
    applies = (candidates.scripts[rows] & script_mask(anchor)) != 0
    # Across languages the model's own cross-language scale, with or without a space (as pairwise).
    if config.crosslingual_floor is not None and config.crosslingual_ceiling is not None:
        across = ~applies
        if across.any():
            raw_text = text_cosines(None) if space is not None else raw_text
            out[np.ix_(across, text_columns)] = calibrate(
                raw_text[across], config.crosslingual_floor, config.crosslingual_ceiling
            )
    out[:, col("sectors")] = _sector_overlaps(anchor, [candidates.profiles[i] for i in rows])
    stage_ticket = col("stage_ticket")
    for j, i in enumerate(rows):
        other = candidates.profiles[i]
        startup, counterpart = (anchor, other) if anchor.kind == "startup" else (other, anchor)
        if counterpart.kind == "investor":
            fit = stage_ticket_fit(startup, counterpart)
            out[j, stage_ticket] = np.nan if fit is None else fit
    if lexical is not None:
        candidates.bind(lexical)
        assert candidates.lexical_rows is not None
        anchor_text = lexical_text(anchor)
        raw = lexical.similarities_to(int(lexical.rows([anchor_text])[0]), candidates.lexical_rows[rows])
        raw = raw.astype(np.float64)
        both_text = candidates.has_lexical_text[rows] & bool(anchor_text)
        compared = both_text & applies
        raw[~compared] = np.nan
        out[:, col("lexical")] = calibrate(raw, config.lexical_floor, config.lexical_ceiling)
        estimate = lexical.estimate_
        if estimate is not None:
            mixed = both_text & ~applies
            if mixed.any():
                out[mixed, col("lexical")] = estimate.predict(out[mixed])
    return out


def _sector_overlaps(anchor: Profile, others: Sequence[Profile]) -> np.ndarray:
    values = np.full(len(others), np.nan)
    if not anchor.sectors:
        return values
    for j, other in enumerate(others):
        pair = (anchor, other) if anchor.kind == "startup" else (other, anchor)
        overlap = sector_overlap(*pair)
        if overlap is not None:
            values[j] = overlap
    return values


def _allowed(anchor: Profile, candidates: CandidateSet) -> np.ndarray:
    """`ranking.passes_hard_filters` of every (anchor, candidate) pair, as a mask."""
    if not anchor.listed:
        return np.zeros(len(candidates.ids), dtype=bool)
    allowed = np.array([p.listed for p in candidates.profiles], dtype=bool)
    if anchor.excluded_ids:
        allowed &= ~np.isin(candidates.ids, np.fromiter(anchor.excluded_ids, dtype=np.int64))
    allowed &= np.array([anchor.id not in p.excluded_ids for p in candidates.profiles], dtype=bool)
    for i, other in enumerate(candidates.profiles):
        startup, counterpart = (anchor, other) if anchor.kind == "startup" else (other, anchor)
        if counterpart.kind == "investor" and startup.stage is not None and counterpart.investor_stages:
            if startup.stage not in counterpart.investor_stages:
                allowed[i] = False
    return allowed


def _weight_rows(
    anchor: Profile,
    candidates: CandidateSet,
    rows: np.ndarray,
    applies: np.ndarray,
    config: ScoringConfig,
    lexical: LexicalIndex | None,
) -> np.ndarray:
    """Per pair, the weights `scoring.pair_weights` gives, as rows aligned with COMPONENTS."""
    table: dict[tuple[str, bool, int | None], np.ndarray] = {}
    out = np.zeros((len(rows), len(COMPONENTS)))
    learned = config.counterpart_weights  # a partner's own learned weights, where it has them
    for j, i in enumerate(rows):
        other = candidates.profiles[i]
        counterpart = other if anchor.kind == "startup" else anchor
        comparable = lexical is not None and (bool(applies[j]) or lexical.estimate_ is not None)
        own = counterpart.id if counterpart.id in learned else None
        key = (counterpart.kind, comparable, own)
        if key not in table:
            weights = config.weights_for(counterpart.kind, with_lexical=comparable, counterpart_id=own)
            table[key] = np.array([weights.get(name, 0.0) for name in COMPONENTS])
        out[j] = table[key]
    return out


class PrefetchedEncoder:
    """An encoder answering from vectors read in one batch; anything else goes to the wrapped one."""

    def __init__(self, inner: Encoder, texts: Collection[str]) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        unique = sorted(set(texts))
        matrix = inner.encode(unique) if unique else np.zeros((0, inner.dimension), np.float32)
        self.vectors: dict[str, np.ndarray] = dict(zip(unique, matrix, strict=True))

    @property
    def dimension(self) -> int:
        """The wrapped encoder's dimension."""
        return self.inner.dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for `texts`, as the wrapped encoder gives them."""
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.inner.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts]).astype(np.float32, copy=False)


def _phrase_sentences(startup: Profile, other: Profile, agreeing: Mapping[str, bool]) -> list[str]:
    """The sentences `phrases.matched_phrases` will embed for this pair."""
    texts = []
    if agreeing["seeks_offers"]:
        texts += [startup.seeks, other.offers]
    if agreeing["offers_seeks"]:
        texts += [startup.what_it_is, other.seeks]
    return [s for t in texts for s in split_sentences(t)]


def rank_against(
    anchor: Profile,
    anchor_vectors: ProfileVectors,
    candidates: CandidateSet,
    lexical: LexicalIndex | None,
    k: int = 10,
    config: ScoringConfig | None = None,
    encoder: Encoder | None = None,
    diversity: float = 0.0,
) -> list[Match]:
    """The k best candidates for `anchor` after hard filters, explained; as `ranking._rank` gives them."""
    config = config or ScoringConfig.for_model(encoder.model_id if encoder is not None else "")
    rows = np.flatnonzero(_allowed(anchor, candidates))
    if not len(rows) or k <= 0:
        return []
    sims = anchor_similarities(anchor, anchor_vectors, candidates, rows, lexical, config)
    applies = (candidates.scripts[rows] & script_mask(anchor)) != 0
    weights = _weight_rows(anchor, candidates, rows, applies, config, lexical)
    contributions = np.nan_to_num(np.clip(sims, 0.0, None), nan=0.0) * weights
    totals = contributions.sum(axis=1)
    ids = candidates.ids[rows]
    if diversity > 0:
        matrix = candidates.fields_in(config.space)["description"][0][rows]
        picked = {i for i, _ in mmr(None, matrix, np.arange(len(rows)), k, diversity, relevance=totals)}
        chosen = [i for i in _order(totals, ids) if i in picked]
    else:
        chosen = list(_order(totals, ids)[:k])
    pairs = []
    for j in chosen:
        other, other_vectors = candidates.profiles[rows[j]], candidates.vectors[rows[j]]
        if anchor.kind == "startup":
            pairs.append(((anchor, anchor_vectors), (other, other_vectors)))
        else:
            pairs.append(((other, other_vectors), (anchor, anchor_vectors)))
    model_id = encoder.model_id if encoder is not None else ""
    if encoder is not None:
        sentences = []
        for j, ((startup, _), (other, _)) in zip(chosen, pairs, strict=True):
            agreeing = {name: contributions[j, COMPONENTS.index(name)] > 0 for name in TEXT_COMPONENTS}
            sentences += _phrase_sentences(startup, other, agreeing)
        encoder = PrefetchedEncoder(encoder, sentences)
    return [
        build_match(s, sv, o, ov, sims[j], config, lexical, encoder, model_id)
        for j, ((s, sv), (o, ov)) in zip(chosen, pairs, strict=True)
    ]
