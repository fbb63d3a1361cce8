"""Section 1: embedding throughput on the real descriptions, the engine next to plain sentence-transformers.

``SentenceTransformer.encode`` (baseline), the engine's ``SentenceTransformerEncoder``, the app's path
``embed_profiles`` (which also embeds every sentence), and the database cache ``StoredEmbeddings``
cold, then warm after a simulated restart (new engine, session, encoder). Run by bench/engine.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import harness  # noqa: F401  (sets the offline flags and sys.path before numpy and matchmaker load)
import numpy as np
from harness import (
    error_text,
    fmt,
    log,
    out,
    table,
    timed,
)


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
        from matchmaker.matching.embeddings import StoredEmbeddings  # noqa: F401
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
    from matchmaker.matching.embeddings import StoredEmbeddings
    from matchmaker.models import Base, Embedding

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
