"""/healthz, /readyz and /metrics as an operator and a load balancer meet them; `flask doctor`."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from flask import Flask
from flask_migrate import stamp
from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.models import PendingRefresh, utcnow
from matchmaker.operations.health import Heartbeat
from tests.conftest import PrivateRedis, app_with_schema, make_test_config

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def stamped() -> Iterator[None]:
    """Mark the schema as the newest migration (as `flask db upgrade` leaves it), and unmark it after:
    the PostgreSQL database is shared by the session and drop_all leaves Alembic's table behind."""
    stamp()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()


@pytest.fixture
def ready_app(app: Flask) -> Iterator[Flask]:
    """The test app with its schema current."""
    with stamped():
        yield app


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"alive": True}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_the_database_current(ready_app):
    response = ready_app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "migrations"}  # no Redis configured: jobs run inline


def test_readyz_is_unready_when_migrations_have_not_run(app):
    # create_all built the tables but no migration was recorded: `flask db upgrade` has not run.
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"]["ok"] is False


def test_readyz_is_unready_when_the_database_is_gone(tmp_path):
    # A PostgreSQL URL where no server listens stands for a database that stopped.
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/gone"
    config = make_test_config(url, tmp_path) | {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}
    }
    from matchmaker import create_app

    app = create_app(config)
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["migrations"]["ok"] is False


def test_readyz_follows_redis_and_the_worker_heartbeat(database_url, tmp_path, private_redis: PrivateRedis):
    config = make_test_config(database_url, tmp_path) | {
        "MATCHMAKER_REDIS_URL": private_redis.url,
        "MATCHMAKER_JOB_QUEUE": "readyz-test",
        "MATCHMAKER_WORKER_HEARTBEAT_TTL": 3,
    }
    with app_with_schema(database_url, tmp_path, config) as app, stamped():
        client = app.test_client()
        no_worker = client.get("/readyz")
        assert no_worker.status_code == 503
        assert no_worker.get_json()["checks"]["worker"]["ok"] is False
        assert no_worker.get_json()["checks"]["redis"]["ok"] is True

        heartbeat = Heartbeat(private_redis.url, "readyz-test", ttl=3).start()
        try:
            deadline = time.monotonic() + 5
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.get_json()
            assert ready.get_json()["checks"]["worker"]["ok"] is True
        finally:
            heartbeat.stop()
        gone = client.get("/readyz").get_json()
        assert gone["checks"]["worker"]["ok"] is False  # a worker that stopped cleanly says so at once

        redis.Redis.from_url(private_redis.url).shutdown(nosave=True)
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.get_json()["checks"]["redis"]["ok"] is False


def test_metrics_show_the_listed_series(database_url, tmp_path, private_redis: PrivateRedis):
    config = make_test_config(database_url, tmp_path) | {
        "MATCHMAKER_REDIS_URL": private_redis.url,
        "MATCHMAKER_JOB_QUEUE": "metrics-test",
    }
    with app_with_schema(database_url, tmp_path, config) as app:
        client = app.test_client()
        client.get("/login")  # one request to observe
        from matchmaker.models import Organisation

        startup = Organisation(slug="s", kind="startup", name="Waiting Startup")
        db.session.add(startup)
        db.session.flush()
        db.session.add(PendingRefresh(organisation_id=startup.id, requested_at=utcnow()))
        db.session.commit()
        from matchmaker.operations.metrics import observe_save_to_fresh

        observe_save_to_fresh(utcnow())
        text = client.get("/metrics").get_data(as_text=True)
    for series in (
        'matchmaker_request_duration_seconds_count{endpoint="auth.login",method="GET",status="2xx"}',
        "matchmaker_queue_depth 0.0",
        "matchmaker_jobs_failed 0.0",
        "matchmaker_pending_refreshes 1.0",
        "matchmaker_pending_refresh_oldest_age_seconds",
        "matchmaker_save_to_fresh_seconds_count 1.0",
    ):
        assert series in text, series


def test_metrics_are_refused_from_outside_without_the_token(app):
    app.config["MATCHMAKER_METRICS_TOKEN"] = "s3cret-token-for-prometheus"
    client = app.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 403
    wrong = client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", environ_base=outside, headers={"Authorization": "Bearer s3cret-token-for-prometheus"}
    )
    assert right.status_code == 200
    assert "matchmaker_pending_refreshes" in right.get_data(as_text=True)


def test_doctor_names_what_a_production_start_lacks(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "ERROR    public URL: MATCHMAKER_PUBLIC_URL is http://localhost:" in result.output
    assert "ERROR    mail: MATCHMAKER_MAIL_SERVER is not set" in result.output
    assert "ERROR    secret key" in result.output  # the tests' key is short


def test_doctor_passes_a_complete_configuration(ready_app):
    ready_app.config.update(
        SECRET_KEY="k" * 64,
        MATCHMAKER_PUBLIC_URL="https://matchmaker.example.kr",
        MAIL_SERVER="smtp.example.kr",
        SESSION_COOKIE_SECURE=True,
    )
    result = ready_app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
