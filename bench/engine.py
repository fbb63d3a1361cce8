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
     then, if ``matchmaker.services.matching.refresh_matches_for`` exists, the service-level refresh
     in a Flask app on a temporary SQLite file (hashing encoder) for one partner and one startup.
  4. Peak memory: ru_maxrss after each section, and the 1M matrix size and tracemalloc peak.

The real descriptions are read from ../shared/data/startups_dev.jsonl (beside the checkout) and
never copied into the repository; the script exits with a message when the file is absent.

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
import gc
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

DATA_PATH = REPO_ROOT.parent / "shared" / "data" / "startups_dev.jsonl"
DIM = 384
SEED = 20240601
TOP = 20

PARTNER_DESCRIPTION = (
    "A regional automotive and energy group that builds electric vehicles and runs a grid-scale "
    "battery storage business. We operate two vehicle plants and a network of charging stations."
)
PARTNER_OFFERS = (
    "Pilot projects on our production lines. Access to fleet and charging data. "
    "Purchasing contracts for proven suppliers and a test track for autonomous vehicles."
)
PARTNER_SEEKS = (
    "Startups with battery management software or new cell chemistry. "
    "Computer vision for autonomous driving and factory inspection. "
    "Predictive maintenance and energy optimisation with machine learning."
)
COUNTERPART_TEMPLATES = [
    (
        "Clinical trial sites and hospital data partnerships. Co-development with our R&D team.",
        "Digital health, medical imaging AI and remote patient monitoring startups.",
    ),
    (
        "Studio space, distribution deals and marketing budget for new content formats.",
        "Creator tools, streaming technology, games and interactive media.",
    ),
    (
        "Rooftops and substations for pilots, power purchase agreements and grid data.",
        "Solar, storage, hydrogen and demand response software.",
    ),
    (
        "Test vehicles, supplier onboarding and a proving ground for mobility pilots.",
        "Autonomous driving, EV charging, fleet software and vehicle cybersecurity.",
    ),
]

_log_out = sys.stdout


def log(message: str) -> None:
    """Progress line on stderr (tables go to stdout unless --json)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def out(line: str = "") -> None:
    print(line, file=_log_out, flush=True)


# ----------------------------------------------------------------------------------------- helpers


def rss_peak_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def rss_now_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def repeat(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        seconds, result = timed(fn)
        times.append(seconds)
    return times, result


def interleaved(fns: Sequence[Callable[[], Any]], runs: int) -> tuple[list[list[float]], list[Any]]:
    """Run each function `runs` times, alternating them so that both see the same machine load."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(runs):
        for j, fn in enumerate(fns):
            seconds, results[j] = timed(fn)
            times[j].append(seconds)
    return times, results


def load_average() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.3f}" if seconds < 0.01 else f"{seconds * 1000:.1f}"


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        out(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out("  ".join("-" * w for w in widths))


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:160]


def load_texts(limit: int | None) -> list[dict[str, Any]]:
    if not DATA_PATH.exists():
        sys.exit(
            f"bench/engine.py: {DATA_PATH} not found. It holds the real startup descriptions; "
            "put the shared/ data folder beside the checkout (it is never copied into the repo)."
        )
    rows = []
    with DATA_PATH.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                text = " ".join(
                    p for p in (row.get("one_liner") or "", row.get("long_description") or "") if p
                )
                rows.append({"id": row.get("id"), "name": row.get("name") or "", "text": text.strip()})
    rows = [r for r in rows if r["text"]]
    return rows[:limit] if limit else rows


def machine_info(threads: int) -> dict[str, Any]:
    import sklearn
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": "",
        "torch": torch.__version__,
        "torch_threads": threads,
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
    }
    try:
        import sentence_transformers

        info["sentence_transformers"] = sentence_transformers.__version__
    except Exception as exc:  # pragma: no cover - reported, not fatal
        info["sentence_transformers"] = error_text(exc)
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


# ------------------------------------------------------------------------------ section 1: embed


