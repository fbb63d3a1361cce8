"""Issue 20, finding 9: identical PATCHes sent at once answer alike (each save's own refresh job: 202),
and parallel imports of one file all succeed, the later ones finding the rows already there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.models import ImportStatus, Organisation, OrganisationImport
from matchmaker.organisations import imports

CLIENTS = 8


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; their results (or exceptions) in order."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count, timeout=30)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return results


def test_identical_patches_at_once_all_answer_202_with_their_own_job(
    queued_app: Flask, make_organisation, make_user
):
    startup = make_organisation("startup", ["energy"], description="Second-life EV batteries.")
    make_organisation("partner", ["energy"], description="Energy storage pilots")
    founder = make_user("founder", organisation=startup)
    _, secret = api_tokens.create_token(founder, "parallel")
    startup_id = startup.id
    queued_app.config["RATELIMIT_API"] = "10000 per minute"
    db.session.remove()  # the test's thread holds no transaction while the clients race

    def patch(_: int) -> tuple[int, str | None, str | None]:
        response = queued_app.test_client().patch(
            f"/api/v1/organisations/{startup_id}",
            json={"seeks": "에너지 실증 파트너"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        job = (response.get_json() or {}).get("matches_job") or {}
        return response.status_code, response.headers.get("Location"), job.get("url")

    answers = _at_once(CLIENTS, patch)
    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert [status for status, _, _ in answers] == [202] * CLIENTS, answers
    # Each answer names the job its own save queued, and says so in the body and the Location.
    assert all(location == url for _, location, url in answers), answers
    assert len({location for _, location, _ in answers}) == CLIENTS, answers


CSV = (
    "회사명,사업자등록번호,설명,분야,단계\n"
    "햇살그리드,123-45-67891,태양광 발전량을 예측합니다.,에너지,시드\n"
    "바람데이터,,풍력 발전기의 고장을 미리 알려 줍니다.,에너지,시드\n"
    "물빛랩,,수질 센서로 양식장을 지킵니다.,에너지,시리즈 A\n"
)


def test_parallel_imports_of_one_file_all_succeed_without_duplicates(queued_app: Flask, make_user):
    staff = make_user("staff")
    records = [imports.create_import(staff, "회사.csv", CSV.encode()) for _ in range(3)]
    ids = [r.id for r in records]
    db.session.remove()

    def run(index: int) -> str:
        with queued_app.app_context():
            record = imports.run_import(ids[index])
            assert record is not None
            status = str(record.status)
            db.session.remove()
            return status

    outcomes = _at_once(len(ids), run)
    assert outcomes == [ImportStatus.DONE.value] * len(ids), outcomes
    names = list(db.session.scalars(select(Organisation.name)))
    assert sorted(names) == sorted({"햇살그리드", "바람데이터", "물빛랩"}), names
    records = [db.session.get(OrganisationImport, i) for i in ids]
    # One import created the three; the others found them there, unchanged.
    assert sorted(r.created for r in records) == [0, 0, 3], [(r.created, r.unchanged) for r in records]
    assert sum(r.unchanged for r in records) == 6
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
