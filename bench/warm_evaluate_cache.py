"""Fill `evaluate`'s embedding cache in small saved steps, so a slow or shared machine keeps its
progress when a run is cut short.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/warm_evaluate_cache.py --train TRAIN.jsonl --test TEST.jsonl \\
        --pairs bench/data/ko_en_pairs.jsonl --embedding-cache /tmp/eval.npz [--model usem3]

Embeds, with the engine's model, every string `python -m matchmaker.evaluation.evaluate` sends to it
(the test descriptions and their sentences first, then the pairs, the partner queries, the train
descriptions, one-liners and sector texts) and saves the cache after every chunk, into the same
per-model file `evaluate --embedding-cache` reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import harness  # noqa: F401  (offline settings, repository on sys.path)

from matchmaker.engine.encoder import CachingEncoder
from matchmaker.engine.multilingual import make_encoder
from matchmaker.engine.profiles import field_texts_to_encode
from matchmaker.engine.text import normalise_text
from matchmaker.evaluation.evaluate import (
    _cache_file,
    description_of,
    log,
    partner_queries,
    read_jsonl,
    sector_text_of,
)

CHUNK = 300


def _part_file(path: str, part: int) -> str:
    return str(Path(path).with_suffix(f".part{part}.npz"))


def main() -> int:
    """Embed what evaluate needs, saving after each chunk."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--pairs", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--embedding-cache", required=True)
    parser.add_argument(
        "--part",
        default="1/1",
        help="K/N: embed only the K-th of N slices of what is missing, into the cache file with "
        "'.partK' before the suffix (run N at once on N cores; --merge N joins them)",
    )
    parser.add_argument("--merge", type=int, default=0, help="join N part files into the cache and stop")
    args = parser.parse_args()
    train, test = read_jsonl(args.train), read_jsonl(args.test)
    pairs = read_jsonl(args.pairs) if args.pairs else []
    encoder = CachingEncoder(make_encoder(args.model))
    path = _cache_file(args.embedding_cache, encoder) or args.embedding_cache
    if Path(path).exists():
        log(f"loaded {encoder.load(path)} cached embeddings from {path}")
    if args.merge:
        for k in range(1, args.merge + 1):
            log(f"part {k}: {encoder.load(_part_file(path, k))} embeddings")
        encoder.save(path)
        return 0
    part, parts = (int(x) for x in args.part.split("/"))
    if parts > 1:
        path = _part_file(path, part)
    fields = (
        [description_of(r) for r in test]
        + [p[side] for p in pairs for side in ("ko", "en")]
        + [q for _, q in partner_queries(train, test)]
        + [description_of(r) for r in train]
        + [r.get("one_liner") or "" for r in train]
    )
    strings = [s for text in fields for s in field_texts_to_encode(text)]
    strings += [sector_text_of(r) for r in test + train]
    todo = [s for s in dict.fromkeys(s for s in strings if s) if normalise_text(s) not in encoder._cache]
    size = -(-len(todo) // parts)
    todo = todo[(part - 1) * size : part * size]
    log(f"{len(todo)} distinct strings")
    for start in range(0, len(todo), CHUNK):
        encoder.encode(todo[start : start + CHUNK])
        encoder.save(path)
        log(f"{min(start + CHUNK, len(todo))}/{len(todo)} embedded, saved to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
