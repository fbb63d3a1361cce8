"""Finding 2: bad input is refused with a 4xx at the boundary, never a 500, on both databases.

The catalogue mirrors the attacker's probe: NUL bytes, Unicode digits, ids beyond the database's
integer range, page offsets beyond bigint, infinite or giant numbers, lone surrogates, deep JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from matchmaker.accounts import tokens as api_tokens
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

BIG = "2147483648"  # one past PostgreSQL's integer
HUGE = "99999999999999999999999"  # past bigint
NINES = "9" * 400  # float('9'*400) is infinity
LONG_INT = "9" * 5000  # more digits than int() converts by default
NUL = "a\x00b"
UNICODE_DIGITS = ["²", "١٢", "৪", "１２"]


@dataclass
class Case:
    """One request: who sends it, where, and with what."""

    who: str  # anon, founder, staff, admin, api-founder, api-staff
    method: str
    path: str
    form: dict[str, Any] | None = None
    body: Any = None  # JSON text (str) sent as is
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        detail = json.dumps(self.form, ensure_ascii=True)[:40] if self.form else ""
        body = (self.body or "")[:30].encode("unicode_escape").decode() if isinstance(self.body, str) else ""
        return f"{self.who} {self.method} {self.path[:60]} {detail}{body}"


def _profile(**overrides: str) -> dict[str, str]:
    form = {
        "name": "광주 배터리",
        "description": "전기차 배터리를 만듭니다.",
        "stage": "seed",
        "visibility": "listed",
    }
    form.update(overrides)
    return form


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


CASES: list[Case] = []
# NUL bytes in every kind of text field, web and API.
CASES += [
    Case("anon", "POST", "/login", {"email": NUL, "password": NUL}),
    Case("anon", "POST", "/signup", {"display_name": NUL, "email": "a@example.kr", "password": "x" * 12}),
    Case("anon", "POST", "/signup", {"display_name": "김", "email": f"{NUL}@example.kr", "password": NUL}),
    Case("anon", "POST", "/password/reset", {"email": NUL}),
    Case("anon", "GET", "/login?next=%00"),
    Case("founder", "POST", "/organisations/{startup}/edit", _profile(name=NUL)),
    Case(
        "founder", "POST", "/organisations/{startup}/edit", _profile(description=NUL, offers=NUL, seeks=NUL)
    ),
    Case("founder", "POST", "/organisations/{startup}/edit", _profile(tags=NUL, location=NUL, website=NUL)),
    Case("founder", "POST", "/organisations/new", _profile(name=NUL, kind="startup")),
    Case("staff", "POST", "/staff/accounts/new", {"display_name": NUL, "email": NUL, "role": "partner"}),
    Case("founder", "POST", "/review/{partner}/dismiss", {"kind": "not_interested", "reason": NUL}),
    Case("founder", "POST", "/account/tokens/", {"name": NUL}),
    Case("founder", "POST", "/introductions/request", {"other_id": "{partner}", "message": NUL}),
    Case(
        "founder", "POST", "/account/password", {"current_password": NUL, "new_password": NUL, "confirm": NUL}
    ),
    Case(
        "staff", "POST", "/staff/queue/decide", {"introduction_id": "1", "decision": "approve", "note": NUL}
    ),
    Case("founder", "GET", "/organisations/?q=%00"),
    Case("founder", "GET", "/organisations/?q=a%00b&sector=%00&stage=%00"),
    Case("anon", "POST", "/language", {"language": NUL}),
    Case("api-founder", "GET", "/api/v1/organisations?q=%00"),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=_json({"description": NUL})),
    Case("api-founder", "POST", "/api/v1/introductions", body=_json({"organisation_id": 1, "message": NUL})),
    Case("api-staff", "POST", "/api/v1/organisations", body=_json({"kind": "partner", "name": NUL})),
    Case("api-staff", "POST", "/api/v1/introductions/1/approve", body=_json({"note": NUL})),
]
# Unicode digits where a number is read.
for digits in UNICODE_DIGITS:
    CASES += [
        Case("founder", "GET", f"/organisations/?page={digits}"),
        Case("founder", "GET", f"/review/?page={digits}"),
        Case("staff", "GET", f"/staff/outbox?page={digits}"),
        Case("staff", "GET", f"/staff/queue?counterpart={digits}"),
        Case("founder", "POST", "/organisations/{startup}/edit", _profile(team_size=digits)),
        Case("founder", "POST", "/introductions/request", {"other_id": digits, "message": "안녕하세요"}),
        Case(
            "staff",
            "POST",
            "/staff/accounts/new",
            {"display_name": "김", "email": "k@example.kr", "role": "partner", "organisation_id": digits},
        ),
        Case("staff", "POST", "/staff/queue/decide", {"introduction_id": digits, "decision": "approve"}),
        Case("api-founder", "GET", f"/api/v1/organisations?page={digits}"),
        Case("api-founder", "GET", f"/api/v1/organisations/{{startup}}/matches?limit={digits}"),
    ]
# Ids beyond the integer column, in paths and in forms.
for number in (BIG, HUGE):
    CASES += [
        Case("founder", "GET", f"/organisations/{number}"),
        Case("founder", "GET", f"/organisations/{number}/edit"),
        Case("founder", "GET", f"/introductions/{number}"),
        Case("founder", "POST", f"/introductions/{number}/withdraw", {}),
        Case("founder", "POST", f"/review/{number}/dismiss", {"kind": "already_met"}),
        Case("founder", "POST", f"/account/tokens/{number}/revoke", {}),
        Case("admin", "POST", f"/admin/users/{number}/active", {}),
        Case("admin", "POST", f"/admin/users/{number}/invitation", {}),
        Case("founder", "POST", "/introductions/request", {"other_id": number, "message": "안녕하세요"}),
        Case("staff", "POST", "/staff/queue/decide", {"introduction_id": number, "decision": "approve"}),
        Case("staff", "GET", f"/staff/queue?counterpart={number}"),
        Case(
            "staff",
            "POST",
            "/staff/accounts/new",
            {"display_name": "김", "email": "k@example.kr", "role": "partner", "organisation_id": number},
        ),
        Case("api-founder", "GET", f"/api/v1/organisations/{number}"),
        Case("api-founder", "PATCH", f"/api/v1/organisations/{number}", body=_json({"name": "x"})),
        Case("api-founder", "GET", f"/api/v1/organisations/{number}/matches"),
        Case("api-founder", "GET", f"/api/v1/introductions/{number}"),
        Case("api-staff", "POST", f"/api/v1/introductions/{number}/approve", body="{}"),
        Case("api-founder", "POST", "/api/v1/introductions", body=f'{{"organisation_id": {number}}}'),
        Case(
            "api-staff",
            "POST",
            "/api/v1/introductions/decisions",
            body=f'{{"introduction_ids": [{number}], "decision": "approve"}}',
        ),
    ]
# Page numbers whose offset is beyond bigint, and other bounds.
for page in ("999999999999999999", HUGE, "0", "-1"):
    CASES += [
        Case("founder", "GET", f"/organisations/?page={page}"),
        Case("founder", "GET", f"/review/?page={page}"),
        Case("staff", "GET", f"/staff/outbox?page={page}"),
        Case("api-founder", "GET", f"/api/v1/organisations?page={page}"),
        Case("api-founder", "GET", f"/api/v1/introductions?page={page}"),
    ]
# Infinite, giant and odd numbers.
CASES += [
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=f'{{"raising_usd": "{NINES}"}}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=f'{{"raising_amount": "{NINES}"}}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"raising_amount": 1e400}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"team_size": 1e400}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"team_size": NaN}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"team_size": -Infinity}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=f'{{"team_size": {LONG_INT}}}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=f'{{"team_size": {BIG}}}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"team_size": 1.5}'),
    Case(
        "api-staff", "PATCH", "/api/v1/organisations/{partner}", body=f'{{"monthly_intro_capacity": {HUGE}}}'
    ),
    Case("api-staff", "PATCH", "/api/v1/organisations/{investor}", body=f'{{"ticket_min": "{NINES}"}}'),
    Case("founder", "POST", "/organisations/{startup}/edit", _profile(raising_amount=NINES)),
    Case("founder", "POST", "/organisations/{startup}/edit", _profile(team_size=LONG_INT)),
    Case("founder", "POST", "/organisations/{startup}/edit", _profile(team_size=BIG)),
    Case("staff", "POST", "/organisations/{partner}/edit", _profile(monthly_intro_capacity=HUGE)),
    Case("staff", "POST", "/organisations/{investor}/edit", _profile(ticket_min=NINES, ticket_max="1e400")),
]
# Lone surrogates, deep and odd JSON.
CASES += [
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"description": "\\ud800"}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"name": "a\\udfffb"}'),
    Case("api-founder", "POST", "/api/v1/introductions", body='{"organisation_id": 1, "message": "\\ud83d"}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"\\ud800": 1}'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body="[" * 50_000 + "]" * 50_000),
    Case(
        "api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"a":' * 20_000 + "1" + "}" * 20_000
    ),
    Case(
        "api-founder",
        "PATCH",
        "/api/v1/organisations/{startup}",
        body='{"tags": ' + "[" * 200 + "]" * 200 + "}",
    ),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body="\xff\xfe"),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body='{"name": "x"'),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body="[]"),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=_json({"sectors": "energy"})),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=_json({"sectors": [None, 1]})),
    Case("api-founder", "PATCH", "/api/v1/organisations/{startup}", body=_json({"name": "x" * 100_000})),
    Case("api-staff", "POST", "/api/v1/introductions/decisions", body='{"introduction_ids": [1e400]}'),
    Case(
        "api-founder",
        "GET",
        "/api/v1/organisations?q=\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    ),
    # A form cannot carry a lone surrogate as UTF-8; these are its raw bytes, and a NUL, percent-encoded.
    Case(
        "founder",
        "POST",
        "/organisations/{startup}/edit",
        body="name=%ED%A0%80&description=x%00y&stage=seed&visibility=listed",
        extra={"content_type": "application/x-www-form-urlencoded"},
    ),
]


@pytest.fixture
def world(app, make_user, make_organisation):
    startup = make_organisation("startup", name="광주 배터리")
    partner = make_organisation("partner", name="NVIDIA")
    investor = make_organisation("investor", name="Rising Tide Fund")
    users = {
        "founder": make_user("founder", organisation=startup),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    tokens = {
        "api-founder": api_tokens.create_token(users["founder"], "probe")[1],
        "api-staff": api_tokens.create_token(users["staff"], "probe")[1],
    }
    return {
        "ids": {"startup": startup.id, "partner": partner.id, "investor": investor.id},
        "users": users,
        "tokens": tokens,
    }


def _send(app, world, case: Case):
    client = app.test_client()
    app.config["RATELIMIT_API"] = "10000 per minute"
    if case.who in world["users"]:
        user = world["users"][case.who]
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    path = case.path.format(**world["ids"])
    form = {k: str(v).format(**world["ids"]) for k, v in case.form.items()} if case.form is not None else None
    headers = {}
    if case.who.startswith("api-"):
        headers["Authorization"] = f"Bearer {world['tokens'][case.who]}"
    if case.body is not None:
        data = (
            case.body.encode("latin-1")
            if case.body == "\xff\xfe"
            else case.body.encode("utf-8", "surrogatepass")
        )
        content_type = case.extra.get("content_type", "application/json")
        return client.open(path, method=case.method, data=data, headers=headers, content_type=content_type)
    return client.open(path, method=case.method, data=form, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=[c.label() for c in CASES])
def test_bad_input_never_answers_500(app, world, case):
    response = _send(app, world, case)
    assert 200 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    if case.who.startswith("api-"):
        assert response.is_json


def test_the_catalogue_is_the_size_of_the_probe():
    assert len(CASES) >= 129
