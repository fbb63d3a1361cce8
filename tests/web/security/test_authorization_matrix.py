"""The authorization matrix, generated from the URL map: every route x six roles x own and other object.

Each route's rule is written once in RULES; a route without one fails ``test_every_route_is_classified``
until someone decides who may use it. Answers are classed as: sent to sign in (302 to /login, or 401
from the API), refused (403 or 404), or let through (anything else but a 500).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.models import Introduction
from matchmaker.organisations import imports as staff_imports
from tests.conftest import TEST_PASSWORD, IsolatedClient

ROLES = ["anonymous", "founder", "partner", "investor", "staff", "admin"]
MEMBERS = {"founder", "partner", "investor"}
STAFF = {"staff", "admin"}

# Who may use each route. The vocabulary:
#   public      everyone, signed in or not
#   signed_in   any account; anonymous visitors are sent to sign in
#   members     founders, partners and investors; staff and admins are refused
#   members_step  as members, but the step itself may be refused (nothing to restore)
#   link        a signed link in the address decides, not the account: a forged one is refused
#   sign_out    everyone ends up at the sign-in page
#   staff       staff and admins;  admin: admins only
#   org_view    any account sees a listed organisation, its own or another
#   org_member  an organisation's own members, and staff (editing it, its matches)
#   founder_or_staff  founders (their startup) and staff create organisations
#   intro_party the two sides of an introduction, and staff; others are refused
#   intro_act   the two sides act (the step itself may still be refused); outsiders are refused
#   token_owner the token's owner; a token of somebody else is refused
#   staff_step  staff pass (the object may still be refused); everyone else is refused
#   signed_in_step  any account passes the role check (the object may still be refused)
#   admin_user  admins act on accounts; everyone else is refused
#   counterparts  partners and investors (their private exclusions); everyone else is refused
#   founder_advice  a founder reads their advice with a listed partner or investor (tests/jobs checks
#               which); everyone else is refused
RULES: dict[str, str] = {
    "dashboard.home": "signed_in",
    "dashboard.favicon": "public",
    "static": "public",
    "auth.login": "public",
    "auth.signup": "public",
    "auth.request_password_reset": "public",
    "auth.reset_password": "link",
    "auth.accept_invitation": "link",
    "language.switch": "public",
    "api.openapi_document": "public",
    # For the load balancer and Prometheus: no personal data (/metrics: loopback or its token).
    "operations.healthz": "public",
    "operations.readyz": "public",
    "operations.metrics_view": "public",
    "auth.logout": "sign_out",
    "auth.change_password": "signed_in",
    "account.export": "signed_in",
    "account.delete": "signed_in",
    "dashboard.index": "signed_in",
    "api_tokens.index": "signed_in",
    "api_tokens.create": "signed_in",
    "api_tokens.revoke": "token_owner",
    "organisations.directory": "signed_in",
    "organisations.show": "org_view",
    "organisations.edit": "org_member",
    "organisations.create": "founder_or_staff",
    "organisations.delete": "startup_founder",
    "organisations.matches_status": "org_member",
    "organisations.advice_progress": "founder_advice",
    "organisations.request_version": "staff",
    "introductions.index": "signed_in",
    "introductions.show": "intro_party",
    "introductions.transition": "intro_act",
    "introductions.request_new": "members",
    "review.index": "members",
    "review.dismiss": "members",
    "review.restore": "members_step",
    "staff.accounts_list": "staff",
    "staff.invite": "staff",
    "imports.index": "staff",
    "imports.upload": "staff",
    "imports.show": "staff",
    "imports.run": "staff",
    "imports.report": "staff",
    "imports.status": "staff",
    "imports.template": "staff",
    "imports.export": "staff",
    "insights.ecosystem": "staff",
    "intro_staff.funnel_page": "staff",
    "intro_staff.outbox": "staff",
    "intro_staff.queue": "staff",
    "intro_staff.decide": "staff",
    "staff_jobs.index": "staff",
    "staff_jobs.retry": "staff",
    "admin.toggle_active": "admin_user",
    "admin.reissue_invitation": "admin_user",
    "api.list_organisations": "signed_in",
    "api.create_organisation": "founder_or_staff",
    "api.get_organisation": "org_view",
    "api.update_organisation": "org_member",
    "api.list_matches": "org_member",
    "api.get_job": "job",
    "api.list_introductions": "signed_in",
    "api.request_introduction": "members",
    "api.get_introduction": "intro_party",
    "api.introduction_events": "staff",
    "api.introduction_approve": "staff",
    "api.introduction_reject": "staff",
    "api.decide_introductions": "staff",
    "api.introduction_accept": "intro_act",
    "api.introduction_decline": "intro_act",
    "api.introduction_withdraw": "intro_act",
    "api.introduction_mark_met": "intro_act",
    "api.introduction_outcome": "intro_act",
    "exclusions.index": "counterparts",
    "exclusions.add_organisation": "counterparts",
    "exclusions.add_keyword": "counterparts",
    "exclusions.remove": "counterparts",
    "learning.index": "staff",
    "learning.switch": "staff",
    "learning.learn_now": "staff",
    "learning.switch_space": "staff",
    "learning.learn_space": "staff",
    "triples.index": "staff",
    "triples.request_both": "founder_or_staff",
    # issue 19: partnering days (day and meeting ids are nobody's: the step answers 404 to staff)
    "partnering.index": "signed_in",
    "partnering.create": "staff",
    "partnering.day": "staff_step",
    "partnering.add_participant": "staff_step",
    "partnering.invite": "staff_step",
    "partnering.generate": "staff_step",
    "partnering.add_meeting": "staff_step",
    "partnering.publish": "staff_step",
    "partnering.review": "staff_step",
    "partnering.close": "staff_step",
    "partnering.print_rooms": "staff_step",
    "partnering.export": "staff_step",
    "partnering.report": "staff_step",
    "partnering.move": "staff_step",
    "partnering.lock": "staff_step",
    "partnering.remove": "staff_step",
    "partnering.me": "signed_in_step",
    "partnering.save_me": "signed_in_step",
    "partnering.agenda": "signed_in_step",
    "partnering.meeting_ics": "signed_in_step",
    "partnering.attendance": "signed_in_step",
    "partnering.feed": "link",
    "api.partnering_agenda": "signed_in_step",
    "api.partnering_meeting_ics": "signed_in_step",
}


# Bodies that pass validation, so that the role or ownership check is what answers.
BODIES: dict[str, Any] = {
    "api.decide_introductions": lambda world, role: {
        "introduction_ids": [world.introductions["founder"][1]],
        "decision": "approve",
    },
    "api.request_introduction": lambda world, role: {
        "organisation_id": world.organisations["investor" if role == "founder" else "founder"][0]
    },
    "api.introduction_outcome": lambda world, role: {"outcome": "pilot"},
}


def expected(rule: str, role: str, whose: str) -> str:
    """'login', 'refused', 'through' (let through) or 'any' (through or refused by the step's own rules)."""
    if rule == "link":
        return "refused"
    if rule == "sign_out" or (role == "anonymous" and rule != "public"):
        return "login"
    if role == "anonymous":
        return "through"
    if rule in {"public", "signed_in", "org_view"}:
        return "through"
    if rule == "job":  # a job is read by its organisation's members and staff; tests/jobs checks whose
        return "any"
    if rule == "members":
        return "through" if role in MEMBERS else "refused"
    if rule == "members_step":
        return "any" if role in MEMBERS else "refused"
    if rule == "staff":
        return "through" if role in STAFF else "refused"
    if rule == "staff_step":  # staff pass the role check; the object itself may not exist
        return "any" if role in STAFF else "refused"
    if rule == "signed_in_step":
        return "any"
    if rule == "counterparts":
        return "through" if role in {"partner", "investor"} else "refused"
    if rule == "founder_advice":
        return "any" if role == "founder" else "refused"
    if rule == "admin_user":
        return "through" if role == "admin" else "refused"
    if rule == "founder_or_staff":
        return "through" if role in STAFF or role == "founder" else "refused"
    if rule == "org_member" or rule == "intro_party":
        return "through" if role in STAFF or whose == "own" else "refused"
    if rule == "intro_act":
        return "any" if role in STAFF or whose == "own" else "refused"
    if rule == "startup_founder":  # only a founder deletes their own startup; staff hide profiles
        return "through" if role == "founder" and whose == "own" else "refused"
    if rule == "token_owner":
        return "through" if whose == "own" else "refused"
    raise AssertionError(f"unknown rule {rule}")


@dataclass
class World:
    """Two of everything, so every role has an object of its own and one of somebody else's."""

    users: dict[str, Any]
    organisations: dict[str, tuple[int, int]]  # role -> (own, other)
    introductions: dict[str, tuple[int, int]]
    tokens: dict[str, tuple[int, int]]
    secrets: dict[str, str]
    victim: int
    import_id: int = 0


def _build_world(make_user, make_organisation) -> World:
    startup = make_organisation("startup", name="볼트셀")
    other_startup = make_organisation("startup", name="Other Startup")
    partner = make_organisation("partner", name="NVIDIA")
    investor = make_organisation("investor", name="Rising Tide Fund")
    users = {
        "founder": make_user("founder", organisation=startup),
        "partner": make_user("partner", organisation=partner),
        "investor": make_user("investor", organisation=investor),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    other_founder = make_user("founder", organisation=other_startup)
    victim = make_user("founder", email="victim@example.kr")
    first = intros.request_introduction(users["founder"], partner.id, "안녕하세요").id
    second = intros.request_introduction(other_founder, investor.id, "Hello").id
    tokens, secrets = {}, {}
    for role, user in users.items():
        secrets[role] = api_tokens.create_token(user, "matrix calls")[1]
        tokens[role] = api_tokens.create_token(user, "to revoke")[0].id
    other_token = api_tokens.create_token(other_founder, "someone else's")[0].id
    upload = b"name,description\nMatrix Co,Brought in by the matrix.\n"
    import_id = staff_imports.create_import(users["staff"], "matrix.csv", upload).id
    return World(
        users=users,
        organisations={
            "founder": (startup.id, other_startup.id),
            "partner": (partner.id, investor.id),
            "investor": (investor.id, partner.id),
            "staff": (startup.id, other_startup.id),
            "admin": (startup.id, other_startup.id),
            "anonymous": (startup.id, other_startup.id),
        },
        introductions={
            "founder": (first, second),
            "partner": (first, second),
            "investor": (second, first),
            "staff": (first, second),
            "admin": (first, second),
            "anonymous": (first, second),
        },
        tokens={role: (tokens.get(role, other_token), other_token) for role in ROLES},
        secrets=secrets,
        victim=victim.id,
        import_id=import_id,
    )


def _url(app: Flask, rule: Any, world: World, role: str, whose: str) -> str:
    index = 0 if whose == "own" else 1
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "organisation_id":
            values[name] = world.organisations[role][index]
        elif name == "introduction_id":
            values[name] = world.introductions[role][index]
        elif name == "token_id":
            values[name] = world.tokens[role][index]
        elif name == "user_id":
            values[name] = world.victim
        elif name == "other_id":
            values[name] = world.organisations["partner"][0]
        elif name == "action":
            values[name] = "withdraw"
        elif name in {"token"}:
            values[name] = "not-a-real-token"
        elif name in {"day_id", "meeting_id"}:
            values[name] = 999_999  # no such partnering day or meeting
        elif name == "exclusion_id":
            values[name] = 999_999  # nobody's: the step refuses it with a message on the page
        elif name == "job_id":
            values[name] = "no-such-job"
        elif name == "filename":
            values[name] = "style.css"
        elif name == "import_id":
            values[name] = world.import_id
        elif name == "fmt":
            values[name] = "csv"
        elif name == "dataset":
            values[name] = "organisations"
        else:
            raise AssertionError(f"{rule.endpoint}: no value for <{name}>")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _classify(response: Any, api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return "error"
    if (api and status == 401) or (status == 302 and "/login" in response.headers.get("Location", "")):
        return "login"
    if status in (403, 404):
        return "refused"
    return "through"


def _cases(app: Flask) -> list[tuple[str, str, str]]:
    cases = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            has_object = any(a in rule.arguments for a in ("organisation_id", "introduction_id", "token_id"))
            for whose in ("own", "other") if has_object else ("own",):
                cases.append((rule.endpoint, method, whose))
    return cases


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(RULES)) == [], "classify the new routes in RULES"
    assert sorted(set(RULES) - endpoints) == [], "RULES names routes that no longer exist"


@pytest.mark.long
def test_the_matrix(app, make_user, make_organisation):
    for setting in [k for k in app.config if k.startswith("RATELIMIT_") and isinstance(app.config[k], str)]:
        if " per " in app.config[setting]:
            app.config[setting] = "100000 per minute"
    world = _build_world(make_user, make_organisation)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    violations, count = [], 0
    for endpoint, method, whose in _cases(app):
        rule = rules[endpoint]
        api = rule.rule.startswith("/api/")
        for role in ROLES:
            want = expected(RULES[endpoint], role, whose)
            client = IsolatedClient(app, app.response_class, use_cookies=True)
            headers = {}
            if role != "anonymous":
                if api:
                    headers["Authorization"] = f"Bearer {world.secrets[role]}"
                else:
                    user = world.users[role]
                    signed = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
                    assert signed.status_code == 302, role
            url = _url(app, rule, world, role, whose)
            body = BODIES[endpoint](world, role) if endpoint in BODIES else {}
            response = client.open(url, method=method, headers=headers, json=body if api else None)
            response.close()
            got = _classify(response, api)
            if endpoint == "operations.readyz" and response.status_code == 503:
                got = "through"  # "not ready" (the schema here is not stamped) is its answer, not a fault
            count += 1
            ok = got == want or (want == "any" and got in {"through", "refused"})
            if not ok:
                violations.append(
                    f"{role:9} {whose:5} {method:5} {url}: expected {want}, got {response.status_code}"
                )
    assert violations == [], "\n".join(violations)
    assert count >= 300
    # The objects are still there: nobody outside deleted or decided somebody else's introduction.
    assert db.session.get(Introduction, world.introductions["investor"][0]) is not None
