"""Without Redis every job runs inline, as before the queue existed, and the log says so once."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.matching import pending
from matchmaker.models import Match, PendingRefresh


def test_without_redis_a_job_runs_at_once_and_the_log_says_so_once(app, make_organisation, caplog):
    assert not jobs.queue_enabled()
    startup = make_organisation("startup", ["energy"], description="EV battery storage")
    make_organisation("partner", ["energy"], description="Energy storage pilots")
    with caplog.at_level(logging.INFO, logger="matchmaker.jobs.queue"):
        first = jobs.enqueue("refresh-organisation", startup.id, description="refresh")
        second = jobs.enqueue("expire-introductions", description="expire")
    assert first.id is None and first.state == "finished" and not first.deferred
    assert second.state == "finished"
    assert db.session.scalar(select(func.count()).select_from(Match)) == 1
    assert sum("run inline" in r.getMessage() for r in caplog.records) == 1


def test_an_inline_failure_keeps_the_save_and_clears_the_pending_mark(app, make_organisation):
    startup = make_organisation("startup")
    requested = pending.mark_pending(startup.id)
    db.session.commit()
    app.config["MATCHMAKER_EMBEDDING_MODEL"] = "/nonexistent/encoder-model"
    app.extensions.pop("matchmaker.encoder", None)
    make_organisation("partner", description="Energy storage pilots")
    ref = pending.schedule_refresh(startup.id, requested)
    assert ref.state == "failed" and "nonexistent" in ref.error
    assert db.session.get(PendingRefresh, startup.id) is None  # `flask rematch` repairs; no stuck notice


def test_the_jobs_page_says_jobs_run_inline(client, make_user, login):
    login(make_user("staff"))
    page = client.get("/staff/jobs/").get_data(as_text=True)
    assert "No job queue is configured" in page and "No job has failed." in page


def test_the_jobs_page_speaks_korean(client, make_user, login):
    staff = make_user("staff", language="ko")
    login(staff)
    page = client.get("/staff/jobs/").get_data(as_text=True)
    assert "실패한 작업이 없습니다." in page and "백그라운드 작업" in page


def test_enqueue_command_runs_inline_without_redis(runner):
    result = runner.invoke(args=["jobs", "enqueue", "expire-introductions"])
    assert result.exit_code == 0, result.output
    assert "ran inline (finished)" in result.output
    assert runner.invoke(args=["jobs", "enqueue", "nonsense"]).exit_code == 2
