"""Demo data: profiles kept as typed into the form, validated like one, Gwangju-like, loaded idempotently."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, User
from matchmaker.organisations import bilingual, demo
from matchmaker.organisations.demo import DEMO_ACCOUNTS, DemoDataError, demo_profiles, validated_demo_profile
from matchmaker.organisations.profiles import validate_profile

SECTORS = ("automotive", "energy", "healthcare", "content")
KO_EN_PAIRS = Path(__file__).resolve().parents[1] / "data" / "ko_en_startups.json"


def _hangul_share(text: str) -> float:
    """Share of letters that are Hangul syllables (0 for English, around 1 for Korean prose)."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\uac00" <= ch <= "\ud7a3" for ch in letters) / max(len(letters), 1)


def _korean(text: str) -> bool:
    return _hangul_share(text) > 0.8


def _bilingual(text: str) -> bool:
    """A Korean paragraph, then the English one."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return len(paragraphs) == 2 and _korean(paragraphs[0]) and _hangul_share(paragraphs[1]) == 0


def _startups() -> list[dict]:
    return [p for p in demo_profiles() if p["kind"] == "startup"]


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Organisation)),
        db.session.scalar(select(func.count()).select_from(User)),
    )


def test_every_demo_profile_passes_the_profile_form(app):
    profiles = demo_profiles()
    assert len({p["slug"] for p in profiles}) == len(profiles)
    assert len({p["name"] for p in profiles}) == len(profiles)
    for profile in profiles:
        data = validated_demo_profile(profile)  # raises DemoDataError naming the profile and its fields
        assert data["name"] == profile["name"] and data["visibility"] == "listed"
        # Written as a person types them: amounts are text, never pre-computed numbers.
        for field in ("raising_amount", "ticket_min", "ticket_max"):
            assert isinstance(profile.get(field, ""), str), (profile["slug"], field)
            assert (data[field] is None) == (not profile.get(field)), (profile["slug"], field)


def test_demo_startups_look_like_gwangju():
    startups = _startups()
    assert 30 <= len(startups) <= 36
    korean = [s for s in startups if all(_korean(s[f]) for f in ("description", "offers", "seeks"))]
    bilingual = [s for s in startups if all(_bilingual(s[f]) for f in ("description", "offers", "seeks"))]
    assert len(korean) >= 0.4 * len(startups), f"{len(korean)} of {len(startups)} described in Korean"
    assert 3 <= len(bilingual) <= 4
    assert all(_hangul_share(s["name"]) >= 0.5 for s in korean), "Korean startups carry their Korean name"
    for sector in SECTORS:
        assert sum(sector in s["sectors"] for s in startups) >= 4, sector
        assert sum(sector in s["sectors"] for s in korean) >= 2, sector
    assert all(s["raising_currency"] == "KRW" for s in korean if s.get("raising_amount"))
    assert len({s.get("stage") for s in startups}) >= 5


def test_demo_includes_the_startups_issue_8_is_about(app):
    by_slug = {s["slug"]: s for s in _startups()}
    fund = validated_demo_profile(next(p for p in demo_profiles() if p["slug"] == "rising-tide-fund"))
    battery = by_slug["bitgoeul-celltech"]
    assert _korean(battery["description"]) and battery["stage"] == "series_a"
    assert battery["stage"] in fund["investor_stages"] and "energy" in battery["sectors"]
    raising = validated_demo_profile(battery)
    assert raising["raising_currency"] == "KRW" and raising["raising_amount"] == 3_000_000_000  # 30억원
    assert all(w in battery["description"] for w in ("배터리팩", "BMS", "ESS", "전기차"))
    elder = by_slug["ongi-care"]
    assert _korean(elder["description"]) and elder["sectors"] == ["healthcare"]
    assert all(w in elder["description"] for w in ("치매", "어르신", "보행", "보건소"))
    # Kept for the tests and the README: the demo founder's startup and its facts.
    volt = by_slug["voltcell-battery"]
    assert volt["name"] == "VoltCell" and volt["contact_email"] == "founders@voltcell.example.kr"
    assert volt["stage"] == "seed" and by_slug["beatbridge"]["stage"] == "pre_seed"


def test_ko_en_pairs_are_one_startup_in_two_languages(app):
    pairs = json.loads(KO_EN_PAIRS.read_text(encoding="utf-8"))
    assert Counter(p["sector"] for p in pairs) == dict.fromkeys(SECTORS, 2)
    demo_names = {p["name"] for p in demo_profiles()}
    for pair in pairs:
        ko, en = pair["ko"], pair["en"]
        assert all(_korean(ko[f]) for f in ("name", "description", "offers", "seeks")), ko["name"]
        assert all(_hangul_share(en[f]) == 0 for f in ("name", "description", "offers", "seeks")), en["name"]
        assert ko["sectors"] == en["sectors"] and ko["stage"] == en["stage"]
        assert pair["sector"] in ko["sectors"]
        assert not {ko["name"], en["name"]} & demo_names, "not a copy of a demo startup"
        for side in (ko, en):
            validate_profile(side, "startup")


@pytest.mark.both_databases
def test_a_refused_demo_profile_writes_nothing(app, monkeypatch):
    good, bad = dict(_startups()[0]), dict(_startups()[1], website="not a web address")
    monkeypatch.setattr(demo, "demo_profiles", lambda: [good, bad])
    with pytest.raises(DemoDataError, match=f"{bad['slug']}.*website"):
        demo.seed_demo()
    db.session.rollback()
    assert _counts() == (0, 0)


@pytest.mark.both_databases
def test_seed_demo_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = _counts()
    snapshot = {o.slug: (o.name, o.updated_at) for o in db.session.scalars(select(Organisation))}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "0 organisations and 0 accounts created" in second.output
    assert _counts() == after_first
    db.session.expire_all()
    assert {o.slug: (o.name, o.updated_at) for o in db.session.scalars(select(Organisation))} == snapshot


@pytest.mark.both_databases
def test_seed_demo_stores_what_the_form_stores(runner):
    result = runner.invoke(args=["seed-demo"])
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    kinds = dict(
        db.session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    )
    assert kinds == {"partner": 3, "investor": 1, "startup": len(_startups())}
    stored = {o.slug: o for o in db.session.scalars(select(Organisation))}
    for profile in demo_profiles():
        organisation, expected = stored[profile["slug"]], validated_demo_profile(profile)
        versions = bilingual.version_values(expected)  # stored beside the profile, not in its columns
        assert {field: getattr(organisation, field) for field in expected} == expected, profile["slug"]
        assert bilingual.version_form_values(organisation) == versions, profile["slug"]
    capacities = {o.monthly_intro_capacity for o in stored.values() if o.kind != "startup"}
    assert capacities == {demo.DEMO_MONTHLY_CAPACITY}


def test_demo_accounts_have_fitting_names(runner):
    runner.invoke(args=["seed-demo"])
    names = {u.role: u.display_name for u in db.session.scalars(select(User))}
    assert _hangul_share(names["founder"].split(" (")[0]) == 1 and "VoltCell" in names["founder"]
    assert _hangul_share(names["staff"]) == 1
    assert names["investor"] == "Investment manager (Rising Tide Fund)"


def test_every_demo_account_signs_in(runner, client):
    runner.invoke(args=["seed-demo"])
    for account in DEMO_ACCOUNTS:
        response = client.post("/login", data={"email": account.email, "password": account.password})
        assert response.status_code == 302, account.email
        assert client.get("/dashboard").status_code == 200
        client.post("/logout")


@pytest.mark.both_databases
def test_seed_if_empty_skips_a_used_database(runner, make_user):
    make_user("staff")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already holds data" in result.output
    assert _counts() == (0, 1)
