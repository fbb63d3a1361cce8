"""Introductions through the API: the whole walk, every forbidden transition, every role boundary."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from matchmaker.api.introductions import TRANSITION_ENDPOINTS
from matchmaker.extensions import db
from matchmaker.introductions import requests as service
from matchmaker.models import Introduction, IntroductionEvent, utcnow

# The actions of the API, with the service's states each may start from.
SOURCES = {
    "approve": {"requested"},
    "reject": {"requested", "waitlisted"},
    "accept": {"approved"},
    "decline": {"approved"},
    "withdraw": {"requested", "waitlisted", "approved"},
    "mark-met": {"introduced"},
    "outcome": {"met"},
}
ALL_STATES = [
    "requested",
    "waitlisted",
    "approved",
    "rejected",
    "declined",
    "withdrawn",
    "expired",
    "introduced",
    "met",
    "outcome_recorded",
]


@pytest.fixture
def world(make_user, make_organisation, auth):
    """A startup and its founder, two partners with one member each, staff, and an unrelated founder."""
    startup = make_organisation("startup", name="VoltCell", contact_email="team@voltcell.example")
    nvidia = make_organisation("partner", name="NVIDIA", contact_email="inception@nvidia.example")
    google = make_organisation("partner", name="Google", contact_email="startups@google.example")
    people = SimpleNamespace(
        founder=make_user("founder", organisation=startup),
        partner=make_user("partner", organisation=nvidia),
        other_partner=make_user("partner", organisation=google),
        staff=make_user("staff"),
        outsider=make_user("founder", organisation=make_organisation("startup", name="Elsewhere")),
    )
    return SimpleNamespace(
        startup=startup,
        nvidia=nvidia,
        google=google,
        people=people,
        headers={name: auth(user) for name, user in vars(people).items()},
    )


def _post(client, world, who, path, json=None):
    return client.post(f"/api/v1{path}", json=json if json is not None else {}, headers=world.headers[who])


def _get(client, world, who, path):
    return client.get(f"/api/v1{path}", headers=world.headers[who])


def _act(client, world, who, introduction_id, action, **body):
    if action == "outcome":
        body.setdefault("outcome", "pilot")
    return _post(client, world, who, f"/introductions/{introduction_id}/{action}", body)


def _stored(introduction_id: int) -> tuple[str, int]:
    """The state in the database, and how many transitions were logged."""
    db.session.expire_all()
    state = db.session.get(Introduction, introduction_id).state
    events = db.session.scalar(
        select(func.count())
        .select_from(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == introduction_id)
    )
    return state, events


def _in_state(world, state: str) -> int:
    """An introduction from VoltCell's founder to NVIDIA, driven to ``state`` through the service."""
    p = world.people
    if state == "waitlisted":
        world.nvidia.monthly_intro_capacity = 0
        db.session.commit()
    introduction = service.request_introduction(p.founder, world.nvidia.id, "Battery data for your robots?")
    iid = introduction.id
    steps = {
        "requested": [],
        "waitlisted": [lambda: service.approve(p.staff, iid)],
        "approved": [lambda: service.approve(p.staff, iid)],
        "rejected": [lambda: service.reject(p.staff, iid, "Not now")],
        "declined": [lambda: service.approve(p.staff, iid), lambda: service.decline(p.partner, iid)],
        "withdrawn": [lambda: service.withdraw(p.founder, iid)],
        "expired": [lambda: service.expire_stale(now=utcnow() + timedelta(days=60))],
        "introduced": [lambda: service.approve(p.staff, iid), lambda: service.accept(p.partner, iid)],
    }
    steps["met"] = steps["introduced"] + [lambda: service.mark_met(p.founder, iid)]
    steps["outcome_recorded"] = steps["met"] + [lambda: service.record_outcome(p.partner, iid, "pilot")]
    for step in steps[state]:
        step()
    assert _stored(iid)[0] == state
    return iid


