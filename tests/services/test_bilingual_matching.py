"""A Korean profile matches as its English translation does, with the model the app ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.config import DefaultConfig
from matchmaker.engine.encoder import make_encoder
from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.services import matching
from matchmaker.services.demo import seed_demo

pytestmark = pytest.mark.slow

PAIRS = json.loads((Path(__file__).parents[1] / "data" / "ko_en_startups.json").read_text(encoding="utf-8"))
SECTOR_COUNT = 4


@pytest.fixture(scope="module")
def shipped_encoder():
    """The model a new installation matches with, loaded once for this module."""
    return make_encoder(DefaultConfig.MATCHMAKER_EMBEDDING_MODEL)


def _top(organisation: Organisation, n: int = 3) -> list[tuple[str, int]]:
    return [(m.counterpart.name, m.percent) for m in matching.matches_for(organisation, limit=n)]


def _startup(profile: dict, suffix: str) -> Organisation:
    organisation = Organisation(
        kind="startup",
        slug=f"pair-{suffix}",
        name=profile["name"],
        description=profile["description"],
        offers=profile.get("offers", ""),
        seeks=profile.get("seeks", ""),
        stage=profile.get("stage"),
        visibility="listed",
    )
    organisation.sectors = profile.get("sectors", [])
    db.session.add(organisation)
    db.session.commit()
    return organisation


def test_a_korean_profile_gets_the_top_three_of_its_english_translation(app, shipped_encoder):
    app.extensions["matchmaker.encoder"] = shipped_encoder
    seed_demo()
    agreeing_sectors: set[str] = set()
    report = []
    for n, pair in enumerate(PAIRS):
        korean, english = _startup(pair["ko"], f"{n}-ko"), _startup(pair["en"], f"{n}-en")
        matching.forget_lexical_index()
        for organisation in (korean, english):
            matching.refresh_matches_for(organisation)
        top_ko, top_en = _top(korean), _top(english)
        same = [name for name, _ in top_ko] == [name for name, _ in top_en]
        close = all(abs(a[1] - b[1]) <= 10 for a, b in zip(top_ko, top_en, strict=True))
        report.append(f"{pair['sector']}: {top_ko} vs {top_en}")
        if same and close:
            agreeing_sectors.add(pair["sector"])
    assert len(agreeing_sectors) == SECTOR_COUNT, "\n".join(report)


def test_the_korean_ev_battery_startup_finds_the_fund_that_seeks_it(app, shipped_encoder):
    app.extensions["matchmaker.encoder"] = shipped_encoder
    seed_demo()
    startups = db.session.scalars(select(Organisation).where(Organisation.kind == "startup")).all()
    battery = next(o for o in startups if "배터리" in o.description and "전기차" in o.description)
    matching.refresh_matches_for(battery)
    matches = matching.matches_for(battery)
    fund = next(m for m in matches if m.counterpart.slug == "rising-tide-fund")
    text_points = sum(
        c["contribution"]
        for c in fund.explanation["components"]
        if c["name"] in {"seeks_offers", "offers_seeks", "description"}
    )
    assert text_points > 0, fund.explanation
    best = matches[0].counterpart
    assert best.slug == "rising-tide-fund" or {"energy", "automotive"} & set(best.sectors), best.name
