"""The learned similarity space in the app: too few labelled organisations change nothing; a learned
space is stored, read back to the same bits, ranks and explains every stored match, shows on the staff
page, and switched off gives exactly today's ranking again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from flask import current_app
from sqlalchemy import select

from matchmaker.engine import similarity
from matchmaker.engine.scoring import ScoringConfig
from matchmaker.extensions import db
from matchmaker.matching import refresh as matching
from matchmaker.matching import space
from matchmaker.matching.embeddings import app_encoder
from matchmaker.models import AuditEvent, Match, Setting
from tests.learning.test_learning_service import CONTENT, ENERGY

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(make_organisation, make_user):
    partner = make_organisation(
        "partner",
        name="에너지파트너",
        sectors=["energy"],
        description="A utility and media group looking for new ventures.",
        seeks="Startups with new products for grids, storage, music and video.",
        offers="Pilot sites, audiences and data.",
        tags=["grid"],
    )
    startups = [
        make_organisation("startup", name=f"E{i}", description=d, sectors=["energy"], tags=["Battery"])
        for i, d in enumerate(ENERGY)
    ] + [
        make_organisation("startup", name=f"C{i}", description=d, sectors=["content"], tags=["music"])
        for i, d in enumerate(CONTENT)
    ]
    return partner, startups, make_user("staff")


@pytest.fixture
def few_needed(monkeypatch):
    """This world's 13 organisations count as enough (the app needs 100)."""
    monkeypatch.setattr(similarity, "MIN_SPACE_ORGANISATIONS", 8)
    monkeypatch.setitem(space.SPACE_SETTINGS, "min_class_size", 2)


def _snapshot():
    return {
        (m.startup_id, m.counterpart_id): (m.score, m.explanation, m.model_version)
        for m in db.session.scalars(select(Match))
    }


def _base() -> ScoringConfig:
    return ScoringConfig.for_model(app_encoder().model_id)


def test_too_few_labelled_organisations_learn_no_space_and_rank_as_today(world):
    _, _, staff = world
    matching.rematch_all()
    before = _snapshot()
    state = space.learn_space(staff, _base())
    assert not state.fitted and state.labelled == 13 and state.needed == similarity.MIN_SPACE_ORGANISATIONS
    assert space.active_space() is None
    assert matching.scoring_config(app_encoder()).space is None
    matching.rematch_all()
    assert _snapshot() == before  # same scores, explanations and model version


@pytest.mark.both_databases
def test_a_learned_space_is_stored_ranks_every_match_and_switches_off(world, few_needed):
    _, _, staff = world
    matching.rematch_all()
    today = _snapshot()
    state = space.learn_space(staff, _base())
    assert state.fitted and state.organisations == 13 and state.info["labels"] == 4
    assert state.provenance == space.PROVENANCE and state.fitted_moment is not None
    # Learned but off until staff switch it on: ranking stays today's.
    assert not space.space_enabled() and space.active_space() is None
    matching.rematch_all()
    assert _snapshot() == today
    space.set_space(staff, True)
    learned = space.active_space()
    assert learned is not None and learned.version == state.version
    # Read back from the database in a fresh process: the same space, to the bit.
    current_app.extensions.pop("matchmaker.space")
    again = space.stored_space()
    assert again is not None and again is not learned
    vectors = np.random.default_rng(0).normal(size=(5, learned.projection.shape[0])).astype(np.float32)
    assert np.array_equal(again.transform([""] * 5, vectors), learned.transform([""] * 5, vectors))
    assert matching.scoring_config(app_encoder()).space is again

    matching.rematch_all()
    spaced = _snapshot()
    assert spaced.keys() == today.keys() and spaced != today
    assert all(version.endswith("+" + state.version) for _, _, version in spaced.values())
    assert matching.stale_matches() == 0
    for score, explanation, _ in spaced.values():
        parts = explanation["components"]
        assert sum(c["contribution"] for c in parts) == pytest.approx(score, abs=1e-5)  # stored rounded

    # Learned on another model's vectors (the model was switched since): not used.
    row = db.session.get(Setting, space.SPACE_KEY)
    row.value = {**row.value, "info": {**row.value["info"], "model": "another-model"}}
    db.session.commit()
    assert space.active_space() is None
    row.value = {**row.value, "info": {**row.value["info"], "model": app_encoder().model_id}}
    db.session.commit()
    assert space.active_space() is again

    space.set_space(staff, False)
    assert space.active_space() is None
    matching.rematch_all()
    assert _snapshot() == today  # off means exactly today's ranking again
    events = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert events == ["learning.space_fitted", "learning.space_switched", "learning.space_switched"]


