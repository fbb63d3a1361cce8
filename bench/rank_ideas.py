"""Ideas for the default ranking (issue 22), measured on a validation year inside TRAIN, then once on TEST.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python bench/rank_ideas.py --train TRAIN.jsonl --test TEST.jsonl \\
        --embedding-cache /tmp/eval.npz [--lexical-glossary] [--model hashing]

Re-implements `evaluate`'s as-deployed scores with matrices (similar startups: description cosine and
lexical cosine, each calibrated, weighted as for a partner; partner queries: the seeks-description
cosine and the lexical component, weighted as `rank_startups_for` weighs them) and measures, next to
that baseline in the same run:

- rrf: reciprocal rank fusion (k=60) of the semantic and lexical rankings instead of the weighted sum;
- prf: pseudo-relevance feedback, the query vector plus beta times the mean of its m best results;
- sentences: a startup's best-matching sentence blended with its whole description;
- qe (similar startups only): each startup's vector plus alpha times the mean of its m nearest.

Each idea's setting is chosen on the last year of TRAIN (fit on the earlier ones); TEST is reported
once per idea with a paired bootstrap interval against the baseline. Warm the cache first with
`bench/warm_evaluate_cache.py` (same arguments): on the shared machine the model embeds ~11 strings/s.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from typing import Any

import harness  # noqa: F401  (offline settings, repository on sys.path)
import numpy as np

from matchmaker.engine.encoder import CachingEncoder, l2_normalise
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.profiles import embed_texts, field_texts_to_encode
from matchmaker.engine.scoring import calibrate
from matchmaker.evaluation.evaluate import (
    _cache_file,
    _stack,
    as_deployed_config,
    description_of,
    log,
    ndcg_at_k,
    paired_bootstrap,
    partner_queries,
    precision_rows,
    read_jsonl,
    subindustry_of,
)

K = 10
RRF_K = 60


class World:
    """One (train, test) split's matrices, computed once."""

    def __init__(self, train: list[dict], test: list[dict], encoder: Any, glossary: bool) -> None:
        self.config = as_deployed_config(encoder.model_id)
        self.test, self.queries = test, partner_queries(train, test)
        self.texts = [description_of(r) for r in test]
        self.vectors = _stack(embed_texts(self.texts, encoder), encoder.dimension)
        self.sentences = [l2_normalise(encoder.encode(field_texts_to_encode(t) or [""])) for t in self.texts]
        seeks = [q for _, q in self.queries]
        self.query_vectors = _stack(embed_texts(seeks, encoder), encoder.dimension)
        self.query_sentences = [l2_normalise(encoder.encode(field_texts_to_encode(q))) for q in seeks]
        lexical = LexicalIndex(glossary=glossary)
        lexical.fit([description_of(r) for r in train] + self.texts + seeks)
        words, asked = lexical.transform(self.texts), lexical.transform(seeks)
        floor, ceiling = self.config.lexical_floor, self.config.lexical_ceiling
        self.lexical = calibrate((words @ words.T).toarray(), floor, ceiling)
        self.query_lexical = calibrate((asked @ words.T).toarray(), floor, ceiling)
        self.labels = [subindustry_of(r) for r in test]
        self.ids = np.array([r["id"] for r in test])
        weights = self.config.weights_for("partner")
        self.w_desc, self.w_lex, self.w_seek = (
            weights["description"],
            weights["lexical"],
            weights["offers_seeks"],
        )

    def cal(self, cosine: np.ndarray) -> np.ndarray:
        return calibrate(cosine, self.config.cosine_floor, self.config.cosine_ceiling)

    # ---- similar startups (P@10 per test startup)
    def p10(self, similarity: np.ndarray) -> np.ndarray:
        return precision_rows(similarity, self.labels, self.ids)

    def similar(self, idea: str, **s: Any) -> np.ndarray:
        vectors = self.vectors
        if idea == "qe":
            cos = vectors @ vectors.T
            np.fill_diagonal(cos, -np.inf)
            nearest = np.argsort(-cos, axis=1)[:, : s["m"]]
            vectors = l2_normalise(vectors + s["alpha"] * vectors[nearest].mean(axis=1))
        semantic = self.cal(vectors @ vectors.T)
        if idea == "rrf":
            return self.p10(_rrf(semantic, self.lexical))
        return self.p10(self.w_desc * semantic + self.w_lex * self.lexical)

    # ---- partner queries (nDCG@10 per query)
    def ndcg(self, scores: np.ndarray) -> np.ndarray:
        out = []
        for (label, _), row in zip(self.queries, scores, strict=True):
            order = np.lexsort((self.ids, -row))[:K]
            out.append(ndcg_at_k([self.labels[i] == label for i in order], self.labels.count(label)))
        return np.array(out)

    def partner(self, idea: str, **s: Any) -> np.ndarray:
        cos = self.query_vectors @ self.vectors.T
        if idea == "sentences":
            best = np.array(
                [
                    [float((q @ sentences.T).max(axis=1).mean()) for sentences in self.sentences]
                    for q in self.query_sentences
                ]
            )
            cos = (1 - s["share"]) * cos + s["share"] * best
        base = self.w_seek * self.cal(cos) + self.w_lex * self.query_lexical
        if idea == "prf":
            top = np.argsort(-base, axis=1)[:, : s["m"]]
            expanded = l2_normalise(self.query_vectors + s["beta"] * self.vectors[top].mean(axis=1))
            base = self.w_seek * self.cal(expanded @ self.vectors.T) + self.w_lex * self.query_lexical
        if idea == "rrf":
            return self.ndcg(_rrf(self.cal(cos), self.query_lexical))
        return self.ndcg(base)


