"""A profile save under a queue is one transaction that reads the profile once (issue 20, finding 10):
its pending mark carries the id of the job it queues, so nothing is written after the commit, and a
refresh leaves its work to a later save's job only when that job is really on the queue."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.jobs import registry
from matchmaker.models import Match, PendingRefresh

pytestmark = pytest.mark.both_databases  # row locks and upserts: see tests/conftest.py


def _world(make_organisation, make_user):
    startup = make_organisation("startup", ["energy"], description="Second-life EV batteries for storage.")
    for description in ("Energy storage pilots", "Cloud credits for AI"):
        make_organisation("partner", ["energy"], description=description)
    founder = make_user("founder", organisation=startup)
    _, secret = api_tokens.create_token(founder, "save cost")
    return startup, {"Authorization": f"Bearer {secret}"}


def test_an_api_save_commits_once_reads_the_profile_once_and_stores_its_jobs_id(
    queued_app, client, make_organisation, make_user
):
    startup, headers = _world(make_organisation, make_user)
    path = f"/api/v1/organisations/{startup.id}"
    # A first save: the token's first use is noted (once a while, in a transaction of its own).
    assert client.patch(path, json={"offers": "배터리 상태 데이터"}, headers=headers).status_code == 202
    statements: list[str] = []
    commits: list[int] = []
    engine = db.engine

    def on_statement(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", lambda conn: commits.append(1))
    try:
        response = client.patch(path, json={"seeks": "에너지 실증 파트너"}, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        engine.dispatch.commit.clear()
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    # The answer shows the profile as saved, without reading it back.
    assert body["seeks"] == "에너지 실증 파트너" and body["offers"] == "배터리 상태 데이터"
    assert len(commits) == 1, "\n".join(s[:150] for s in statements)
    profile_reads = [s for s in statements if s.startswith("SELECT organisations.")]
    assert len(profile_reads) == 1, profile_reads
    assert "FOR UPDATE" in profile_reads[0] or db.engine.dialect.name == "sqlite"
    # The pending mark, written in that one transaction, names the job the answer gives to follow.
    db.session.expire_all()
    pending = db.session.get(PendingRefresh, startup.id)
    assert pending is not None and pending.job_id == body["matches_job"]["id"]
    assert jobs.fetch(pending.job_id).state == "queued"


def test_a_refresh_does_the_work_when_the_later_saves_job_never_reached_the_queue(
    queued_app, client, make_organisation, make_user
):
    """A later save stores its job's id before it queues the job; if it died in between, the id names
    no job, and the earlier job must not leave the work to it (a worker's restart would give the work
    back, but a running worker must not wait for that)."""
    startup, headers = _world(make_organisation, make_user)
    organisation_id = startup.id
    response = client.patch(
        f"/api/v1/organisations/{organisation_id}", json={"seeks": "에너지 실증 파트너"}, headers=headers
    )
    assert response.status_code == 202
    pending = db.session.get(PendingRefresh, organisation_id)
    requested_at = pending.requested_at
    db.session.execute(
        update(PendingRefresh)
        .where(PendingRefresh.organisation_id == organisation_id)
        .values(requested_at=requested_at + timedelta(seconds=1), job_id=str(uuid.uuid4()))
    )
    db.session.commit()

    # The first save's job, as the worker runs it (in process here, so no start-up requeue runs first).
    report = registry.resolve("refresh-organisation")(organisation_id, requested_at.isoformat())
    assert "superseded" not in report and report["matches"] == 2
    db.session.expire_all()
    count = select(func.count()).select_from(Match).where(Match.startup_id == organisation_id)
    assert db.session.scalar(count) == 2
