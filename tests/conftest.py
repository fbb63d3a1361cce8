"""Fixtures shared by every test: the app on SQLite and on PostgreSQL, a client, a CLI runner, factories."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from matchmaker import create_app
from matchmaker.engine.encoder import SentenceTransformerEncoder
from matchmaker.extensions import db
from matchmaker.models import Organisation, Role, User

POSTGRES_ADMIN_URL = os.environ.get(
    "MATCHMAKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "startups_dev.jsonl"
TEST_PASSWORD = "correct horse battery"


def unavailable(reason: str) -> NoReturn:
    """What a test needs (PostgreSQL, Redis, Chromium, the shared data) is missing: the test is skipped
    here, and fails on CI (``CI`` set), which must exercise it."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must exercise it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_encoder() -> SentenceTransformerEncoder:
    """The packaged all-MiniLM-L6-v2 (tests marked ``slow``), loaded and warmed once per session."""
    encoder = SentenceTransformerEncoder(num_threads=2)
    encoder.encode(["warm up"])
    return encoder


def _postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs PostgreSQL ``postgres``, so ``-m "not postgres"`` leaves SQLite only.

    That is a test run with ``database_url`` = postgresql or one using ``postgres_url``, written by
    anyone, now or later: nobody has to remember the marker.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgresql"
        if on_postgres or "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    reason = _postgres_unavailable_reason()
    if reason:
        unavailable(reason)
    name = f"mm_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Settings for a test app on ``database_url``: fast encoder, no CSRF, English unless asked."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MATCHMAKER_CACHE_DIR": str(tmp_path / "cache"),  # each test's own kept vectors and index
        "SERVER_NAME": "localhost",
        "MATCHMAKER_PUBLIC_URL": "http://localhost",  # links in mail start here, whatever the Host
        # A fast deterministic encoder; tests marked `slow` use the real model.
        "MATCHMAKER_EMBEDDING_MODEL": "hashing",
        # The app defaults to Korean; most tests read English texts, so they ask for English explicitly
        # (tests/web/test_i18n.py checks the Korean default).
        "BABEL_DEFAULT_LOCALE": "en",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database-backed test runs on the embedded SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


_SQLITE_TEMPLATE: list[Path] = []  # the models' tables in one SQLite file, made once per session


def _sqlite_template() -> Path:
    """A SQLite file holding the models' empty tables, created once; each test gets a copy of it
    (a file copy takes a millisecond where create_all and drop_all took half a second)."""
    if not _SQLITE_TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="mm-schema-"))
        path = folder / "template.sqlite"
        application = create_app(make_test_config(f"sqlite:///{path}", folder))
        with application.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()
        _SQLITE_TEMPLATE.append(path)
    return _SQLITE_TEMPLATE[0]


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


@contextmanager
def app_with_schema(
    database_url: str, tmp_path: Path, config: dict[str, Any] | None = None
) -> Iterator[Flask]:
    """An app on ``database_url`` (with ``config``, else the test config) and the models' tables,
    dropped again afterwards. On SQLite the tables come as a copy of the session's template file."""
    config = config or make_test_config(database_url, tmp_path)
    sqlite_file = _sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
    if sqlite_file is not None and not sqlite_file.exists():
        shutil.copyfile(_sqlite_template(), sqlite_file)
    application = create_app(config)
    with application.app_context():
        if sqlite_file is None:
            db.create_all()
        try:
            yield application
        finally:
            db.session.remove()
            if sqlite_file is None:
                db.drop_all()  # the PostgreSQL database is the session's; a SQLite copy goes with tmp_path
            db.engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with app_with_schema(database_url, tmp_path) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class IsolatedClient(FlaskClient):
    """A browser of its own: each request gets a fresh app context (its own ``g`` and database session).

    The plain test client reuses the test's app context, so ``g`` (where Flask-Login keeps the signed-in
    user) leaks between requests; tests with several browsers at once need this one.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def new_client(app: Flask) -> Callable[[], FlaskClient]:
    """Make separate browsers (cookie jars) that do not share the signed-in user."""

    def make() -> FlaskClient:
        return IsolatedClient(app, app.response_class, use_cookies=True)

    return make


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_organisation(app: Flask) -> Callable[..., Organisation]:
    """Insert an organisation with sensible defaults; keyword arguments override fields."""
    counter = iter(range(1, 10_000))

    def factory(kind: str = "startup", sectors: list[str] | None = None, **fields: Any) -> Organisation:
        n = next(counter)
        values: dict[str, Any] = {
            "slug": f"{kind}-{n}",
            "name": f"{kind.capitalize()} {n}",
            "description": f"A {kind} in Gwangju working on applied AI.",
            "visibility": "listed",
        }
        values.update(fields)
        organisation = Organisation(kind=kind, **values)
        organisation.sectors = sectors or []
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return factory


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Insert an account with ``TEST_PASSWORD``."""
    counter = iter(range(1, 10_000))

    def factory(
        role: str | Role = Role.FOUNDER, organisation: Organisation | None = None, **fields: Any
    ) -> User:
        n = next(counter)
        role_value = Role(role).value
        user = User(
            email=fields.pop("email", f"{role_value}{n}@example.kr"),
            display_name=fields.pop("display_name", f"{role_value.capitalize()} {n}"),
            role=role_value,
            organisation=organisation,
            **fields,
        )
        # Test accounts use a cheap hash so hundreds of them stay fast; sign-up tests check real scrypt.
        user.password_hash = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], None]:
    """Sign a user in through the real login form."""

    def do_login(user: User, password: str = TEST_PASSWORD) -> None:
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)

    return do_login