def test_the_staff_page_shows_the_space_and_switches_it(client, login, world, few_needed, make_user):
    partner, _, staff = world
    login(make_user("partner", partner))
    assert client.post("/staff/learning/space/learn").status_code == 403
    client.post("/logout")
    login(staff)
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "No space has been learned yet" in page
    assert client.post("/staff/learning/space/learn").status_code == 303
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "The learned space is off" in page and "from 13 of 13 organisations" in page
    assert client.post("/staff/learning/space/switch", data={"enabled": "1"}).status_code == 303
    assert space.space_enabled()
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "The learned space is on" in page and "similarity space switched on" in page
    assert client.post("/staff/learning/space/switch", data={"enabled": "0"}).status_code == 303
    assert not space.space_enabled()
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "The learned space is off" in page and "similarity space switched off" in page


def test_the_commands(runner, world):
    result = runner.invoke(args=["learn-space", "--no-rematch"])
    assert result.exit_code == 0, result.output
    assert "no similarity space: 13 organisations carry sectors or tags, 100 are needed" in result.output
    assert db.session.get(Setting, space.SPACE_KEY) is not None
    result = runner.invoke(args=["learn-weights"])
    assert result.exit_code == 0, result.output
    assert "no similarity space" in result.output and "ranked" in result.output


def test_the_command_learns_a_space(runner, world, few_needed):
    result = runner.invoke(args=["learn-space"])
    assert result.exit_code == 0, result.output
    assert "learned from 13 of 13 organisations' sectors and tags (4 labels); it is off" in result.output
    assert "ranked 12 matches again" in result.output


def test_ranking_with_a_stored_space_needs_no_scikit_learn(tmp_path):
    """The web process reads and applies the space with numpy alone (fitting is the worker's)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    code = (
        "import json, sys\n"
        "import numpy as np\n"
        "from matchmaker import create_app\n"
        "from matchmaker.extensions import db\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': {url!r}}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    from matchmaker.engine.scoring import ScoringConfig\n"
        "    from matchmaker.engine.space import LinearSpace\n"
        "    from matchmaker.matching import learning, space\n"
        "    s = LinearSpace(np.eye(8)[:, :3], 0.5, 0.1, 0.6)\n"
        "    from matchmaker.matching.embeddings import app_encoder\n"
        "    info = {'model': app_encoder().model_id}\n"
        "    space.put_setting(space.SPACE_KEY, {'version': s.version, 'info': info}, None)\n"
        "    space.put_setting(space.MATRIX_KEY, s.to_payload(), None)\n"
        "    space.put_setting(space.SPACE_ENABLED_KEY, True, None)\n"
        "    db.session.commit()\n"
        "    config = learning.active_config(ScoringConfig())\n"
        "    rows = config.space.transform(['a'], np.ones((1, 8), np.float32))\n"
        "    ok = config.space.version == s.version and rows.shape == (1, 11)\n"
        "print(json.dumps([ok, sorted(m for m in ('sklearn', 'scipy', 'torch') if m in sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
    ok, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert ok and loaded == []


def test_the_learn_space_job_runs_inline_without_redis(runner, world, few_needed):
    space.set_space(world[2], True)
    db.session.commit()
    result = runner.invoke(args=["jobs", "enqueue", "learn-space"])
    assert result.exit_code == 0, result.output
    assert "ran inline (finished)" in result.output
    state = space.space_state()
    assert state is not None and state.fitted
    versions = [m.model_version for m in db.session.scalars(select(Match))]
    assert len(versions) == 12 and all(v.endswith("+" + state.version) for v in versions)
