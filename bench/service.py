"""Section 3b: the service-level refresh in a Flask app on a temporary SQLite file (hashing encoder).

``matching.refresh_matches_for`` for one partner and one startup among 10,000 organisations, and as
baseline the same refresh explaining and storing every candidate. Run by bench/engine.py.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness  # noqa: F401  (sets the offline flags and sys.path before numpy and matchmaker load)
from counterparts import COUNTERPARTS
from harness import (
    SEED,
    fmt,
    log,
    out,
    table,
    timed,
)


def section_service(rows_data: list[dict[str, Any]], n_orgs: int, results: dict[str, Any]) -> None:
    """Time the service's refresh of one partner and one startup among ``n_orgs`` organisations."""
    from sqlalchemy import func, insert, select

    from matchmaker import create_app
    from matchmaker.engine.profiles import SECTORS, STAGES
    from matchmaker.extensions import db
    from matchmaker.matching import refresh as matching
    from matchmaker.matching.refresh import RefreshReport
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
                    org["offers"], org["seeks"] = COUNTERPARTS[i % len(COUNTERPARTS)]
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
                if isinstance(result, RefreshReport):
                    row["matches"] = result.matches
                    row["embedded_texts"] = result.embedded_texts
                elif isinstance(result, int):
                    row["embedded_texts"] = result
                info["rows"].append(row)
                log(f"  {seconds:.2f}s")
                return result

            partner = db.session.get(Organisation, n_startups + 1)
            startup = db.session.get(Organisation, 1)
            run("warm-up: embed_all (hashing encoder)", matching.embed_all, "fills the embeddings table")
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
