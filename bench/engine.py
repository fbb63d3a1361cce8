"""Benchmark of the matching engine against plain sentence-transformers baselines, in one run.

Not a test: it never fails on a slow machine, it only measures and prints. Every row that uses the
engine is printed next to the baseline measured in the same process on the same data.

Sections
  1. Embedding throughput on the real startup descriptions (one_liner + long_description):
     plain ``SentenceTransformer.encode`` (baseline), the engine's ``SentenceTransformerEncoder``,
     the app's path ``embed_profiles`` (which also embeds every sentence), and the database cache
     ``StoredEmbeddings`` cold, then warm after a simulated restart (new engine, session, encoder).
  2. Top-20 latency of one query over 1k .. 1M unit vectors (384-d float32): ``ranking.top_k``
     against ``sentence_transformers.util.semantic_search`` on the same vectors, with a check that
     both return the same 20 ids.
  3. Refreshing one organisation's matches at 10k organisations: ``rank_startups_for`` for one
     partner over 10,000 startup profiles against a plain cosine top-k on description vectors;
     then the service-level refresh ``matching.refresh_matches_for`` in a Flask app on a temporary
     SQLite file (hashing encoder) for one partner and one startup.
  4. Peak memory: ru_maxrss after each section, and the 1M matrix size and tracemalloc peak.

The real descriptions are read from ../shared/data/startups_dev.jsonl (beside the checkout) and
never copied into the repository; the script exits with a message when the file is absent.

Each section lives in its own module (embedding.py, topk.py, ranking.py, service.py) on the shared
harness (harness.py); this script runs them in order, because later sections reuse the vectors the
first one computed.

Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/engine.py            # full run (see bench/README.md for timings)
    HF_HUB_OFFLINE=1 .venv/bin/python bench/engine.py --quick    # smoke run (500 texts, N <= 100k)
    HF_HUB_OFFLINE=1 .venv/bin/python bench/engine.py --json     # tables on stderr, JSON on stdout

Options: --texts N (cut the corpus), --threads T (torch threads, default 2), --sizes 1000,10000 (top-k
corpus sizes), --startups N (engine refresh), --orgs N (service refresh), --skip-service, --plain-embed
(also time embed_profiles without the cache; on by default with --quick, off in the full run because
it would embed the ~20k strings a second time).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import harness  # noqa: F401  (sets the offline flags and sys.path before numpy and matchmaker load)
from embedding import print_embedding, section_embed
from harness import (
    DATA_PATH,
    error_text,
    fmt,
    load_average,
    load_texts,
    machine_info,
    out,
    rss_now_mb,
    rss_peak_mb,
    set_output,
    table,
)
from ranking import PARTNER_DESCRIPTION, PARTNER_OFFERS, PARTNER_SEEKS, print_refresh, section_refresh
from service import print_service, section_service
from topk import print_topk, section_topk


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 texts, N up to 100k, 2,000 organisations")
    parser.add_argument("--texts", type=int, default=None, help="number of real descriptions (default all)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--sizes", type=str, default=None, help="top-k corpus sizes, e.g. 1000,10000")
    parser.add_argument("--startups", type=int, default=None, help="startups in the engine refresh (10,000)")
    parser.add_argument(
        "--orgs", type=int, default=None, help="organisations in the service refresh (10,000)"
    )
    parser.add_argument(
        "--plain-embed",
        action="store_true",
        help="also time embed_profiles without the cache (default with --quick; a full run "
        "would embed the ~20k strings twice)",
    )
    parser.add_argument("--skip-service", action="store_true", help="skip the Flask/SQLite refresh")
    parser.add_argument("--json", action="store_true", help="JSON on stdout, tables on stderr")
    args = parser.parse_args(argv)
    if args.json:
        set_output(sys.stderr)

    texts_n = args.texts or (500 if args.quick else None)
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000])
    )
    n_startups = args.startups or (2_000 if args.quick else 10_000)
    n_orgs = args.orgs or (2_000 if args.quick else 10_000)

    started = time.perf_counter()
    import torch

    torch.set_num_threads(args.threads)
    info = machine_info(args.threads)
    results: dict[str, Any] = {"machine": info, "options": vars(args), "memory": []}
    out("matchmaker engine benchmark" + (" (--quick)" if args.quick else ""))
    out(
        f"  cpu: {info['cpu_count']} x {info.get('cpu_model', '')}, memory {info.get('memory_gb', '?')} GB; "
        f"torch {info['torch']} threads {info['torch_threads']}; sentence-transformers "
        f"{info['sentence_transformers']}; numpy {info['numpy']}; scikit-learn {info['scikit_learn']}; "
        f"python {info['python']}"
    )
    out(f"  data: {DATA_PATH}; load average at start {load_average()} (other processes share the cores)")
    out()

    def memory_mark(section: str, seconds: float) -> None:
        results["memory"].append(
            {
                "after": section,
                "ru_maxrss_mb": rss_peak_mb(),
                "rss_now_mb": rss_now_mb(),
                "section_s": seconds,
                "load_average": load_average(),
            }
        )

    rows = load_texts(texts_n)
    section_start = time.perf_counter()
    embedded = section_embed(rows, args.threads, args.plain_embed or args.quick, results)
    memory_mark("1 embedding", time.perf_counter() - section_start)
    print_embedding(results)

    section_start = time.perf_counter()
    real_query = embedded["encoder"].encode([" ".join((PARTNER_DESCRIPTION, PARTNER_OFFERS, PARTNER_SEEKS))])[
        0
    ]
    section_topk(sizes, embedded["baseline"], real_query, results)
    memory_mark("2 top-k", time.perf_counter() - section_start)
    print_topk(results)

    section_start = time.perf_counter()
    try:
        section_refresh(embedded, n_startups, embedded["encoder"], results)
    except Exception as exc:
        results["refresh_engine_error"] = error_text(exc)
        out(f"3a. engine-level refresh failed: {error_text(exc)}")
    print_refresh(results)
    memory_mark("3a engine refresh", time.perf_counter() - section_start)

    section_start = time.perf_counter()
    if args.skip_service:
        results["refresh_service"] = {"status": "not measured: --skip-service"}
    else:
        try:
            section_service(rows, n_orgs, results)
        except Exception as exc:
            results["refresh_service"] = {"status": f"error: {error_text(exc)}"}
    print_service(results)
    memory_mark("3b service refresh", time.perf_counter() - section_start)

    out("4. Peak memory (ru_maxrss is the process peak so far; it never goes down)")
    table(
        ["after section", "section s", "ru_maxrss MiB", "RSS now MiB", "load avg 1/5/15 min"],
        [
            [
                m["after"],
                fmt(m["section_s"], 1),
                fmt(m["ru_maxrss_mb"], 0),
                fmt(m["rss_now_mb"], 0),
                m["load_average"],
            ]
            for m in results["memory"]
        ],
    )
    total = time.perf_counter() - started
    results["total_s"] = total
    out()
    out(f"total run time: {total:.0f} s ({total / 60:.1f} min)")
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
