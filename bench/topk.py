"""Section 2: top-20 latency of one query over 1k .. 1M unit vectors (384-d float32).

``ranking.top_k`` against ``sentence_transformers.util.semantic_search`` on the same vectors, with a
check that both return the same 20 ids. Run by bench/engine.py.
"""

from __future__ import annotations

import gc
import statistics
import tracemalloc
from typing import Any

import harness  # noqa: F401  (sets the offline flags and sys.path before numpy and matchmaker load)
import numpy as np
from harness import (
    SEED,
    fmt,
    interleaved,
    log,
    ms,
    out,
    p95,
    table,
)

DIM = 384
TOP = 20


def _synthetic(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = np.empty((n, DIM), dtype=np.float32)
    chunk = 100_000
    for start in range(0, n, chunk):
        block = rng.standard_normal((min(chunk, n - start), DIM), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        matrix[start : start + len(block)] = block
    return matrix


def section_topk(
    sizes: list[int], real: np.ndarray | None, real_query: np.ndarray | None, results: dict[str, Any]
) -> None:
    rows: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    cases: list[tuple[str, int]] = [("synthetic", n) for n in sizes]
    if real is not None and real_query is not None:
        cases += [("real" if n <= len(real) else "real tiled", n) for n in sizes if n <= 10_000]
    for corpus, n in cases:
        log(f"section 2: top-{TOP} over {n:,} {corpus} vectors")
        if corpus == "synthetic":
            if n >= 1_000_000:
                tracemalloc.start()
                matrix = _synthetic(n, SEED)
                build_peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                memory.update(
                    {
                        "matrix_rows": n,
                        "matrix_mb": matrix.nbytes / 2**20,
                        "build_tracemalloc_peak_mb": build_peak / 2**20,
                    }
                )
            else:
                matrix = _synthetic(n, SEED)
            query = _synthetic(1, SEED + 1)[0]
        else:
            assert real is not None and real_query is not None
            matrix = np.ascontiguousarray(np.tile(real, (-(-n // len(real)), 1))[:n])
            query = real_query
        rows.append(_topk_case(corpus, matrix, query, memory))
        del matrix
        gc.collect()
    results["top_k"] = rows
    results["top_k_memory"] = memory


def _topk_case(corpus: str, matrix: np.ndarray, query: np.ndarray, memory: dict[str, Any]) -> dict[str, Any]:
    """Time engine top_k against semantic_search (cos and dot) on one matrix, interleaved."""
    import torch
    from sentence_transformers import util

    from matchmaker.engine.ranking import top_k

    n = len(matrix)
    ids = np.arange(n)
    runs = 30 if n <= 100_000 else 5
    corpus_t = torch.from_numpy(matrix)  # shares memory; prepared outside the timing
    query_t = torch.from_numpy(query[None, :].copy())

    def engine() -> Any:
        return top_k(query, matrix, ids, TOP)

    def cos() -> Any:
        return util.semantic_search(query_t, corpus_t, top_k=TOP)

    def dot() -> Any:
        return util.semantic_search(query_t, corpus_t, top_k=TOP, score_function=util.dot_score)

    for fn in (engine, cos, dot):
        fn()  # warm-up
    (engine_times, cos_times, dot_times), (engine_hits, cos_hits, dot_hits) = interleaved(
        [engine, cos, dot], runs
    )
    if n >= 1_000_000:
        tracemalloc.start()
        engine()
        memory["top_k_tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    engine_ids = [i for i, _ in engine_hits]
    engine_scores = np.array([s for _, s in engine_hits])
    return {
        "corpus": corpus,
        "n": n,
        "runs": runs,
        "top_k_median_s": statistics.median(engine_times),
        "top_k_p95_s": p95(engine_times),
        "semantic_search_median_s": statistics.median(cos_times),
        "semantic_search_p95_s": p95(cos_times),
        "semantic_search_dot_median_s": statistics.median(dot_times),
        "same_top20": _same(engine_ids, engine_scores, cos_hits[0]),
        "same_top20_dot": _same(engine_ids, engine_scores, dot_hits[0]),
    }


def _same(engine_ids: list[int], engine_scores: np.ndarray, hits: list[dict[str, Any]]) -> str:
    other_ids = [int(h["corpus_id"]) for h in hits]
    if other_ids == engine_ids:
        return "yes"
    if set(other_ids) == set(engine_ids):
        return "yes (order)"
    other_scores = np.sort(np.array([h["score"] for h in hits]))[::-1]
    if np.allclose(other_scores, engine_scores, atol=1e-5):
        return "yes (ties)"  # duplicated rows: same scores, another copy's id
    return "NO"


def print_topk(results: dict[str, Any]) -> None:
    out(f"2. Top-{TOP} latency for one query (384-d float32 unit rows), ms")
    table(
        [
            "corpus",
            "N",
            "runs",
            "top_k med",
            "top_k p95",
            "sem_search med",
            "sem_search p95",
            "sem_search(dot) med",
            "same top-20",
            "speed-up",
        ],
        [
            [
                r["corpus"],
                fmt(r["n"]),
                r["runs"],
                ms(r["top_k_median_s"]),
                ms(r["top_k_p95_s"]),
                ms(r["semantic_search_median_s"]),
                ms(r["semantic_search_p95_s"]),
                ms(r["semantic_search_dot_median_s"]),
                r["same_top20"],
                f"{r['semantic_search_median_s'] / r['top_k_median_s']:.1f}x",
            ]
            for r in results["top_k"]
        ],
    )
    out("   top_k = matchmaker.engine.ranking.top_k (numpy matmul + argpartition, ties by id);")
    out(
        "   sem_search = sentence_transformers.util.semantic_search (cos_sim normalises the corpus per call);"
    )
    out(
        "   sem_search(dot) = the same with score_function=dot_score. 'real tiled' repeats rows: expect ties."
    )
    memory = results.get("top_k_memory") or {}
    if memory:
        out(
            f"   1M matrix: {memory['matrix_mb']:,.0f} MiB; tracemalloc peak while building it "
            f"{memory['build_tracemalloc_peak_mb']:,.0f} MiB; during one top_k call "
            f"{memory.get('top_k_tracemalloc_peak_mb', 0):,.1f} MiB"
        )
    out()


# ---------------------------------------------------------------------------- section 3: refresh
