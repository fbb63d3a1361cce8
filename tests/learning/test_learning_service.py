"""Learning in the app: outcomes and dismissals become history, an empty history changes nothing,
learned weights rank and explain every stored match, and staff switch it off (audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.engine.scoring import PARTNER_WEIGHTS, ScoringConfig
from matchmaker.errors import PermissionDenied
from matchmaker.extensions import db
from matchmaker.matching import learning
from matchmaker.matching import refresh as matching
from matchmaker.matching.embeddings import app_encoder
from matchmaker.models import AuditEvent, Dismissal, Introduction, Match, utcnow

ENERGY = [
    "배터리 에너지 저장장치로 전력망을 안정화합니다.",
    "Solar forecasting for grid operators.",
    "EV battery recycling into storage for solar farms.",
    "Smart charging software for electric buses.",
    "전력 수요를 예측하는 인공지능 서비스입니다.",
    "Hydrogen fuel cells for trucks.",
]
CONTENT = [
    "K-pop fan community with live streaming.",
    "웹툰을 번역하는 인공지능 서비스입니다.",
    "Music recommendation for indie artists.",
    "Game engine tools for small studios.",
    "Short video editing with AI.",
    "음원 저작권 정산 플랫폼입니다.",
]


@pytest.fixture
def world(make_organisation, make_user):
    partner = make_organisation(
        "partner",
        name="에너지파트너",
        sectors=["energy"],
        description="A utility and media group looking for new ventures.",
        seeks="Startups with new products for grids, storage, music and video.",
        offers="Pilot sites, audiences and data.",
    )
    startups = [
        make_organisation("startup", name=f"E{i}", description=d, sectors=["energy"], seeks="Pilot sites")
        for i, d in enumerate(ENERGY)
    ] + [
        make_organisation("startup", name=f"C{i}", description=d, sectors=["content"], seeks="Audiences")
        for i, d in enumerate(CONTENT)
    ]
    staff = make_user("staff")
    return partner, startups, staff


def _snapshot():
    return {
        (m.startup_id, m.counterpart_id): (m.score, m.explanation, m.model_version)
        for m in db.session.scalars(select(Match))
    }


def _base() -> ScoringConfig:
    return ScoringConfig.for_model(app_encoder().model_id)


def _outcome(startup, partner, outcome: str | None, state: str = "outcome_recorded") -> None:
    db.session.add(
        Introduction(
            startup_id=startup.id,
            counterpart_id=partner.id,
            requested_by_side="startup",
            state=state,
            outcome=outcome,
            state_changed_at=utcnow() - timedelta(days=1),
        )
    )
    db.session.commit()


def test_an_empty_history_ranks_exactly_as_today(world):
    _, _, staff = world
    matching.rematch_all()
    before = _snapshot()
    weights = learning.learn(staff, _base())
    assert weights.history == {"partner": 0, "investor": 0}
    assert weights.partner == PARTNER_WEIGHTS
    assert matching.scoring_config(app_encoder()) == _base()
    matching.rematch_all()
    assert _snapshot() == before  # same scores, same explanations, same model version


@pytest.mark.both_databases
def test_outcomes_teach_the_weights_and_every_explanation_still_adds_up(world):
    partner, startups, staff = world
    energy, content = startups[: len(ENERGY)], startups[len(ENERGY) :]
    matching.rematch_all()
    today = _snapshot()
    # The partner's history: energy startups went to pilots, content ones were no fit or dismissed.
    for startup in energy[:5]:
        _outcome(startup, partner, "pilot")
    _outcome(energy[5], partner, None, state="met")
    for startup in content[:4]:
        _outcome(startup, partner, "no_fit")
    _outcome(content[4], partner, None, state="declined")
    db.session.add(Dismissal(organisation_id=partner.id, other_id=content[5].id, kind="not_interested"))
    _outcome(content[5], partner, None, state="withdrawn")  # says nothing about the pair
    db.session.commit()
    labels = learning.labelled_pairs()
    assert sum(labels.values()) == 6 and len(labels) == 12
    weights = learning.learn(staff, _base())
    assert weights.history["partner"] == 12
    assert weights.partner["sectors"] > PARTNER_WEIGHTS["sectors"]
    matching.rematch_all()
    learned = _snapshot()
    assert learned != today
    assert all("+w" in version for _, _, version in learned.values())
    assert matching.stale_matches() == 0
    for score, explanation, _ in learned.values():
        parts = explanation["components"]
        assert sum(c["contribution"] for c in parts) == pytest.approx(score, abs=1e-5)  # stored rounded

    # Energy startups now rank above content ones for this partner more than they did.
    def gap(snapshot):
        e = [snapshot[(s.id, partner.id)][0] for s in energy]
        c = [snapshot[(s.id, partner.id)][0] for s in content[:5]]  # the sixth was dismissed
        return sum(e) / len(e) - sum(c) / len(c)

    assert gap(learned) > gap(today)
    learning.set_learning(staff, False)
    matching.rematch_all()
    del today[(content[5].id, partner.id)]  # dismissed since
    assert _snapshot() == today  # off means exactly today's ranking again
    events = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert events == ["learning.fitted", "learning.switched"]


def test_only_staff_switch_and_the_page(client, login, world, make_user, make_organisation):
    partner, _, staff = world
    with pytest.raises(PermissionDenied):
        learning.set_learning(make_user("partner", partner), False)
    login(make_user("partner", partner))
    assert client.get("/staff/learning/").status_code == 403
    assert client.post("/staff/learning/switch", data={"enabled": "0"}).status_code == 403
    client.post("/logout")
    login(staff)
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "Learning is on, but there is no outcome" in page and "Nothing has been learned yet" in page
    assert client.post("/staff/learning/learn").status_code == 303
    assert client.post("/staff/learning/switch", data={"enabled": "0"}).status_code == 303
    assert not learning.learning_enabled()
    page = client.get("/staff/learning/").get_data(as_text=True)
    assert "Learning is off" in page and "switched off" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "learning.switched"))
    assert event.actor_id == staff.id and event.details == {"from": True, "to": False}


def test_the_command(runner, world):
    result = runner.invoke(args=["learn-weights"])
    assert result.exit_code == 0, result.output
    assert "learned from" in result.output and "ranked" in result.output