# --- the walk ------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_one_introduction_from_request_to_outcome(client, world):
    startup_url = f"/organisations/{world.startup.id}"
    requested = _post(
        client,
        world,
        "founder",
        "/introductions",
        {"organisation_id": world.nvidia.id, "message": "Hello NVIDIA"},
    )
    assert requested.status_code == 201, requested.get_json()
    intro = requested.get_json()
    iid = intro["id"]
    assert requested.headers["Location"].endswith(f"/api/v1/introductions/{iid}")
    assert intro["state"] == "requested" and intro["message"] == "Hello NVIDIA"
    assert intro["startup"]["id"] == world.startup.id and intro["counterpart"]["id"] == world.nvidia.id
    assert intro["allowed_actions"] == ["withdraw"] and intro["contacts"] is None

    # Before the introduction, the partner sees neither the startup's contacts nor the founder's.
    seen_by_partner = _get(client, world, "partner", f"/introductions/{iid}").get_json()
    assert seen_by_partner["contacts"] is None and seen_by_partner["allowed_actions"] == []
    assert _get(client, world, "partner", startup_url).get_json()["contact_email"] is None

    approved = _act(client, world, "staff", iid, "approve", note="Good fit")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert approved.get_json()["staff_note"] == "Good fit"
    assert _get(client, world, "partner", f"/introductions/{iid}").get_json()["allowed_actions"] == [
        "accept",
        "decline",
    ]
    assert _get(client, world, "partner", startup_url).get_json()["contact_email"] is None

    accepted = _act(client, world, "partner", iid, "accept", note="Happy to meet")
    assert accepted.status_code == 200
    body = accepted.get_json()
    assert body["state"] == "introduced" and body["introduced_at"] is not None
    assert body["contacts"]["startup"]["contact_email"] == "team@voltcell.example"
    assert body["contacts"]["counterpart"]["contact_email"] == "inception@nvidia.example"
    assert world.people.founder.email in {p["email"] for p in body["contacts"]["startup"]["people"]}
    # Now the partner may read the startup's contact address, and vice versa; nobody else may.
    assert _get(client, world, "partner", startup_url).get_json()["contact_email"] == "team@voltcell.example"
    nvidia_url = f"/organisations/{world.nvidia.id}"
    assert (
        _get(client, world, "founder", nvidia_url).get_json()["contact_email"] == "inception@nvidia.example"
    )
    assert _get(client, world, "other_partner", startup_url).get_json()["contact_email"] is None
    assert _get(client, world, "outsider", nvidia_url).get_json()["contact_email"] is None

    met = _act(client, world, "founder", iid, "mark-met")
    assert met.status_code == 200 and met.get_json()["state"] == "met"
    outcome = _act(client, world, "partner", iid, "outcome", outcome="pilot", note="A pilot at the complex")
    assert outcome.status_code == 200
    assert outcome.get_json()["state"] == "outcome_recorded" and outcome.get_json()["outcome"] == "pilot"
    assert outcome.get_json()["allowed_actions"] == []

    state, events = _stored(iid)
    assert state == "outcome_recorded"
    assert events == 6  # requested, approved, accepted, introduced, met, outcome_recorded


def test_a_partner_can_ask_for_a_startup_too(client, world):
    response = _post(client, world, "partner", "/introductions", {"organisation_id": world.startup.id})
    assert response.status_code == 201
    body = response.get_json()
    assert body["requested_by_side"] == "counterpart" and body["counterpart"]["id"] == world.nvidia.id


# --- every forbidden transition ----------------------------------------------------------------------

ACTOR_FOR = {
    "approve": "staff",
    "reject": "staff",
    "accept": "partner",
    "decline": "partner",
    "withdraw": "founder",
    "mark-met": "founder",
    "outcome": "founder",
}


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_transition_the_state_forbids_is_409_and_changes_nothing(client, world, state):
    iid = _in_state(world, state)
    before = _stored(iid)
    forbidden = [action for action, sources in SOURCES.items() if state not in sources]
    assert forbidden
    for action in forbidden:
        response = _act(client, world, ACTOR_FOR[action], iid, action)
        assert response.status_code == 409, (state, action, response.get_json())
        assert response.get_json()["error"]["status"] == 409
        assert _stored(iid) == before, (state, action)


def test_the_transitions_the_api_offers_are_those_the_service_defines():
    assert {action: set(t) for action, t in SOURCES.items()} == {
        segment: {s.value for s in service.TRANSITIONS[action].sources}
        for segment, (action, _, _) in TRANSITION_ENDPOINTS.items()
    }


# --- role boundaries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "action"),
    [
        ("requested", "founder", "approve"),  # a founder cannot approve
        ("requested", "partner", "approve"),
        ("requested", "founder", "reject"),
        ("requested", "partner", "withdraw"),  # only the side that asked withdraws
        ("approved", "founder", "accept"),  # only the side that was asked answers
        ("approved", "founder", "decline"),
        ("approved", "staff", "accept"),
        ("requested", "staff", "withdraw"),
    ],
)
def test_a_role_that_may_not_act_gets_403_and_nothing_changes(client, world, state, who, action):
    iid = _in_state(world, state)
    before = _stored(iid)
    response = _act(client, world, who, iid, action)
    assert response.status_code == 403, response.get_json()
    assert _stored(iid) == before


