"""Fixtures shared by every test: the app on SQLite (and on PostgreSQL where the database matters), a
client, a CLI runner, factories.

Which database a test runs on
-----------------------------
A test that uses ``app`` (or ``client``, ``database_url``, a factory ...) runs on SQLite. A test of what
the database itself does runs on PostgreSQL too: mark it ``@pytest.mark.both_databases`` (or a whole
module with ``pytestmark = pytest.mark.both_databases``). Mark it when the test touches locks, upserts,
races, several connections, threads or processes (job workers, gunicorn), constraints and the errors a
database raises on bad data (IntegrityError, DataError: lengths, integer ranges, NUL characters),
transactions and savepoints, migrations, backups and restores, JSON or array columns, text search and
sorting, raw SQL, or a query whose count or plan is asserted. When in doubt, mark it. Tests that need
PostgreSQL alone take ``postgres_url``. Every test on PostgreSQL gets the ``postgres`` marker, so
``-m "not postgres"`` leaves SQLite only.

How a test gets its tables
--------------------------
SQLite: a copy of a template file made once per session. PostgreSQL: one database per test session
(per process), its tables created once; each test starts by emptying them (DELETE and sequences back
to 1: 0.03 s where create_all and drop_all took 1.3 s on the loaded 2-core machine), and by building
them again when an earlier test dropped, restored or migrated them. The rows are committed for real,
so workers, threads and subprocesses see what the test wrote.

Two pytest workers
------------------
``make test`` runs one pytest worker per core (pytest-xdist, ``--dist loadfile``): each file runs whole
in one worker, so a module's fixtures (a served app and a browser, the model) are set up once. A worker
is a process with everything of its own: its PostgreSQL database and SQLite files (named after the
process), its job queue and Redis keys, free ports for servers, the model (``shipped_encoder``,
``real_encoder``). A test may therefore rely on nothing another file does. Files with long tests run
first (``_long_files_first``), so that neither worker waits alone at the end.
"""

from __future__ import annotations

import collections
import functools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import jinja2
import jinja2.bccache
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from matchmaker import create_app
from matchmaker.config import DefaultConfig
from matchmaker.engine.encoder import CachingEncoder, Encoder, SentenceTransformerEncoder
from matchmaker.engine.multilingual import make_encoder
from matchmaker.extensions import db
from matchmaker.models import Organisation, Role, User


