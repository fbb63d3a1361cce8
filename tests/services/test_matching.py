"""Matching service: cached embeddings, per-organisation refresh, commands, orderings people agree with."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from matchmaker.engine.encoder import HashingEncoder
from matchmaker.extensions import db
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import StoredEmbeddings
from matchmaker.models import Embedding, Match, Organisation
from matchmaker.organisations import profiles as organisations

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def _form(org: Organisation, **changes) -> dict:
    form = {
        "name": org.name,
        "description": org.description,
        "offers": org.offers,
        "seeks": org.seeks,
        "sectors": org.sectors,
        "visibility": org.visibility,
    }
    form.update(changes)
    return form


def _snapshot(organisation_id: int, side: str) -> dict[tuple[int, int], tuple[float, object]]:
    column = Match.startup_id if side == "startup" else Match.counterpart_id
    return {
        (m.startup_id, m.counterpart_id): (m.score, m.computed_at)
        for m in db.session.scalars(select(Match).where(column == organisation_id))
    }


@pytest.fixture
def small_world(make_organisation, make_user):
    energy = make_organisation(
        "partner",
        name="GridCo",
        description="A utility running Gwangju's power grid.",
        seeks="Startups with battery storage and solar forecasting for the grid.",
        offers="Grid data, substations for pilots.",
        sectors=["energy"],
    )
    media = make_organisation(
        "partner",
        name="StreamHouse",
        description="A media company.",
        seeks="Music and video startups for our streaming platform.",
        offers="Audiences and a content library.",
        sectors=["content"],
    )
    battery = make_organisation(
        "startup",
        name="VoltCell",
        description="Second-life EV batteries as battery storage for solar farms and the grid.",
        seeks="Grid pilots and energy partners.",
        offers="Battery storage units and battery health data.",
        sectors=["energy"],
    )
    music = make_organisation(
        "startup",
        name="BeatBridge",
        description="A music streaming app recommending K-indie artists.",
        seeks="Streaming partners and audiences.",
        offers="Music recommendation and artist data.",
        sectors=["content"],
    )
    founder = make_user("founder", organisation=battery)
    return {"energy": energy, "media": media, "battery": battery, "music": music, "founder": founder}


def test_rematch_ranks_the_fitting_startup_first(app, small_world, recording_encoder):
    total = matching.rematch_all()
    assert total == 4  # two startups x two partners, nothing filtered
    energy_list = matching.matches_for(small_world["energy"])
    assert [m.startup_id for m in energy_list] == [small_world["battery"].id, small_world["music"].id]
    media_list = matching.matches_for(small_world["media"])
    assert media_list[0].startup_id == small_world["music"].id
    best = energy_list[0]
    components = best.explanation["components"]
    assert abs(sum(c["contribution"] for c in components) - best.score) < 1e-4
    assert best.model_version.startswith("hashing-v1+")


def test_saving_one_profile_reembeds_only_it_and_refreshes_only_its_matches(
    app, small_world, recording_encoder
):
    matching.rematch_all()
    music_before = _snapshot(small_world["music"].id, "startup")
    battery_before = _snapshot(small_world["battery"].id, "startup")
    embeddings_before = db.session.scalar(select(func.count()).select_from(Embedding))
    recording_encoder.calls.clear()

    new_description = "Second-life EV batteries as home battery storage for apartment blocks in Gwangju."
    organisations.update_organisation(
        small_world["founder"],
        small_world["battery"],
        _form(small_world["battery"], description=new_description),
    )

    embedded = recording_encoder.texts
    assert embedded, "the changed description must be embedded"
    assert all(text in new_description for text in embedded), embedded  # nothing else was embedded
    assert db.session.scalar(select(func.count()).select_from(Embedding)) == embeddings_before + len(embedded)
    db.session.expire_all()
    assert _snapshot(small_world["music"].id, "startup") == music_before  # untouched
    battery_after = _snapshot(small_world["battery"].id, "startup")
    assert battery_after.keys() == battery_before.keys()
    assert all(battery_after[k][1] > battery_before[k][1] for k in battery_after)  # recomputed


def test_saving_an_unchanged_profile_embeds_nothing(app, small_world, recording_encoder):
    matching.rematch_all()
    recording_encoder.calls.clear()
    organisations.update_organisation(
        small_world["founder"], small_world["battery"], _form(small_world["battery"])
    )
    assert recording_encoder.texts == []


def test_a_restart_reembeds_nothing_and_a_new_model_reembeds_everything(app, small_world):
    first = StoredEmbeddings(HashingEncoder(), db.session)
    texts = ["Battery storage for the grid.", "Music recommendation.", ""]
    vectors = first.encode(texts)
    db.session.commit()
    assert first.embedded_texts == 2 and not vectors[2].any()
    restarted = StoredEmbeddings(HashingEncoder(), db.session)
    again = restarted.encode(texts)
    assert restarted.embedded_texts == 0
    assert (again == vectors).all()
    other_model = StoredEmbeddings(HashingEncoder(model_id="hashing-v2"), db.session)
    other_model.encode(texts)
    assert other_model.embedded_texts == 2


def test_hiding_a_startup_removes_its_matches(app, small_world, recording_encoder):
    matching.rematch_all()
    battery = small_world["battery"]
    organisations.update_organisation(small_world["founder"], battery, _form(battery, visibility="hidden"))
    assert _snapshot(battery.id, "startup") == {}
    assert [m.startup_id for m in matching.matches_for(small_world["energy"])] == [small_world["music"].id]


def test_investor_stage_is_a_filter_and_the_round_a_score_compared_in_dollars(
    app, make_organisation, recording_encoder
):
    fund = make_organisation(
        "investor",
        name="Late Fund",
        description="Growth investor.",
        seeks="Energy companies scaling up.",
        investor_stages=["series_b_plus", "growth"],
        ticket_min=5_000_000,
        ticket_max=30_000_000,
        ticket_currency="USD",
    )
    early = make_organisation(
        "startup", name="Early", stage="pre_seed", raising_amount=300_000, raising_currency="USD"
    )
    small_raise = make_organisation(
        "startup", name="Small", stage="series_b_plus", raising_amount=1_000_000, raising_currency="USD"
    )
    # 140억 원 is $10M at the default 1,400 won to the dollar: a round this fund can lead.
    in_won = make_organisation(
        "startup", name="InWon", stage="series_b_plus", raising_amount=14_000_000_000, raising_currency="KRW"
    )
    matching.rematch_all()
    assert [m.startup_id for m in matching.matches_for(fund)] == [in_won.id, small_raise.id]
    fit = {
        m.startup_id: next(c for c in m.explanation["components"] if c["name"] == "stage_ticket")
        for m in matching.matches_for(fund)
    }
    assert fit[in_won.id]["level"] == "fits" and fit[small_raise.id]["level"] == "outside"
    assert matching.matches_for(early) == []
    assert matching.filter_summary(early) == {"stage": 1}


def test_the_rate_is_configurable(app, make_organisation, recording_encoder):
    fund = make_organisation(
        "investor",
        name="Fund",
        investor_stages=["seed"],
        ticket_min=1_000_000,
        ticket_max=3_000_000,
        ticket_currency="USD",
    )
    startup = make_organisation(
        "startup", name="Won", stage="seed", raising_amount=4_200_000_000, raising_currency="KRW"
    )
    assert matching.to_profile(startup).raising_usd == 3_000_000
    app.config["MATCHMAKER_KRW_PER_USD"] = 1000.0
    assert matching.to_profile(startup).raising_usd == 4_200_000
    assert matching.to_profile(fund).ticket_max_usd == 3_000_000


def test_embed_and_rematch_commands_show_progress(runner, small_world, recording_encoder):
    result = runner.invoke(args=["embed"])
    assert result.exit_code == 0, result.output
    assert "new texts embedded for 4 organisations" in result.output
    again = runner.invoke(args=["embed"])
    assert "0 new texts embedded" in again.output
    rematch = runner.invoke(args=["rematch"])
    assert rematch.exit_code == 0, rematch.output
    assert "4 matches stored for 2 startups" in rematch.output


@pytest.mark.slow
def test_demo_data_orderings_with_the_real_model(app, runner, make_organisation, cached_real_encoder):
    """On the demo data and the real model, the top of each list is what a person would pick."""
    app.extensions["matchmaker.encoder"] = cached_real_encoder
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    by_slug = {o.slug: o for o in db.session.scalars(select(Organisation))}
    energy_seeker = make_organisation(
        "partner",
        name="Gwangju Energy Utility",
        description="The regional power utility running the grid around the AI data centre.",
        seeks="Startups in energy storage, batteries, solar forecasting and smart grids for grid pilots.",
        offers="Grid data, substations and rooftops for pilots, a procurement path.",
        sectors=["energy"],
    )
    series_b_fund = make_organisation(
        "investor",
        name="Late Stage Fund",
        description="A growth fund for companies with revenue.",
        seeks="Scaling mobility and energy companies.",
        investor_stages=["series_b_plus", "growth"],
        sectors=["energy", "automotive"],
    )
    empty = make_organisation("startup", name="Blank Startup", description="")
    for organisation in (energy_seeker, series_b_fund, empty):
        matching.refresh_matches_for(organisation)

    ranked = [m.startup_id for m in matching.matches_for(energy_seeker)]
    volt, beat = by_slug["voltcell-battery"].id, by_slug["beatbridge"].id
    assert ranked.index(volt) < ranked.index(beat)
    assert ranked.index(volt) < 5, "the EV-battery startup belongs near the top for an energy seeker"

    fund_list = {m.startup_id for m in matching.matches_for(series_b_fund)}
    assert beat not in fund_list  # pre-seed is outside series B+
    assert {db.session.get(Organisation, i).stage for i in fund_list} <= {"series_b_plus", "growth", None}

    empty_matches = matching.matches_for(empty)
    assert empty_matches, "an empty startup is still listed, with low scores"
    assert all(not m.explanation["confident"] for m in empty_matches)
    assert max(m.score for m in empty_matches) < 0.3
    hints = " ".join(h["text"] for m in empty_matches for h in m.explanation["missing"])
    assert "Describe what Blank Startup does" in hints
    assert "Add the stage of Blank Startup to be matched with investors." in hints


def test_rematch_if_stale_recomputes_only_after_the_model_changed(
    app, runner, small_world, recording_encoder
):
    assert "4 matches stored" in runner.invoke(args=["rematch"]).output
    assert "nothing to recompute" in runner.invoke(args=["rematch", "--if-stale"]).output
    db.session.execute(update(Match).values(model_version="an-older-model+engine-1"))
    db.session.commit()
    assert matching.stale_matches() == 4
    result = runner.invoke(args=["rematch", "--if-stale"])
    assert "4 stored matches come from another model" in result.output and "4 matches stored" in result.output
    assert matching.stale_matches() == 0


def test_a_refresh_from_the_kept_candidates_equals_one_from_scratch(app, small_world, make_organisation):
    """The worker keeps the stacked candidates between refreshes and rebuilds only changed rows;
    after edits, a new profile and a hidden one, its matches must be those of a fresh process."""
    from matchmaker.matching.candidates import forget_candidates

    energy = small_world["energy"]

    def stored() -> list[tuple[int, float, object]]:
        db.session.expire_all()
        return [(m.startup_id, m.score, m.explanation) for m in matching.matches_for(energy)]

    matching.refresh_matches_for(energy)  # builds the candidates
    small_world["battery"].description = "Battery storage for the grid, now with solar forecasting."
    small_world["music"].sectors = ["content", "energy"]
    make_organisation(
        "startup",
        name="SunCast",
        description="Solar forecasting for grid operators.",
        seeks="Utilities and grid data.",
        offers="Hourly solar forecasts.",
        sectors=["energy"],
    )
    hidden = make_organisation("startup", name="Hidden", description="Grid batteries.", sectors=["energy"])
    hidden.visibility = "hidden"
    db.session.commit()
    matching.refresh_matches_for(energy)  # reuses the unchanged rows
    kept = stored()
    assert len(kept) == 3 and hidden.id not in {startup_id for startup_id, *_ in kept}
    forget_candidates()
    matching.refresh_matches_for(energy)
    assert stored() == kept


def test_after_warm_up_the_first_refresh_fits_and_builds_nothing(app, small_world, monkeypatch):
    from matchmaker.engine import candidates as engine_candidates
    from matchmaker.engine.lexical import LexicalIndex

    matching.warm_up()

    def refuse(*args, **kwargs):
        raise AssertionError("a warmed-up worker must not fit or stack again")

    monkeypatch.setattr(LexicalIndex, "fit", refuse)
    monkeypatch.setattr(engine_candidates.CandidateSet, "build", refuse)
    assert matching.refresh_matches_for(small_world["energy"]).matches == 2
    assert matching.refresh_matches_for(small_world["battery"]).matches == 2


def test_a_slow_rematch_commits_as_time_passes_not_only_every_fifty(app, make_organisation, monkeypatch):
    """On SQLite a transaction holds the write lock: a rematch whose rankings are slow commits at least
    every REMATCH_COMMIT_SECONDS, so a save waiting for the lock is never kept past its busy timeout."""
    from sqlalchemy import event

    make_organisation("partner", ["energy"], description="에너지 저장 실증")
    for n in range(6):
        make_organisation("startup", ["energy"], description=f"배터리 저장 스타트업 {n}")
    commits: list[int] = []
    listener = lambda session: commits.append(1)  # noqa: E731
    event.listen(db.session, "after_commit", listener)
    try:
        matching.rematch_all()
        quick = len(commits)
        commits.clear()
        monkeypatch.setattr(matching, "REMATCH_COMMIT_SECONDS", 0.0)
        matching.rematch_all()
        slow = len(commits)
    finally:
        event.remove(db.session, "after_commit", listener)
    assert slow >= quick + 5  # one commit per startup once each ranking "took" the whole budget
