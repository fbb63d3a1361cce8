"""Finding 3: sixty clients changing one profile's sectors at once never get a 500 (PostgreSQL)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.models import Match, Organisation, OrganisationSector, User
from tests.conftest import app_with_schema

pytestmark = pytest.mark.postgres
SECTORS = ["automotive", "energy", "healthcare", "content"]


@pytest.fixture
def pg_app(postgres_url: str, tmp_path: Path) -> Iterator[Flask]:
    with app_with_schema(postgres_url, tmp_path) as application:
        application.config["RATELIMIT_API"] = "10000 per minute"
        yield application


def test_sixty_parallel_sector_edits_never_answer_500(pg_app):
    startup = Organisation(kind="startup", slug="voltcell", name="볼트셀", description="전기차 배터리 재활용")
    partners = [
        Organisation(kind="partner", slug=f"p{i}", name=f"Partner {i}", description="Batteries and energy")
        for i in range(4)
    ]
    founder = User(email="founder@voltcell.kr", display_name="대표", role="founder", organisation=startup)
    db.session.add_all([startup, *partners, founder])
    db.session.commit()
    _, token = api_tokens.create_token(founder, "parallel")
    startup_id = startup.id
    db.session.remove()  # the main thread holds no transaction while the clients race

    choices = [list(c) for n in (1, 2, 3) for c in itertools.combinations(SECTORS, n)]
    statuses: list[int] = [0] * 60
    barrier = threading.Barrier(60, timeout=30)

    def edit(index: int) -> None:
        client = pg_app.test_client()
        barrier.wait()
        try:
            response = client.patch(
                f"/api/v1/organisations/{startup_id}",
                json={"sectors": choices[index % len(choices)], "description": f"전기차 배터리 {index}"},
                headers={"Authorization": f"Bearer {token}"},
            )
        except Exception:  # in testing an unhandled error propagates; a server would answer 500
            statuses[index] = 500
            raise
        statuses[index] = response.status_code

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung: a lock was never released"
    assert 500 not in statuses, statuses
    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) >= 1
    # The rows stayed consistent: one link per sector, one match per pair.
    links = db.session.scalars(
        select(OrganisationSector.sector).where(OrganisationSector.organisation_id == startup_id)
    )
    assert len(list(links)) == len(set(db.session.get(Organisation, startup_id).sectors))
    pairs = db.session.execute(select(Match.startup_id, Match.counterpart_id)).all()
    assert len(pairs) == len(set(pairs))
    assert db.session.scalar(select(func.count()).select_from(Match)) <= 4