@pytest.mark.parametrize("who", ["other_partner", "outsider"])
def test_outsiders_cannot_see_or_touch_an_introduction(client, world, who):
    iid = _in_state(world, "requested")
    for state in ("requested", "approved"):
        if state == "approved":
            service.approve(world.people.staff, iid)
        before = _stored(iid)
        assert _get(client, world, who, f"/introductions/{iid}").status_code == 404
        for action in SOURCES:
            assert _act(client, world, who, iid, action).status_code == 404, (state, action)
        assert _stored(iid) == before


@pytest.mark.both_databases
def test_each_side_lists_only_its_own_introductions_and_staff_list_all(client, world, make_organisation):
    ours = _in_state(world, "requested")
    theirs = service.request_introduction(world.people.other_partner, make_organisation("startup").id).id
    ids = {}
    for who in ("founder", "partner", "other_partner", "outsider", "staff"):
        response = _get(client, world, who, "/introductions")
        assert response.status_code == 200
        ids[who] = {i["id"] for i in response.get_json()["items"]}
    assert ids == {
        "founder": {ours},
        "partner": {ours},
        "other_partner": {theirs},
        "outsider": set(),
        "staff": {ours, theirs},
    }


def test_staff_see_contacts_and_every_introduction(client, world):
    iid = _in_state(world, "requested")
    body = _get(client, world, "staff", f"/introductions/{iid}").get_json()
    assert body["contacts"]["startup"]["contact_email"] == "team@voltcell.example"
    assert set(body["allowed_actions"]) == {"approve", "reject"}


def test_staff_and_accounts_without_an_organisation_cannot_request(client, world, make_user, auth):
    staff = _post(client, world, "staff", "/introductions", {"organisation_id": world.nvidia.id})
    assert staff.status_code == 403
    loner = client.post(
        "/api/v1/introductions", json={"organisation_id": world.nvidia.id}, headers=auth(make_user("founder"))
    )
    assert loner.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 0


@pytest.mark.both_databases
def test_a_second_open_request_for_the_same_pair_is_409(client, world):
    first = _post(client, world, "founder", "/introductions", {"organisation_id": world.nvidia.id})
    second = _post(client, world, "founder", "/introductions", {"organisation_id": world.nvidia.id})
    assert (first.status_code, second.status_code) == (201, 409)


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "organisation_id"),
        ({"organisation_id": "12"}, 422, "organisation_id"),
        ({"organisation_id": True}, 422, "organisation_id"),
        ({"organisation_id": 1, "message": 5}, 422, "message"),
        ({"organisation_id": 1, "priority": "high"}, 422, "priority"),
    ],
)
def test_bad_requests_name_the_field(client, world, payload, status, field):
    response = _post(client, world, "founder", "/introductions", payload)
    assert response.status_code == status
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 0


def test_requests_for_unknown_or_hidden_organisations_are_404(client, world, make_organisation):
    hidden = make_organisation("partner", visibility="hidden")
    for other_id in (hidden.id, 999_999):
        response = _post(client, world, "founder", "/introductions", {"organisation_id": other_id})
        assert response.status_code == 404


def test_an_unknown_outcome_is_422_and_changes_nothing(client, world):
    iid = _in_state(world, "met")
    before = _stored(iid)
    response = _act(client, world, "founder", iid, "outcome", outcome="unicorn")
    assert response.status_code == 422 and "outcome" in response.get_json()["error"]["fields"]
    missing = _post(client, world, "founder", f"/introductions/{iid}/outcome", {})
    assert missing.status_code == 422
    assert _stored(iid) == before


def test_an_outcome_that_is_not_text_is_422_not_500(client, world):
    # The transition views once bound `_` to a tuple item, hiding gettext: this answered 500.
    iid = _in_state(world, "met")
    before = _stored(iid)
    response = _act(client, world, "founder", iid, "outcome", outcome=5)
    assert response.status_code == 422
    # The one schema names the choices (the field is an enum), in the caller's language.
    assert response.get_json()["error"]["fields"] == {
        "outcome": "Choose pilot, investment, collaboration or no fit."
    }
    assert _stored(iid) == before


