"""The API does what its OpenAPI document says: schemathesis, every operation, every check, two roles.

Schemathesis reads /api/v1/openapi.json from the running app (in-process, on SQLite and PostgreSQL),
generates requests that fit the document and requests that break it, sends them with a founder's and a
staff member's token, and checks every answer: no 5xx, only documented status codes and content types,
bodies and headers that match the document, schema-breaking data refused, schema-fitting data not
refused with 400/422 (where the document's own rules are all there is), and so on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.inputs import DB_INT_MAX
from matchmaker.introductions import requests as intro_service
from matchmaker.schemas.profile import BILINGUAL_FIELDS
from tests.conftest import app_with_schema, make_test_config
from tests.introduction_world import add_match, make_world

# Database behaviour (see tests/conftest.py), and long: a minute or more per role and database.
pytestmark = [pytest.mark.both_databases, pytest.mark.long]

# Per operation, per role, per database: enough to reach every branch of every body and query
# without taking minutes on two cores (17 operations x 2 roles x 2 databases).
EXAMPLES = 12
ROLES = ("founder", "staff")
PROFILE_WRITES = {"POST /organisations", "PATCH /organisations/{organisation_id}"}
AMOUNT_FIELDS = {"raising_amount", "ticket_min", "ticket_max"}
# A text's version in the other language: JSON Schema cannot say that it needs its original, nor that
# it must be written in the other language than the original (organisations/bilingual.py).
VERSION_FIELDS = {f"{field}_{language}" for field in BILINGUAL_FIELDS for language in ("ko", "en")}


@pytest.fixture
def live_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app with a small world in it; the per-token limit is lifted so that it does not decide."""
    config = make_test_config(database_url, tmp_path) | {"RATELIMIT_API": "100000 per minute"}
    with app_with_schema(database_url, tmp_path, config) as application:
        yield application


@pytest.fixture
def tokens(live_app: Flask, make_user, make_organisation) -> dict[str, str]:
    """A founder's and a staff member's token, in a world with matches and an open introduction."""
    world = make_world(make_user, make_organisation)
    add_match(world.startup, world.partner, 0.8)
    add_match(world.startup, world.investor, 0.6)
    intro_service.request_introduction(world.founder, world.partner.id, "Let us try our batteries.")
    db.session.commit()
    return {
        "founder": api_tokens.create_token(world.founder, "schemathesis")[1],
        "staff": api_tokens.create_token(world.staff, "schemathesis")[1],
    }


@pytest.fixture
def api_schema(live_app: Flask, tokens: dict[str, str], role: str) -> schemathesis.schemas.BaseSchema:
    """The document as the app serves it, called through the app itself with ``role``'s token."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", live_app)
    schema.config.update(headers={"Authorization": f"Bearer {tokens[role]}"})
    # NUL is refused at the request boundary for every text (400, documented, and tested in
    # tests/web/security/test_bad_input.py); generating it here would only exercise that one refusal.
    schema.config.generation.update(allow_x00=False, max_examples=EXAMPLES)
    schema.hook("flatmap_path_parameters")(_often_existing_ids)
    return schema


# Ids of the world's objects: organisations 1-4 (the founder's startup, two partners, an investor)
# and introduction 1. Random ids would nearly always answer 404 and never reach a body's rules.
KNOWN_IDS = {"organisation_id": [1, 2, 3, 4], "introduction_id": [1]}


def _often_existing_ids(context: object, path_parameters: dict | None) -> st.SearchStrategy:
    """Replace a valid generated id by an existing one half the time; invalid ids stay as generated."""
    if not path_parameters:
        return st.just(path_parameters)
    name, value = next(iter(path_parameters.items()))
    if name not in KNOWN_IDS or not isinstance(value, int) or not 1 <= value <= DB_INT_MAX:
        return st.just(path_parameters)
    return st.sampled_from([value, *KNOWN_IDS[name]]).map(lambda chosen: {**path_parameters, name: chosen})


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    """Whose token the generated requests carry."""
    return request.param


# make_user and make_organisation depend on ``app``; point it at the live app.
@pytest.fixture
def app(live_app: Flask) -> Flask:
    return live_app


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_keeps_its_document(case: schemathesis.Case) -> None:
    if case.operation.label not in PROFILE_WRITES:
        case.call_and_validate()
        return
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if case.meta is not None and case.meta.generation.mode.is_positive and response.status_code == 422:
        # The rules JSON Schema cannot say: amount text must read as money (and a ticket range be
        # ordered), and a version in the other language needs its original, in the other language.
        # Schema-valid data may be refused for those, and for nothing else.
        fields = set(response.json()["error"]["fields"])
        assert fields and fields <= AMOUNT_FIELDS | VERSION_FIELDS, (case.as_curl_command(), response.json())
