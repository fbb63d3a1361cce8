"""Section 3a: one partner ranked against 10,000 startups by the engine, next to a plain cosine top-k.

``rank_startups_for`` (k=50, MMR, every startup, model phrases) against cosine top-k on the description
vectors. Run by bench/engine.py.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from typing import Any

import harness  # noqa: F401  (sets the offline flags and sys.path before numpy and matchmaker load)
import numpy as np
from harness import (
    SEED,
    error_text,
    fmt,
    log,
    out,
    repeat,
    table,
    timed,
)

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
    from matchmaker.matching.embeddings import StoredEmbeddings
    from matchmaker.models import Base

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