def section_embed(
    rows: list[dict[str, Any]], threads: int, plain_embed: bool, results: dict[str, Any]
) -> dict[str, Any]:
    import torch
    from sentence_transformers import SentenceTransformer

    from matchmaker.engine.encoder import SentenceTransformerEncoder, packaged_model_path
    from matchmaker.engine.profiles import Profile, embed_profiles, field_texts_to_encode
    from matchmaker.engine.text import normalise_text

    torch.set_num_threads(threads)
    texts = [r["text"] for r in rows]
    n = len(texts)
    table_rows: list[dict[str, Any]] = []
    path = packaged_model_path()
    log(f"section 1: embedding {n} texts with torch threads = {torch.get_num_threads()}")

    # Baseline: plain sentence-transformers.
    load_s, model = timed(lambda: SentenceTransformer(path, device="cpu"))
    model.encode(texts[:64], batch_size=64, normalize_embeddings=True)  # warm-up, not timed
    seconds, baseline = timed(lambda: model.encode(texts, batch_size=64, normalize_embeddings=True))
    baseline = np.asarray(baseline, dtype=np.float32)
    table_rows.append(
        {
            "path": "baseline SentenceTransformer.encode",
            "texts": n,
            "strings": n,
            "seconds": seconds,
            "load_s": load_s,
            "note": "batch 64, normalize_embeddings",
        }
    )
    log(f"  baseline {seconds:.1f}s")

    # The engine's encoder (its own model instance, loaded lazily on first encode).
    encoder = SentenceTransformerEncoder(batch_size=64, num_threads=threads)
    load_s, _ = timed(lambda: encoder.encode(texts[:64]))  # load + warm-up, not timed
    seconds, engine_vectors = timed(lambda: encoder.encode(texts))
    cosines = np.einsum("ij,ij->i", engine_vectors, baseline)
    changed = sum(normalise_text(t) != t for t in texts)
    table_rows.append(
        {
            "path": "engine SentenceTransformerEncoder.encode",
            "texts": n,
            "strings": n,
            "seconds": seconds,
            "load_s": load_s,
            "note": f"min cos vs baseline {cosines.min():.4f} ({changed:,} texts altered by NFKC/whitespace)",
        }
    )
    log(f"  engine encoder {seconds:.1f}s")
    if torch.get_num_threads() != threads:
        log(f"  note: torch threads changed to {torch.get_num_threads()}")

    profiles = [
        Profile(id=i + 1, kind="startup", name=r["name"], description=r["text"]) for i, r in enumerate(rows)
    ]
    strings = len({p for t in texts for p in field_texts_to_encode(t)})
    vectors = None
    try:
        from matchmaker.services.embeddings import StoredEmbeddings  # noqa: F401
    except ImportError as exc:
        stored_missing = f"not measured: {error_text(exc)}"
    else:
        stored_missing = ""
    if plain_embed or stored_missing:
        seconds, vectors = timed(lambda: embed_profiles(profiles, encoder))
        table_rows.append(
            {
                "path": "engine embed_profiles (plain encoder)",
                "texts": n,
                "strings": strings,
                "seconds": seconds,
                "load_s": None,
                "note": f"whole text + {strings - n:,} sentences",
            }
        )
        log(f"  embed_profiles {seconds:.1f}s ({strings} strings)")
    if stored_missing:
        table_rows.append(
            {
                "path": "StoredEmbeddings",
                "texts": n,
                "strings": None,
                "seconds": None,
                "load_s": None,
                "note": stored_missing,
            }
        )
    else:
        try:
            stored_rows, stored_vectors = _stored_embeddings_rows(profiles, encoder, strings)
            table_rows.extend(stored_rows)
            vectors = vectors or stored_vectors
        except Exception as exc:
            table_rows.append(
                {
                    "path": "StoredEmbeddings",
                    "texts": n,
                    "strings": None,
                    "seconds": None,
                    "load_s": None,
                    "note": f"error: {error_text(exc)}",
                }
            )
            if vectors is None:
                vectors = embed_profiles(profiles, encoder)

    for row in table_rows:
        if row["seconds"]:
            row["texts_per_s"] = row["texts"] / row["seconds"]
            row["strings_per_s"] = (row["strings"] or 0) / row["seconds"]
    results["embedding"] = table_rows
    return {
        "texts": texts,
        "baseline": baseline,
        "profiles": profiles,
        "vectors": vectors,
        "encoder": encoder,
    }