def test_a_transition_takes_an_empty_body_but_refuses_unknown_fields(client, world):
    iid = _in_state(world, "requested")
    unknown = _act(client, world, "staff", iid, "approve", reason="x")
    assert unknown.status_code == 422 and _stored(iid)[0] == "requested"
    bare = client.post(f"/api/v1/introductions/{iid}/approve", headers=world.headers["staff"])
    assert bare.status_code == 200 and bare.get_json()["state"] == "approved"


@pytest.mark.both_databases
def test_the_state_filter(client, world):
    iid = _in_state(world, "requested")
    found = _get(client, world, "staff", "/introductions?state=requested,approved").get_json()["items"]
    assert [i["id"] for i in found] == [iid]
    assert _get(client, world, "staff", "/introductions?state=approved").get_json()["items"] == []
    assert _get(client, world, "staff", "/introductions?state=pending").status_code == 422


@pytest.mark.both_databases
def test_staff_read_the_audit_log_others_may_not(client, world):
    iid = _in_state(world, "introduced")
    response = _get(client, world, "staff", f"/introductions/{iid}/events")
    assert response.status_code == 200
    events = response.get_json()["items"]
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        (None, "requested"),
        ("requested", "approved"),
        ("approved", "accepted"),
        ("accepted", "introduced"),
    ]
    actors = [e["actor"] and e["actor"]["email"] for e in events]
    assert actors[:3] == [world.people.founder.email, world.people.staff.email, world.people.partner.email]
    assert all(e["created_at"] for e in events) and events[0]["actor"]["role"] == "founder"
    # Members of either side see the introduction but not its audit log; outsiders not even that.
    assert _get(client, world, "founder", f"/introductions/{iid}/events").status_code == 403
    assert _get(client, world, "partner", f"/introductions/{iid}/events").status_code == 403
    assert _get(client, world, "outsider", f"/introductions/{iid}/events").status_code == 404
    assert _get(client, world, "staff", "/introductions/999999/events").status_code == 404


@pytest.mark.both_databases
def test_staff_decide_several_requests_at_once(client, world):
    first = _in_state(world, "requested")
    second = service.request_introduction(world.people.founder, world.google.id, "Cloud credits?").id
    decided_already = service.request_introduction(world.people.outsider, world.nvidia.id, "Pilot?").id
    service.approve(world.people.staff, decided_already)
    response = _post(
        client,
        world,
        "staff",
        "/introductions/decisions",
        {"introduction_ids": [first, second, decided_already, 999999], "decision": "approve", "note": "Go"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(i["id"] for i in body["decided"]) == sorted([first, second])
    assert all(i["state"] == "approved" and i["staff_note"] == "Go" for i in body["decided"])
    assert [r["id"] for r in body["refused"]] == [decided_already, 999999]
    assert all(r["message"] for r in body["refused"])
    assert _stored(first)[0] == _stored(second)[0] == "approved"


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "payload, field",
    [
        ({"decision": "approve"}, "introduction_ids"),
        ({"introduction_ids": [], "decision": "approve"}, "introduction_ids"),
        ({"introduction_ids": [1, "2"], "decision": "approve"}, "introduction_ids"),
        ({"introduction_ids": [True], "decision": "approve"}, "introduction_ids"),
        ({"introduction_ids": list(range(1, 102)), "decision": "approve"}, "introduction_ids"),
        ({"introduction_ids": "THE_REQUEST"}, "decision"),
        ({"introduction_ids": "THE_REQUEST", "decision": "maybe"}, "decision"),
        ({"introduction_ids": "THE_REQUEST", "decision": "approve", "extra": 1}, "extra"),
    ],
)
def test_bad_bulk_decisions_name_the_field_and_change_nothing(client, world, payload, field):
    iid = _in_state(world, "requested")
    payload = {k: ([iid] if v == "THE_REQUEST" else v) for k, v in payload.items()}
    before = _stored(iid)
    response = _post(client, world, "staff", "/introductions/decisions", payload)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert _stored(iid) == before


def test_only_staff_decide_in_bulk(client, world):
    iid = _in_state(world, "requested")
    before = _stored(iid)
    for who in ("founder", "partner", "outsider"):
        response = _post(
            client, world, who, "/introductions/decisions", {"introduction_ids": [iid], "decision": "approve"}
        )
        assert response.status_code == 403, who
    assert _stored(iid) == before
