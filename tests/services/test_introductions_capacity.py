"""Monthly capacity, the waiting line, notifications, the digest, the scheduler commands and the funnel."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.errors import ConflictError
from matchmaker.extensions import db
from matchmaker.introductions import capacity, funnel
from matchmaker.introductions import requests as intros
from matchmaker.matching.digest import send_digest
from matchmaker.models import DigestEntry, Introduction, OutboxMessage, utcnow
from tests.introduction_world import add_match, make_world

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _state(introduction_id):
    db.session.expire_all()
    return db.session.get(Introduction, introduction_id).state


def _requests_to_partner(world, make_organisation, make_user, count):
    ids = []
    for n in range(count):
        startup = make_organisation("startup", name=f"Startup {n}")
        ids.append(intros.request_introduction(make_user("founder", startup), world.partner.id).id)
    return ids


def test_approvals_beyond_capacity_wait_and_are_released_oldest_first(world, make_organisation, make_user):
    world.partner.monthly_intro_capacity = 1
    db.session.commit()
    first, second, third = _requests_to_partner(world, make_organisation, make_user, 3)
    intros.approve(world.staff, first)
    intros.approve(world.staff, second)
    intros.approve(world.staff, third)
    assert [_state(i) for i in (first, second, third)] == ["approved", "waitlisted", "waitlisted"]
    assert capacity.used_capacity(world.partner.id, utcnow()) == 1
    waiting_mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject.contains("waiting in line"))
    )
    assert waiting_mail is not None
    intros.decline(world.partner_user, first, "Not for us")  # the unit comes back, the oldest waiter gets it
    assert [_state(i) for i in (second, third)] == ["approved", "waitlisted"]
    intros.accept(world.partner_user, second)
    assert _state(third) == "waitlisted"  # an accepted introduction keeps its unit
    next_month = capacity.month_start(utcnow()) + timedelta(days=32)
    intros.expire_stale(next_month.replace(day=1))  # the daily job on the 1st: a new month, new room
    assert _state(third) == "approved"


def test_no_capacity_set_means_no_limit_and_zero_means_everything_waits(world, make_organisation, make_user):
    ids = _requests_to_partner(world, make_organisation, make_user, 3)
    for i in ids:
        intros.approve(world.staff, i)
    assert {_state(i) for i in ids} == {"approved"}
    world.investor.monthly_intro_capacity = 0
    db.session.commit()
    request = intros.request_introduction(world.founder, world.investor.id)
    intros.approve(world.staff, request.id)
    assert _state(request.id) == "waitlisted"
    intros.withdraw(world.founder, request.id)  # a waiting request can still be withdrawn
    assert _state(request.id) == "withdrawn"


def test_waitlisted_requests_do_not_expire(world, make_organisation, make_user):
    world.partner.monthly_intro_capacity = 0
    db.session.commit()
    (waiting,) = _requests_to_partner(world, make_organisation, make_user, 1)
    intros.approve(world.staff, waiting)
    assert intros.expire_stale(utcnow() + timedelta(days=20)) == 0
    assert _state(waiting) == "waitlisted"


def test_every_transition_writes_mail_to_the_outbox_and_the_log_without_smtp(world, app, caplog):
    assert not app.config["MAIL_SERVER"]
    caplog.set_level(logging.INFO, logger="matchmaker.mail.notifications")
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    to_staff = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == world.staff.email)
    ).all()
    assert [m.subject for m in to_staff] == ["New introduction request: VoltCell ↔ NVIDIA"]
    intros.approve(world.staff, intro.id, "Go ahead")
    intros.accept(world.founder, intro.id)
    introduced = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.startswith("You are introduced"))
    )
    by_recipient = {m.recipient: m.body for m in introduced}
    assert "hello@voltcell.example" in by_recipient[world.partner_user.email]
    assert "inception@nvidia.example" in by_recipient[world.founder.email]
    assert all(m.sent_at is None for m in db.session.scalars(select(OutboxMessage)))
    assert f"mail to {world.founder.email}" in caplog.text


def test_a_refused_transition_sends_nothing(world):
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(ConflictError):
        intros.accept(world.founder, intro.id)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_digest_sends_top_new_matches_capped_and_only_once(world, app, make_organisation):
    assert app.config["DIGEST_MAX_MATCHES"] == 5
    for n in range(7):
        add_match(make_organisation("startup", name=f"Digest {n}"), world.partner, 0.2 + n * 0.1)
    add_match(world.startup, world.partner, 0.99)
    intros.request_introduction(world.partner_user, world.startup.id)  # already in play: not news
    report = send_digest()
    mine = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == world.partner_user.email)
        .where(OutboxMessage.subject.contains("new match"))
    ).all()
    assert len(mine) == 1 and "5 new matches" in mine[0].subject
    assert "Digest 6" in mine[0].body and "VoltCell" not in mine[0].body and "Digest 0" not in mine[0].body
    assert report.messages == 1 and report.matches == 5
    second = send_digest()
    assert second.matches == 2  # the two not sent yet, then nothing
    assert send_digest().messages == 0
    assert db.session.scalar(select(func.count()).select_from(DigestEntry)) == 7


def test_scheduler_commands(world, runner):
    intros.request_introduction(world.founder, world.partner.id)
    result = runner.invoke(args=["expire-introductions"])
    assert result.exit_code == 0 and "0 introductions expired" in result.output
    result = runner.invoke(args=["send-digest", "--limit", "3"])
    assert result.exit_code == 0 and "0 digests" in result.output


def test_funnel_counts_every_stage_per_partner_and_sector(world, make_organisation):
    add_match(world.startup, world.partner, 0.8)
    add_match(world.startup, world.other_partner, 0.5)
    health = make_organisation("startup", sectors=["healthcare"], name="MediScan")
    add_match(health, world.partner, 0.6)
    won = intros.request_introduction(world.partner_user, world.startup.id)
    intros.approve(world.staff, won.id)
    intros.accept(world.founder, won.id)
    intros.mark_met(world.founder, won.id)
    intros.record_outcome(world.founder, won.id, "pilot")
    lost = intros.request_introduction(world.partner_user, health.id)
    intros.approve(world.staff, lost.id)
    result = funnel.build_funnel()
    assert result.total.counts == {
        "suggested": 3,
        "requested": 2,
        "approved": 2,
        "accepted": 1,
        "introduced": 1,
        "met": 1,
        "outcome": 1,
    }
    nvidia = next(r for r in result.by_counterpart if r.label == "NVIDIA")
    amazon = next(r for r in result.by_counterpart if r.label == "Amazon")
    assert (
        nvidia.counts["suggested"] == 2 and nvidia.counts["approved"] == 2 and nvidia.counts["outcome"] == 1
    )
    assert amazon.counts["suggested"] == 1 and amazon.counts["requested"] == 0
    energy = next(r for r in result.by_sector if r.label == "Energy")
    healthcare = next(r for r in result.by_sector if r.label == "Healthcare")
    assert energy.counts["introduced"] == 1 and healthcare.counts["introduced"] == 0
    assert healthcare.counts["approved"] == 1
    assert result.outcomes == {"pilot": 1}
    assert result.total.share("suggested") == 100 and result.total.share("outcome") == 33


def test_raising_capacity_in_the_profile_releases_the_line(world, make_organisation, make_user):
    from matchmaker.organisations import profiles as organisations

    world.partner.monthly_intro_capacity = 0
    db.session.commit()
    first, second = _requests_to_partner(world, make_organisation, make_user, 2)
    intros.approve(world.staff, first)
    intros.approve(world.staff, second)
    assert [_state(i) for i in (first, second)] == ["waitlisted", "waitlisted"]
    partner = world.partner
    form = {
        "name": partner.name,
        "description": partner.description,
        "visibility": partner.visibility,
        "monthly_intro_capacity": "1",
    }
    organisations.update_organisation(world.partner_user, partner, form)
    assert [_state(i) for i in (first, second)] == ["approved", "waitlisted"]