def _stored_embeddings_rows(
    profiles: list[Any], encoder: Any, strings: int
) -> tuple[list[dict[str, Any]], Any]:
    """embed_profiles through StoredEmbeddings (the app path): cold, then warm after a simulated restart."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from matchmaker.engine.encoder import SentenceTransformerEncoder
    from matchmaker.engine.profiles import embed_profiles
    from matchmaker.models import Base, Embedding
    from matchmaker.services.embeddings import StoredEmbeddings

    n = len(profiles)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="matchmaker-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'embeddings.sqlite'}"
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            stored = StoredEmbeddings(encoder, session)

            def cold() -> Any:
                result = embed_profiles(profiles, stored)
                session.commit()
                return result

            seconds, vectors = timed(cold)
            count = session.scalar(select(func.count()).select_from(Embedding))
        rows.append(
            {
                "path": "embed_profiles + StoredEmbeddings, cold (app path)",
                "texts": n,
                "strings": strings,
                "seconds": seconds,
                "load_s": None,
                "note": f"whole texts + {strings - n:,} sentences; embedded {stored.embedded_texts:,}, "
                f"stored {count:,} rows (temp SQLite file)",
            }
        )
        log(f"  StoredEmbeddings cold {seconds:.1f}s")
        engine.dispose()

        # A restart: new engine, session and (unloaded) encoder; nothing should be embedded.
        engine = create_engine(url)
        fresh_encoder = SentenceTransformerEncoder(batch_size=64, num_threads=encoder.num_threads)
        with Session(engine) as session:
            stored = StoredEmbeddings(fresh_encoder, session)
            seconds, _ = timed(lambda: embed_profiles(profiles, stored))
        rows.append(
            {
                "path": "embed_profiles + StoredEmbeddings, warm (restart)",
                "texts": n,
                "strings": strings,
                "seconds": seconds,
                "load_s": None,
                "note": f"embedded {stored.embedded_texts:,}; model loaded: {fresh_encoder.is_loaded}",
            }
        )
        log(f"  StoredEmbeddings warm {seconds:.2f}s, embedded {stored.embedded_texts}")
        engine.dispose()
    return rows, vectors


def print_embedding(results: dict[str, Any]) -> None:
    out("1. Embedding throughput (real descriptions: one_liner + long_description)")
    table(
        ["path", "profiles", "strings", "total s", "profiles/s", "strings/s", "load+warm s", "note"],
        [
            [
                r["path"],
                fmt(r["texts"]),
                fmt(r["strings"]),
                fmt(r["seconds"], 2),
                fmt(r.get("texts_per_s")),
                fmt(r.get("strings_per_s")),
                fmt(r["load_s"], 2),
                r["note"],
            ]
            for r in results["embedding"]
        ],
    )
    out("   strings = distinct texts sent to the model; embed_profiles also sends each sentence.")
    out()


# ------------------------------------------------------------------------------ section 2: top-k


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


def section_refresh(embedded: dict[str, Any], n_startups: int, encoder: Any, results: dict[str, Any]) -> None:
    from matchmaker.engine.lexical import LexicalIndex
    from matchmaker.engine.profiles import SECTORS, STAGES, Profile, ProfileVectors, embed_profiles
    from matchmaker.engine.ranking import rank_startups_for, top_k
    from matchmaker.engine.scoring import lexical_text

    rng = random.Random(SEED)
    base_profiles: list[Profile] = embedded["profiles"]
    base_vectors: list[ProfileVectors] = embedded["vectors"]
    startups: list[Profile] = []
    vectors: list[ProfileVectors] = []
    for i in range(n_startups):
        source = base_profiles[i % len(base_profiles)]
        startups.append(
            Profile(
                id=i + 1,
                kind="startup",
                name=f"{source.name} #{i // len(base_profiles)}",
                description=source.description,
                sectors=frozenset(rng.sample(SECTORS, rng.choice([0, 1, 1, 2]))),
                stage=rng.choice(STAGES),
                raising_usd=rng.choice([None, 500_000, 2_000_000, 10_000_000]),
            )
        )
        vectors.append(base_vectors[i % len(base_vectors)])
    partner = Profile(
        id=n_startups + 1,
        kind="partner",
        name="Bench Motors & Energy",
        description=PARTNER_DESCRIPTION,
        offers=PARTNER_OFFERS,
        seeks=PARTNER_SEEKS,
        sectors=frozenset({"automotive", "energy"}),
    )
    log(f"section 3: one partner against {n_startups:,} startups")
    partner_vecs = embed_profiles([partner], encoder)[0]
    lexical_s, lexical = timed(lambda: LexicalIndex().fit([lexical_text(p) for p in startups + [partner]]))
    candidates = list(zip(startups, vectors, strict=True))
    description_matrix = np.stack([v.description for v in vectors]).astype(np.float32)
    ids = np.array([p.id for p in startups])
    query = partner_vecs.description

    def plain_topk(k: int) -> list[int]:
        scores = description_matrix @ query
        part = np.argpartition(-scores, k - 1)[:k]
        return [int(ids[i]) for i in part[np.argsort(-scores[part])]]

    rows: list[dict[str, Any]] = []

    def add(name: str, fn: Callable[[], Any], runs: int, note: str = "", warm_up: bool = True) -> Any:
        if warm_up:
            fn()  # also fills the lexical transform cache for the partner text
        times, result = repeat(fn, runs)
        rows.append(
            {
                "path": name,
                "runs": runs,
                "median_s": statistics.median(times),
                "min_s": min(times),
                "results": len(result),
                "note": note,
            }
        )
        log(f"  {name}: median {statistics.median(times):.3f}s")
        return result

    add(
        "baseline: cosine top-50 on description vectors",
        lambda: plain_topk(50),
        30,
        "matrix @ q + argpartition; matrix stacked beforehand",
    )
    add("engine top_k(k=50) on description vectors", lambda: top_k(query, description_matrix, ids, 50), 30)
    add(
        "baseline: stack description vectors + cosine top-50",
        lambda: (np.stack([v.description for v in vectors]) @ query).argsort()[-50:],
        10,
        "what a refresh pays without a prebuilt matrix",
    )
    add(
        "rank_startups_for k=50 (lexical phrases)",
        lambda: rank_startups_for(partner, partner_vecs, candidates, lexical, k=50),
        3,
        "score all, explain the 50 best; lexical phrases",
    )
    add(
        "rank_startups_for k=20 diversity=0.3 (MMR)",
        lambda: rank_startups_for(partner, partner_vecs, candidates, lexical, k=20, diversity=0.3),
        3,
    )
    add(
        f"rank_startups_for k=all ({n_startups:,})",
        lambda: rank_startups_for(partner, partner_vecs, candidates, lexical, k=n_startups),
        1,
        "explain every candidate (what a refresh did before keeping the best 200)",
        warm_up=False,
    )
    try:
        _model_phrase_rows(partner, partner_vecs, candidates, lexical, encoder, add)
    except Exception as exc:
        rows.append(
            {
                "path": "rank_startups_for + encoder (StoredEmbeddings)",
                "runs": 0,
                "median_s": None,
                "min_s": None,
                "results": 0,
                "note": f"not measured: {error_text(exc)}",
            }
        )
    results["refresh_engine"] = {"startups": n_startups, "lexical_fit_s": lexical_s, "rows": rows}


def _model_phrase_rows(
    partner: Any,
    partner_vecs: Any,
    candidates: list[Any],
    lexical: Any,
    encoder: Any,
    add: Callable[..., Any],
) -> None:
    """rank_startups_for with encoder= (matched phrases by the model), as the app passes it."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from matchmaker.engine.ranking import rank_startups_for
    from matchmaker.models import Base
    from matchmaker.services.embeddings import StoredEmbeddings

    engine = create_engine("sqlite://")  # in memory, one connection
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        stored = StoredEmbeddings(encoder, session)

        def run() -> Any:
            return rank_startups_for(partner, partner_vecs, candidates, lexical, k=50, encoder=stored)

        add(
            "rank_startups_for k=50 + model phrases, cache cold",
            run,
            1,
            "encoder=StoredEmbeddings, empty table: phrase sentences embedded",
            warm_up=False,
        )
        embedded = stored.embedded_texts
        add(
            "rank_startups_for k=50 + model phrases, cache warm",
            run,
            3,
            f"same, every sentence cached ({embedded:,} were embedded cold)",
            warm_up=False,
        )
    engine.dispose()