def _rrf(semantic: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion of two score matrices, row by row."""
    ranks = [np.argsort(np.argsort(-m, axis=1), axis=1) for m in (semantic, lexical)]
    return sum(1.0 / (RRF_K + 1 + r) for r in ranks)  # type: ignore[return-value]


SIMILAR_IDEAS: dict[str, dict[str, tuple[Any, ...]]] = {
    "baseline": {},
    "rrf": {},
    "qe": {"alpha": (0.3, 0.6, 1.0), "m": (3, 5, 10)},
}
PARTNER_IDEAS: dict[str, dict[str, tuple[Any, ...]]] = {
    "baseline": {},
    "rrf": {},
    "prf": {"beta": (0.3, 0.6, 1.0), "m": (3, 5, 10)},
    "sentences": {"share": (0.25, 0.5, 0.75)},
}


def _grid(options: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(options, values, strict=True)) for values in itertools.product(*options.values())]


def _choose(
    ideas: dict[str, dict[str, tuple[Any, ...]]], measure: Callable[..., np.ndarray]
) -> dict[str, tuple[dict[str, Any], float]]:
    chosen = {}
    for idea, options in ideas.items():
        trials = [(s, float(np.mean(measure(idea, **s)))) for s in _grid(options)]
        chosen[idea] = max(trials, key=lambda t: t[1])
        log(f"validation {idea}: " + ", ".join(f"{s} {v:.3f}" for s, v in trials))
    return chosen


def main() -> int:
    """Choose each idea's setting on the validation year, then report TEST once per idea."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--model", default=None)
    parser.add_argument("--embedding-cache", default=None)
    parser.add_argument("--lexical-glossary", action="store_true")
    args = parser.parse_args()
    train, test = read_jsonl(args.train), read_jsonl(args.test)
    encoder = CachingEncoder(make_encoder(args.model))
    path = _cache_file(args.embedding_cache, encoder)
    if path:
        try:
            log(f"loaded {encoder.load(path)} cached embeddings")
        except FileNotFoundError:
            log("no embedding cache yet")
    last = max(int(r["year"]) for r in train)
    fit = [r for r in train if int(r["year"]) < last]
    validation = [r for r in train if int(r["year"]) == last]
    log(f"validation: fit {len(fit)}, validate {len(validation)} ({last}); test {len(test)}")
    valid = World(fit, validation, encoder, args.lexical_glossary)
    similar = _choose(SIMILAR_IDEAS, valid.similar)
    partner = _choose(PARTNER_IDEAS, valid.partner)
    world = World(train, test, encoder, args.lexical_glossary)
    if path:
        encoder.save(path)
    base_p, base_n = world.similar("baseline"), world.partner("baseline")
    setting = f"setting (chosen on {last})"
    print(f"{'idea':<12} {'task':<9} {setting:<32} {'val':>6} {'test':>6}  gain [95%]")
    for task, chosen, measure, base in (
        ("P@10", similar, world.similar, base_p),
        ("nDCG@10", partner, world.partner, base_n),
    ):
        for idea, (settings, val) in chosen.items():
            rows = measure(idea, **settings)
            g = paired_bootstrap(rows, base)
            print(
                f"{idea:<12} {task:<9} {str(settings):<32} {val:6.3f} {rows.mean():6.3f}"
                f"  {g['gain']:+.3f} [{g['low']:+.3f}, {g['high']:+.3f}]"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
