"""The introduction state machine: every allowed path, every refused transition, every role boundary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Introduction, IntroductionEvent, IntroState, OutboxMessage, utcnow
from tests.introduction_world import make_world

S = IntroState


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _events(introduction_id):
    return db.session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == introduction_id)
        .order_by(IntroductionEvent.id)
    ).all()


def _state(introduction_id):
    db.session.expire_all()
    return db.session.get(Introduction, introduction_id).state


@pytest.mark.both_databases
def test_partner_request_walks_to_an_outcome_with_a_full_audit_log(world):
    intro = intros.request_introduction(world.partner_user, world.startup.id, "We run an energy pilot.")
    assert intro.state == S.REQUESTED and intro.requested_by_side == "counterpart"
    intros.approve(world.staff, intro.id, "Good fit for the energy track.")
    assert _state(intro.id) == S.APPROVED
    assert not intros.contacts_visible(world.partner_user, intro)
    intros.accept(world.founder, intro.id, "Happy to talk.")
    assert _state(intro.id) == S.INTRODUCED
    assert intros.contacts_visible(world.partner_user, intro) and intros.contacts_visible(
        world.founder, intro
    )
    contacts = intros.contact_details(world.partner_user, intro)
    assert contacts["startup"]["contact_email"] == "hello@voltcell.example"
    assert {"name": world.founder.display_name, "email": world.founder.email} in contacts["startup"]["people"]
    intros.mark_met(world.founder, intro.id)
    intros.record_outcome(world.partner_user, intro.id, "pilot", "Pilot in the demonstration building.")
    db.session.expire_all()
    intro = db.session.get(Introduction, intro.id)
    assert intro.state == S.OUTCOME_RECORDED and intro.outcome == "pilot"
    assert intro.open_pair is None  # closed: the pair may be introduced again some day
    assert all(
        getattr(intro, f) is not None for f in ("approved_at", "accepted_at", "introduced_at", "met_at")
    )
    log = [(e.from_state, e.to_state, e.actor_id) for e in _events(intro.id)]
    assert log == [
        (None, "requested", world.partner_user.id),
        ("requested", "approved", world.staff.id),
        ("approved", "accepted", world.founder.id),
        ("accepted", "introduced", None),
        ("introduced", "met", world.founder.id),
        ("met", "outcome_recorded", world.partner_user.id),
    ]
    assert _events(intro.id)[1].note == "Good fit for the energy track."
    assert intros.audit_log(world.staff, intro)
    with pytest.raises(PermissionDenied):
        intros.audit_log(world.partner_user, intro)


def test_founder_request_is_answered_by_the_partner(world):
    intro = intros.request_introduction(world.founder, world.investor.id)
    assert intro.requested_by_side == "startup"
    intros.approve(world.staff, intro.id)
    with pytest.raises(PermissionDenied):
        intros.accept(world.founder, intro.id)  # the requester does not answer its own request
    intros.decline(world.investor_user, intro.id, "Too early for our fund.")
    assert _state(intro.id) == S.DECLINED


@pytest.mark.parametrize("role", ["founder", "partner_user", "investor_user", "other_partner_user"])
def test_only_staff_approve_or_reject(world, role):
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    for action in (intros.approve, intros.reject):
        with pytest.raises((PermissionDenied, NotFound)):
            action(getattr(world, role), intro.id, "")
    assert _state(intro.id) == S.REQUESTED
    assert len(_events(intro.id)) == 1


def test_a_founder_cannot_approve_is_403(world):
    intro = intros.request_introduction(world.founder, world.partner.id)
    with pytest.raises(PermissionDenied) as caught:
        intros.approve(world.founder, intro.id)
    assert caught.value.status_code == 403


def test_other_partners_cannot_see_or_touch_an_introduction(world):
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    with pytest.raises(NotFound):
        intros.get_for_viewer(world.other_partner_user, intro.id)
    intros.approve(world.staff, intro.id)
    for action in (intros.accept, intros.decline, intros.withdraw, intros.mark_met):
        with pytest.raises(NotFound):
            action(world.other_partner_user, intro.id)
    assert intros.list_for_viewer(world.other_partner_user) == []
    assert [i.id for i in intros.list_for_viewer(world.staff)] == [intro.id]
    assert intros.contact_details(world.other_partner_user, intro) is None
    assert intros.contacts_visible(world.staff, intro)


# (state reached by these steps, action, who) pairs that the state machine must refuse with 409.
PATHS = {
    S.REQUESTED: [],
    S.APPROVED: [("approve", "staff")],
    S.REJECTED: [("reject", "staff")],
    S.INTRODUCED: [("approve", "staff"), ("accept", "founder")],
    S.DECLINED: [("approve", "staff"), ("decline", "founder")],
    S.WITHDRAWN: [("withdraw", "partner_user")],
    S.MET: [("approve", "staff"), ("accept", "founder"), ("mark_met", "partner_user")],
    S.OUTCOME_RECORDED: [
        ("approve", "staff"),
        ("accept", "founder"),
        ("mark_met", "partner_user"),
        ("record_outcome", "founder"),
    ],
}
# Who would be allowed to take each action, role-wise, on a partner's request.
ACTORS = {
    "approve": "staff",
    "reject": "staff",
    "accept": "founder",
    "decline": "founder",
    "withdraw": "partner_user",
    "mark_met": "founder",
    "record_outcome": "founder",
}


def _run(world, intro_id, action, who):
    function = getattr(intros, action)
    if action == "record_outcome":
        return function(getattr(world, who), intro_id, "no_fit")
    return function(getattr(world, who), intro_id)


@pytest.mark.both_databases
@pytest.mark.parametrize("state", list(PATHS))
def test_every_forbidden_transition_is_refused_with_409_and_changes_nothing(world, state):
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    for action, who in PATHS[state]:
        _run(world, intro.id, action, who)
    assert _state(intro.id) == state
    allowed = {a for a, t in intros.TRANSITIONS.items() if state in t.sources}
    events_before = len(_events(intro.id))
    mail_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    for action, who in ACTORS.items():
        if action in allowed:
            continue
        with pytest.raises(ConflictError) as caught:
            _run(world, intro.id, action, who)
        assert caught.value.status_code == 409
        assert "cannot be" in caught.value.message
    assert _state(intro.id) == state
    assert len(_events(intro.id)) == events_before
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == mail_before


@pytest.mark.both_databases
def test_duplicate_open_request_for_a_pair_is_refused(world):
    intros.request_introduction(world.partner_user, world.startup.id)
    with pytest.raises(ConflictError):
        intros.request_introduction(world.founder, world.partner.id)
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 1


@pytest.mark.both_databases
def test_a_closed_pair_can_be_requested_again(world):
    first = intros.request_introduction(world.partner_user, world.startup.id)
    intros.reject(world.staff, first.id, "Not now.")
    second = intros.request_introduction(world.partner_user, world.startup.id)
    assert second.id != first.id and second.state == S.REQUESTED


def test_request_boundaries(world, make_organisation):
    other_startup = make_organisation("startup", name="Other")
    hidden = make_organisation("partner", name="Hidden", visibility="hidden")
    with pytest.raises(PermissionDenied):
        intros.request_introduction(world.staff, world.startup.id)
    with pytest.raises(ConflictError):
        intros.request_introduction(world.founder, other_startup.id)
    with pytest.raises(ConflictError):
        intros.request_introduction(world.partner_user, world.investor.id)
    with pytest.raises(NotFound):
        intros.request_introduction(world.founder, hidden.id)
    with pytest.raises(NotFound):
        intros.request_introduction(world.founder, 999_999)
    with pytest.raises(ValidationError):
        intros.request_introduction(world.founder, world.partner.id, "x" * 5000)
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 0


def test_founder_pending_limit_is_configurable(world, app, make_organisation):
    app.config["MATCHMAKER_MAX_PENDING_REQUESTS"] = 2
    partners = [make_organisation("partner", name=f"P{i}") for i in range(3)]
    first = intros.request_introduction(world.founder, partners[0].id)
    intros.request_introduction(world.founder, partners[1].id)
    with pytest.raises(ConflictError, match="at most 2"):
        intros.request_introduction(world.founder, partners[2].id)
    intros.withdraw(world.founder, first.id)
    intros.request_introduction(world.founder, partners[2].id)  # room again
    # requests made *to* the startup by partners do not count against it
    intros.request_introduction(world.partner_user, world.startup.id)


def test_default_pending_limit_is_five(app):
    assert app.config["MATCHMAKER_MAX_PENDING_REQUESTS"] == 5


def test_requester_withdraws_before_introduced_but_not_after(world):
    intro = intros.request_introduction(world.founder, world.partner.id)
    with pytest.raises(PermissionDenied):
        intros.withdraw(world.partner_user, intro.id)  # only the requesting side
    intros.approve(world.staff, intro.id)
    intros.withdraw(world.founder, intro.id, "We found another partner.")
    assert _state(intro.id) == S.WITHDRAWN
    again = intros.request_introduction(world.founder, world.partner.id)
    intros.approve(world.staff, again.id)
    intros.accept(world.partner_user, again.id)
    with pytest.raises(ConflictError):
        intros.withdraw(world.founder, again.id)


def test_outcome_must_be_known(world):
    intro = intros.request_introduction(world.founder, world.partner.id)
    intros.approve(world.staff, intro.id)
    intros.accept(world.partner_user, intro.id)
    intros.mark_met(world.staff, intro.id)
    with pytest.raises(ValidationError):
        intros.record_outcome(world.founder, intro.id, "world domination")
    intros.record_outcome(world.founder, intro.id, "investment")
    assert _state(intro.id) == S.OUTCOME_RECORDED


@pytest.mark.both_databases
def test_unanswered_requests_expire_after_14_days(world, app):
    old = intros.request_introduction(world.founder, world.partner.id)
    approved = intros.request_introduction(world.founder, world.investor.id)
    intros.approve(world.staff, approved.id)
    fresh = intros.request_introduction(world.other_partner_user, world.startup.id)
    assert app.config["INTRODUCTION_EXPIRY_DAYS"] == 14
    assert intros.expire_stale(utcnow() + timedelta(days=13)) == 0
    assert intros.expire_stale(utcnow() + timedelta(days=14, minutes=1)) == 3
    assert {_state(old.id), _state(approved.id), _state(fresh.id)} == {S.EXPIRED}
    assert _events(old.id)[-1].actor_id is None  # the system did it
    assert intros.expire_stale(utcnow() + timedelta(days=30)) == 0


@pytest.mark.both_databases
def test_staff_decide_several_at_once(world, make_organisation):
    startups = [make_organisation("startup", name=f"S{i}") for i in range(3)]
    requests = [intros.request_introduction(world.partner_user, s.id) for s in startups]
    intros.withdraw(world.partner_user, requests[2].id)
    result = intros.decide_many(world.staff, [r.id for r in requests], "approve", "Batch of the week")
    assert [i.id for i in result.done] == [requests[0].id, requests[1].id]
    assert result.refused[0][0] == requests[2].id and "withdrawn" in result.refused[0][1]
    with pytest.raises(PermissionDenied):
        intros.decide_many(world.founder, [requests[0].id], "reject")


@pytest.mark.both_databases
def test_staff_queue_is_oldest_first_and_filters(world, make_organisation):
    content_startup = make_organisation("startup", sectors=["content"], name="Webtoon AI")
    first = intros.request_introduction(world.partner_user, world.startup.id)
    second = intros.request_introduction(world.other_partner_user, content_startup.id)
    assert [i.id for i in intros.staff_queue(world.staff)] == [first.id, second.id]
    assert [i.id for i in intros.staff_queue(world.staff, counterpart_id=world.other_partner.id)] == [
        second.id
    ]
    assert [i.id for i in intros.staff_queue(world.staff, sector="energy")] == [first.id]
    with pytest.raises(PermissionDenied):
        intros.staff_queue(world.partner_user)


def test_allowed_actions_follow_state_and_role(world):
    intro = intros.request_introduction(world.partner_user, world.startup.id)
    assert intros.allowed_actions(world.staff, intro) == ["approve", "reject"]
    assert intros.allowed_actions(world.partner_user, intro) == ["withdraw"]
    assert intros.allowed_actions(world.founder, intro) == []
    intros.approve(world.staff, intro.id)
    assert intros.allowed_actions(world.founder, intro) == ["accept", "decline"]
