"""Issue 20, finding 11: a restarted worker maps the candidates' vectors and the lexical index an earlier
process kept on disk, and ranks exactly as a worker that kept running; edits, deletions, a restored
database and another model are never served from what was kept."""

from __future__ import annotations

import json
import shutil
from itertools import islice
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select, update

from matchmaker.engine.encoder import HashingEncoder
from matchmaker.extensions import db
from matchmaker.matching import candidates as candidate_pool
from matchmaker.matching import lexical
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import stored_encoder
from matchmaker.models import Embedding, Match, Organisation
from tests.conftest import SHARED_DATA, unavailable

STARTUPS = 60


@pytest.fixture
def world(app: Flask, make_organisation) -> Organisation:
    """Sixty startups with real descriptions, a partner and an investor; returns the partner."""
    if not SHARED_DATA.exists():
        unavailable(f"{SHARED_DATA} is missing")
    with SHARED_DATA.open(encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, islice(handle, 300)) if r.get("long_description")]
    for row in rows[:STARTUPS]:
        make_organisation(
            "startup",
            ["energy"],
            name=row["name"][:100],
            description=row["long_description"][:1500],
            offers=row.get("one_liner") or "",
            seeks="Pilot customers and seed investors.",
            stage="seed",
        )
    make_organisation(
        "investor",
        description="A seed fund for climate and health startups.",
        seeks="Seed-stage startups in energy and healthcare.",
        investor_stages=["seed", "pre_seed"],
    )
    return make_organisation(
        "partner",
        ["energy"],
        description="A utility running the regional power grid.",
        seeks="Startups with battery storage, solar forecasting and software for energy.",
        offers="Grid data and substations for pilots.",
    )


def _restart(app: Flask) -> None:
    """What a restarted worker has lost: everything it held in memory (not the cache directory)."""
    for key in (candidate_pool._POOL_KEY, lexical._LEXICAL_KEY, "matchmaker.encoder"):
        app.extensions.pop(key, None)
    db.session.remove()


def _cache(app: Flask) -> Path:
    return Path(app.config["MATCHMAKER_CACHE_DIR"])


def _matches(organisation: Organisation) -> list[tuple[int, int, float, object]]:
    db.session.expire_all()
    return [
        (m.startup_id, m.counterpart_id, m.score, m.explanation)
        for m in db.session.scalars(
            select(Match)
            .where((Match.counterpart_id == organisation.id) | (Match.startup_id == organisation.id))
            .order_by(Match.startup_id, Match.counterpart_id)
        )
    ]


def _refresh(organisation_id: int) -> tuple[list[tuple[int, int, float, object]], int]:
    organisation = db.session.get(Organisation, organisation_id)
    assert organisation is not None
    report = matching.refresh_matches_for(organisation)
    return _matches(organisation), report.embedded_texts


def _rebuilt(app: Flask, organisation_id: int) -> list[tuple[int, int, float, object]]:
    """The matches a worker computes with nothing kept (the path before issue 20)."""
    _restart(app)
    shutil.rmtree(_cache(app), ignore_errors=True)
    matches, _ = _refresh(organisation_id)
    return matches


def test_a_restarted_worker_maps_what_was_kept_and_ranks_the_same(app, world):
    partner_id = world.id
    cold, _ = _refresh(partner_id)
    assert len(cold) == STARTUPS
    kept = sorted(p.name.split("-")[0] for p in _cache(app).iterdir())
    assert kept == ["candidates", "lexical"]

    # Restarted, with the embeddings table emptied: only what was kept can give the candidates' vectors.
    _restart(app)
    db.session.execute(delete(Embedding))
    db.session.commit()
    again, embedded = _refresh(partner_id)
    assert again == cold
    index = app.extensions[lexical._LEXICAL_KEY]["index"]
    assert not index.matrix_.data.flags.writeable  # mapped from the kept file, not fitted again
    # The same restart with nothing kept embeds every startup's texts again (at least one each).
    db.session.execute(delete(Embedding))
    db.session.commit()
    _restart(app)
    shutil.rmtree(_cache(app))
    rebuilt, embedded_without = _refresh(partner_id)
    assert rebuilt == cold
    assert embedded + STARTUPS <= embedded_without, (embedded, embedded_without)


def test_after_edits_and_deletions_a_restarted_worker_ranks_as_one_that_kept_running(app, world):
    """Saved, hidden and deleted profiles: the restarted worker maps what was kept and reads the rest,
    and ranks exactly as the worker that never stopped (same vectors, same fitted vocabulary)."""
    partner_id = world.id
    _refresh(partner_id)
    startups = list(db.session.scalars(select(Organisation).where(Organisation.kind == "startup")))
    edited, hidden, deleted = startups[0].id, startups[1].id, startups[2].id
    startups[0].description = "Hospital scheduling software for nurses."
    startups[1].visibility = "hidden"
    db.session.delete(startups[2])
    db.session.commit()
    kept_running, _ = _refresh(partner_id)

    _restart(app)
    restarted, embedded = _refresh(partner_id)
    assert restarted == kept_running
    ids = {startup_id for startup_id, *_ in restarted}
    assert edited in ids and hidden not in ids and deleted not in ids and len(ids) == STARTUPS - 2
    assert "Hospital scheduling" in json.dumps([m[3] for m in restarted if m[0] == edited])


def test_a_restored_database_with_other_texts_refits_and_rereads(app, world):
    """A backup restored under the same ids but with other texts: nothing kept applies to it."""
    partner_id = world.id
    _refresh(partner_id)
    for organisation in db.session.scalars(select(Organisation).where(Organisation.kind == "startup")):
        db.session.execute(
            update(Organisation)
            .where(Organisation.id == organisation.id)
            .values(description=f"Restored text {organisation.id}: electric buses and charging depots.")
        )
    db.session.commit()

    _restart(app)
    restarted, _ = _refresh(partner_id)
    index = app.extensions[lexical._LEXICAL_KEY]["index"]
    assert index.matrix_.data.flags.writeable  # fitted again: the kept index was of other texts
    assert restarted == _rebuilt(app, partner_id)


def test_kept_state_belongs_to_one_model(app, world):
    _refresh(world.id)
    pool_key = (("startup",), stored_encoder().model_id)
    here = candidate_pool._KeptPool.path(pool_key, stored_encoder())
    assert here.exists() and candidate_pool._KeptPool.load(pool_key, stored_encoder()) is not None
    other = HashingEncoder(model_id="hashing-other")
    assert candidate_pool._KeptPool.path(pool_key, other) != here
    assert candidate_pool._KeptPool.load(pool_key, other) is None


def test_rematch_fits_the_lexical_index_again(app, world):
    _refresh(world.id)
    kept = next(_cache(app).glob("lexical-*"))
    before = kept.stat().st_mtime_ns
    _restart(app)
    matching.rematch_all()
    index = app.extensions[lexical._LEXICAL_KEY]["index"]
    assert index.matrix_.data.flags.writeable  # fitted, not mapped
    assert kept.exists() and kept.stat().st_mtime_ns != before  # and kept anew
