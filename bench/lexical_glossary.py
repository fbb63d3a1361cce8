"""Does the glossary in the lexical component help? The engine's metrics with it and without, one run.

    nice -n 10 .venv/bin/python bench/lexical_glossary.py --train TRAIN.jsonl --test TEST.jsonl \\
        --pairs bench/data/ko_en_pairs.jsonl [--embedding-cache /tmp/eval.npz]

The same functions as `python -m matchmaker.evaluation.evaluate` (its "as deployed" part: what the app
ranks with, lexical component included; with `--engine` also its engine part, which embeds TRAIN too;
`evaluate --lexical-glossary` runs everything with it), on the same embeddings, once with
MATCHMAKER_LEXICAL_GLOSSARY's setting off and once on. The glossary
changes only the lexical component, so sector F1 and `crosslingual_top1` (description vectors alone)
are printed to show they do not move; `crosslingual_shared_words` is the share of Korean/English pairs
for which "shared words" has something to show. It prints a table; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.evaluation import evaluate  # noqa: E402

METRICS = (
    "sector_macro_f1",
    "similar_p_at_10",
    "partner_ndcg_at_10",
    "as_deployed_similar_p_at_10",
    "as_deployed_partner_ndcg_at_10",
    "crosslingual_top1",
    "crosslingual_shared_words",
)


def crosslingual(pairs: list[dict], test: list[dict], encoder: evaluate.Encoder) -> dict[str, float]:
    """`crosslingual_top1` and `crosslingual_shared_words` exactly as `evaluate_engine` computes them."""
    texts = [evaluate.description_of(r) for r in test]
    ranks = evaluate.crosslingual_ranks(pairs, texts, encoder)
    lexical = evaluate.LexicalIndex(min_df=2, **evaluate._LEXICAL_OPTIONS).fit(
        texts + [p["ko"] for p in pairs]
    )
    shared = [bool(lexical.shared_terms(p["ko"], p["en"])) for p in pairs]
    return {
        "crosslingual_top1": sum(r == 1 for r in ranks) / len(ranks),
        "crosslingual_shared_words": sum(shared) / len(shared),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--model", default=None)
    parser.add_argument("--embedding-cache", default=None)
    parser.add_argument(
        "--engine",
        action="store_true",
        help="also the engine's own metrics (sectors, the space fitted on sub-industries): embeds TRAIN too",
    )
    args = parser.parse_args()
    train, test = evaluate.read_jsonl(args.train), evaluate.read_jsonl(args.test)
    pairs = evaluate.read_jsonl(args.pairs)
    encoder = evaluate._cached(args.model, None)
    cache = evaluate._cache_file(args.embedding_cache, encoder)
    encoder = evaluate._cached(args.model, cache)
    queries = evaluate.partner_queries(train, test)
    results = {}
    for glossary in (False, True):
        evaluate._LEXICAL_OPTIONS["glossary"] = glossary
        metrics = evaluate.evaluate_as_deployed(train, test, encoder, queries)
        if args.engine:
            metrics.update(evaluate.evaluate_engine(train, test, encoder, queries, pairs))
        else:  # the pairs' metrics alone, as evaluate_engine computes them
            metrics.update(crosslingual(pairs, test, encoder))
        results[glossary] = metrics
        if cache:
            encoder.save(cache)
    print(f"{len(train)} train, {len(test)} test, {len(queries)} partner queries, {len(pairs)} pairs")
    print(f"{'metric':<32} {'without':>8} {'with':>8} {'change':>8}")
    for name in (m for m in METRICS if m in results[False]):
        off, on = results[False][name], results[True][name]
        print(f"{name:<32} {off:8.3f} {on:8.3f} {on - off:+8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
