"""An import confirmed on the staff page runs as a job on the real queue, and the page follows it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.models import Organisation, OrganisationImport

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

CSV = (
    "회사명,설명,분야,단계\n"
    "햇살그리드,태양광 발전량을 예측합니다.,에너지,시드\n"
    "바람데이터,풍력 발전기의 고장을 미리 알려 줍니다.,에너지,시드\n"
)


def test_a_confirmed_import_is_a_job_and_its_page_polls_until_the_report(
    queued_app, client, make_user, login, run_worker
):
    login(make_user("staff", language="ko"))
    uploaded = client.post(
        "/staff/imports",
        data={"file": (io.BytesIO(CSV.encode()), "회사.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    record = db.session.scalar(select(OrganisationImport))
    started = client.post(f"/staff/imports/{record.id}/run")
    assert started.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0  # the worker writes
    page = client.get(f"/staff/imports/{record.id}").get_data(as_text=True)
    assert "가져오기가 백그라운드에서 진행됩니다" in page  # the flash, in Korean
    assert f"/staff/imports/{record.id}/status" in page and "data-status-url" in page
    status = client.get(f"/staff/imports/{record.id}/status").get_json()
    assert status["pending"] is True and status["state"] == "running"
    queued = [j for j in jobs.job_queue().jobs if j.meta.get("import_id") == record.id]
    assert len(queued) == 1  # through jobs.enqueue: retries and the failed-jobs page apply

    finished = run_worker()
    assert finished.returncode == 0, finished.stderr[-2000:]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2
    status = client.get(f"/staff/imports/{record.id}/status").get_json()
    assert status == {"pending": False, "state": "done", "progress": 1.0, "error": None}
    report = client.get(f"/staff/imports/{record.id}").get_data(as_text=True)
    assert "새로 만듦 2, 고침 0, 바뀌지 않음 0, 거절 0." in report and "data-status-url" not in report