def _compile_each_url_builder_once() -> None:
    """Every test builds an app, and werkzeug compiles two URL builders for each of its ~110 rules with
    ast and compile(): two thirds of create_app's CPU time (73 ms, 23 ms without). A builder is made
    from the rule's text, parts and defaults alone and runs with the rule bound to it, so the session
    compiles each once. Werkzeug has no public switch for this: where its private method is missing,
    nothing is changed and apps are built as before."""
    original = getattr(Rule, "_compile_builder", None)
    if original is None:
        return
    compiled: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(original)
    def compile_once(rule: Rule, append_unknown: bool = True) -> Any:
        defaults = repr(sorted((rule.defaults or {}).items()))
        key = (rule.rule, rule.host, rule.subdomain, tuple(rule._trace), defaults, append_unknown)
        if key not in compiled:
            compiled[key] = original(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_once  # type: ignore[method-assign]


_compile_each_url_builder_once()


class _SessionTemplateCode(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for the whole session and shared by every app.

    Every test builds an app, and each app's Jinja environment compiled each template it rendered
    from source again (lexing, parsing, code generation, compile()): 30 ms for the login page alone,
    paid again in every test that renders a page. Jinja's own bytecode cache is keyed by the template's
    name and checked against its source, and every test app configures Jinja the same way
    (create_app), so a template compiled once serves them all."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored when the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _share_compiled_templates() -> None:
    """Give every app's Jinja environment the session's template code (Flask's documented hook)."""
    templates = _SessionTemplateCode()
    create = Flask.create_jinja_environment

    @functools.wraps(create)
    def create_with_shared_code(app: Flask) -> Any:
        environment = create(app)
        environment.bytecode_cache = templates
        return environment

    Flask.create_jinja_environment = create_with_shared_code  # type: ignore[method-assign,assignment]


_share_compiled_templates()


class _SessionCompiledSQL(LRUCache):  # type: ignore[type-arg]
    """SQLAlchemy's compiled statements, kept for the whole session and shared by every test's engine.

    Every test builds an app, and with it an engine whose statement cache starts empty: each test
    compiled the statements it ran again (2 ms each for the ORM's selects and flushes, a sixth of the
    CPU of a test that builds a small world and sends a request). A compiled statement is keyed by the
    dialect that compiled it, and each engine has its own dialect; this cache keys it by what makes
    two dialects compile the same SQL: their class, the server's version and the parameter style.
    Every test engine of a database is configured alike (create_app), so one compilation serves all.
    Used through the documented ``compiled_cache`` execution option."""

    def __init__(self) -> None:
        super().__init__(20_000)
        self._dialects: dict[tuple[Any, ...], Any] = {}

    def _shared(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        dialect = key[0]
        kind = (
            type(dialect),
            dialect.server_version_info,
            dialect.paramstyle,
            dialect.max_identifier_length,
            dialect.default_schema_name,
        )
        return (self._dialects.setdefault(kind, dialect), *key[1:])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._shared(key), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._shared(key), value)


_COMPILED_SQL = _SessionCompiledSQL()


POSTGRES_ADMIN_URL = os.environ.get(
    "MATCHMAKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "startups_dev.jsonl"
TEST_PASSWORD = "correct horse battery"


def required_on_ci(reason: str) -> None:
    """Something a test can go without here (it runs on less) is missing: under CI (``CI`` set), which
    must exercise everything, the test fails instead. The one place that decides skip-or-fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must exercise it")


def unavailable(reason: str) -> NoReturn:
    """What a test needs (PostgreSQL, Redis, Chromium, a tool, the shared data) is missing: the test is
    skipped here, and fails on CI (``CI`` set), which must exercise it."""
    required_on_ci(reason)
    pytest.skip(reason)


def require_redis(url: str) -> redis.Redis:
    """A client of the shared Redis at ``url``; the test is skipped (failed on CI) when it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    if not _pings(client):
        unavailable(f"Redis is not reachable at {url}")
    return client


@pytest.fixture
def shared_data() -> Path:
    """The real startups file in ../shared/data (skipped where it is absent, failed on CI)."""
    if not SHARED_DATA.exists():
        unavailable(f"real data not found at {SHARED_DATA} (shared/ must sit beside the checkout)")
    return SHARED_DATA


class PrivateRedis:
    """A redis-server of one test's own on a free port, which the test may kill and start again (the
    shared Redis on 6379 is never stopped)."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed (make test installs it)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while not _pings(client):
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail("the private redis-server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A started ``PrivateRedis``, killed after the test."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def real_encoder() -> SentenceTransformerEncoder:
    """The packaged all-MiniLM-L6-v2 (tests marked ``slow``), loaded and warmed once per session."""
    encoder = SentenceTransformerEncoder(num_threads=2)
    encoder.encode(["warm up"])
    return encoder


@pytest.fixture(scope="session")
def cached_real_encoder(real_encoder: SentenceTransformerEncoder) -> Encoder:
    """``real_encoder`` behind an in-memory cache of the texts it has embedded, for tests that seed the
    demo with it on both databases: the second seeding reads the vectors the first one computed."""
    return CachingEncoder(real_encoder)


@pytest.fixture(scope="session")
def shipped_encoder() -> Encoder:
    """The model a new installation matches with (the default setting), loaded once per session (once per
    pytest worker): the modules that test language behaviour with it no longer load it one by one.

    Behind an in-memory cache of the texts it has embedded, as the app's stored embeddings are: the
    demo's profiles, which most of these tests seed, are embedded once per session, not once per test."""
    return CachingEncoder(make_encoder(DefaultConfig.MATCHMAKER_EMBEDDING_MODEL))


def _postgres_unavailable_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_databases`` (or in a module so marked) run once per database."""
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


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
    _long_files_first(items)


def _long_files_first(items: list[pytest.Item]) -> None:
    """Files holding a test marked ``slow``, ``e2e`` or ``long`` (the real model, a browser, fuzzing), or
    one that starts job worker processes (``worker_env``), run first; then the other files, those with
    more tests first.

    ``make test`` hands whole files to two workers in this order, the next file to whichever is free:
    with the longest files at the end, one worker ran a two-minute file while the other sat idle, and
    in alphabetical order a 300-test file came last and left one worker idle for 20 s. Each group's
    files keep their written order among equals, and each file the order of its tests."""
    long_files = {
        item.path
        for item in items
        if any(item.get_closest_marker(name) for name in ("slow", "e2e", "long"))
        or "worker_env" in getattr(item, "fixturenames", ())
    }
    tests_in = collections.Counter(item.path for item in items)
    items.sort(key=lambda item: (0, 0) if item.path in long_files else (1, -tests_in[item.path]))


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
        # Commits do not wait for the disk (1 ms each here, 0.1 ms without): every session sees the
        # same rows, locks and errors; only a crash of the server itself could lose the last commits.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
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
        # (tests/web/language/test_i18n.py checks the Korean default).
        "BABEL_DEFAULT_LOCALE": "en",
    }


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite; and PostgreSQL as well for tests marked ``both_databases`` (see this module's docstring)."""
    if getattr(request, "param", "sqlite") == "sqlite":
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


_EMPTY_SEQUENCES = text(
    "SELECT setval(c.oid, 1, false) FROM pg_class c"
    " WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
)


def _empty_postgres_tables(engine: Engine) -> None:
    """Give the test the models' tables with no rows and ids from 1, as a fresh create_all would.

    The tables stay from one test to the next; only when they differ from the models' (the session's
    first test, or one that dropped, restored or migrated them) are they built again. A session left
    holding a lock (a test's stray connection or process) is ended rather than waited on for ever.
    """
    try:
        _empty_tables(engine)
    except OperationalError:  # lock_timeout: someone still holds a table
        with engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        engine.dispose()
        _empty_tables(engine)


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '15s'"))
        present = set(
            connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
        )
        if present != set(db.metadata.tables):
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.metadata.create_all(connection)
            return
        # DELETE, not TRUNCATE: on tables this small TRUNCATE (new files for 31 tables and their
        # indexes) took 20 times as long.
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(_EMPTY_SEQUENCES)


@contextmanager
def app_with_schema(
    database_url: str, tmp_path: Path, config: dict[str, Any] | None = None
) -> Iterator[Flask]:
    """An app on ``database_url`` (with ``config``, else the test config) and the models' empty tables.

    SQLite: a copy of the session's template file (in tmp_path). PostgreSQL: the session database's
    tables, emptied first (see this module's docstring). Other databases: create_all and drop_all.
    """
    config = config or make_test_config(database_url, tmp_path)
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    sqlite_file = _sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
    if sqlite_file is not None and not sqlite_file.exists():
        shutil.copyfile(_sqlite_template(), sqlite_file)
    on_postgres = url.get_backend_name() == "postgresql"
    application = create_app(config)
    with application.app_context():
        db.engine.update_execution_options(compiled_cache=_COMPILED_SQL)
        if on_postgres:
            _empty_postgres_tables(db.engine)
        elif sqlite_file is None:
            db.create_all()
        try:
            yield application
        finally:
            db.session.remove()
            if sqlite_file is None and not on_postgres:
                db.drop_all()
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
def as_user(app: Flask) -> Callable[[User], FlaskClient]:
    """A browser of its own, signed in as ``user`` through the login form: several people act in one test."""

    def sign_in(user: User) -> FlaskClient:
        client = IsolatedClient(app, app.response_class, use_cookies=True)
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


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