def print_refresh(results: dict[str, Any]) -> None:
    data = results.get("refresh_engine")
    if not data:
        return
    out(
        f"3a. Refresh of one partner's matches at the engine level: {data['startups']:,} startup profiles, "
        "vectors precomputed"
    )
    table(
        ["path", "runs", "median s", "min s", "results", "note"],
        [
            [r["path"], r["runs"], fmt(r["median_s"], 4), fmt(r["min_s"], 4), fmt(r["results"]), r["note"]]
            for r in data["rows"]
        ],
    )
    out(
        f"   LexicalIndex.fit on the {data['startups']:,} + 1 texts (once per corpus, not per refresh): "
        f"{data['lexical_fit_s']:.2f} s"
    )
    out()


# -------------------------------------------------------------------------------- service level


def section_service(rows_data: list[dict[str, Any]], n_orgs: int, results: dict[str, Any]) -> None:
    try:
        from matchmaker.services import matching
    except Exception as exc:
        results["refresh_service"] = {
            "status": f"not measured: cannot import services.matching ({error_text(exc)})"
        }
        return
    if not hasattr(matching, "refresh_matches_for"):
        results["refresh_service"] = {"status": "not measured: matching.refresh_matches_for does not exist"}
        return
    from sqlalchemy import func, insert, select

    from matchmaker import create_app
    from matchmaker.engine.profiles import SECTORS, STAGES
    from matchmaker.extensions import db
    from matchmaker.models import Base, Match, Organisation, OrganisationSector

    n_partners = max(1, n_orgs * 7 // 100)
    n_investors = max(1, n_orgs * 3 // 100)
    n_startups = n_orgs - n_partners - n_investors
    rng = random.Random(SEED)
    info: dict[str, Any] = {
        "organisations": n_orgs,
        "startups": n_startups,
        "partners": n_partners,
        "investors": n_investors,
        "status": "measured",
        "rows": [],
    }
    with tempfile.TemporaryDirectory(prefix="matchmaker-bench-") as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
                "MATCHMAKER_EMBEDDING_MODEL": "hashing",
            }
        )
        with app.app_context():
            Base.metadata.create_all(db.engine)
            log(f"service: inserting {n_orgs:,} organisations")
            orgs, sectors = [], []
            for i in range(n_orgs):
                source = rows_data[i % len(rows_data)]
                kind = (
                    "startup"
                    if i < n_startups
                    else ("partner" if i < n_startups + n_partners else "investor")
                )
                org: dict[str, Any] = {
                    "id": i + 1,
                    "slug": f"bench-{i + 1}",
                    "kind": kind,
                    "name": f"{source['name']} {i + 1}"[:120],
                    "description": source["text"][:4000],
                    "offers": "",
                    "seeks": "",
                    "tags": [],
                    "investor_stages": [],
                    "visibility": "listed",
                }
                if kind == "startup":
                    org["stage"] = rng.choice(STAGES)
                    org["raising_usd"] = rng.choice([None, 500_000, 2_000_000, 10_000_000])
                else:
                    org["offers"], org["seeks"] = COUNTERPART_TEMPLATES[i % len(COUNTERPART_TEMPLATES)]
                    if kind == "investor":
                        org["investor_stages"] = rng.sample(STAGES, 3)
                        org["ticket_min_usd"], org["ticket_max_usd"] = 100_000, 20_000_000
                orgs.append(org)
                for sector in rng.sample(SECTORS, rng.choice([0, 1, 1, 2])):
                    sectors.append({"organisation_id": i + 1, "sector": sector})
            insert_s, _ = timed(
                lambda: (
                    db.session.execute(insert(Organisation), orgs),
                    db.session.execute(insert(OrganisationSector), sectors),
                    db.session.commit(),
                )
            )
            info["insert_s"] = insert_s

            def run(name: str, fn: Callable[[], Any], note: str = "") -> Any:
                log(f"service: {name}")
                seconds, result = timed(fn)
                row = {"path": name, "seconds": seconds, "note": note}
                if hasattr(result, "matches"):
                    row["matches"] = result.matches
                    row["embedded_texts"] = result.embedded_texts
                elif isinstance(result, int):
                    row["embedded_texts"] = result
                info["rows"].append(row)
                log(f"  {seconds:.2f}s")
                return result

            partner = db.session.get(Organisation, n_startups + 1)
            startup = db.session.get(Organisation, 1)
            if hasattr(matching, "embed_all"):
                run(
                    "warm-up: embed_all (hashing encoder)",
                    lambda: matching.embed_all(),
                    "fills the embeddings table",
                )
            run(
                "warm-up: refresh partner (first)",
                lambda: matching.refresh_matches_for(partner),
                "fits the lexical index",
            )
            run("warm-up: refresh startup (first)", lambda: matching.refresh_matches_for(startup))
            run(
                "refresh_matches_for(partner)",
                lambda: matching.refresh_matches_for(partner),
                f"scores {n_startups:,} startups, keeps the best MATCHMAKER_MATCHES_KEPT",
            )
            run(
                "refresh_matches_for(startup)",
                lambda: matching.refresh_matches_for(startup),
                f"scores {n_partners + n_investors:,} partners+investors, keeps the best",
            )
            kept = app.config["MATCHMAKER_MATCHES_KEPT"]
            app.config["MATCHMAKER_MATCHES_KEPT"] = n_orgs  # baseline: explain and store every candidate
            run(
                "baseline: refresh partner keeping all",
                lambda: matching.refresh_matches_for(partner),
                f"scores and explains all {n_startups:,} startups, stores every match",
            )
            app.config["MATCHMAKER_MATCHES_KEPT"] = kept
            info["match_rows"] = db.session.scalar(select(func.count()).select_from(Match))
            db.session.remove()
            db.engine.dispose()
    results["refresh_service"] = info


def print_service(results: dict[str, Any]) -> None:
    info = results.get("refresh_service")
    if not info:
        return
    out("3b. Service-level refresh (Flask app, temp SQLite file, MATCHMAKER_EMBEDDING_MODEL=hashing)")
    if info.get("status") != "measured":
        out(f"   {info.get('status')}")
        out()
        return
    out(
        f"   {info['organisations']:,} organisations: {info['startups']:,} startups, "
        f"{info['partners']:,} partners, "
        f"{info['investors']:,} investors; bulk insert {info['insert_s']:.1f} s"
    )
    table(
        ["step", "seconds", "matches written", "texts embedded", "note"],
        [
            [r["path"], fmt(r["seconds"], 2), fmt(r.get("matches")), fmt(r.get("embedded_texts")), r["note"]]
            for r in info["rows"]
        ],
    )
    if "match_rows" in info:
        out(f"   match rows in the database afterwards: {info['match_rows']:,}")
    out()


# ------------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    global _log_out
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
        _log_out = sys.stderr

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
