"""Demo data: loads the four partners, the startups and one account per role, and is idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, User
from matchmaker.services.demo import DEMO_ACCOUNTS


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Organisation)),
        db.session.scalar(select(func.count()).select_from(User)),
    )


def test_seed_demo_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = _counts()
    snapshot = {o.slug: (o.name, o.updated_at) for o in db.session.scalars(select(Organisation))}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "0 organisations and 0 accounts created" in second.output
    assert _counts() == after_first
    db.session.expire_all()
    assert {o.slug: (o.name, o.updated_at) for o in db.session.scalars(select(Organisation))} == snapshot


def test_seed_demo_content(runner):
    result = runner.invoke(args=["seed-demo"])
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    kinds = dict(
        db.session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    )
    assert kinds["partner"] == 3 and kinds["investor"] == 1 and kinds["startup"] >= 24
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"Amazon", "Google", "NVIDIA", "Rising Tide Fund"} <= names
    startups = list(db.session.scalars(select(Organisation).where(Organisation.kind == "startup")))
    for sector in ("automotive", "energy", "healthcare", "content"):
        assert sum(sector in s.sectors for s in startups) >= 4, sector
    assert len({s.stage for s in startups}) >= 4
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in s.description) for s in startups)  # some in Korean


def test_every_demo_account_signs_in(runner, client):
    runner.invoke(args=["seed-demo"])
    for account in DEMO_ACCOUNTS:
        response = client.post("/login", data={"email": account.email, "password": account.password})
        assert response.status_code == 302, account.email
        assert client.get("/dashboard").status_code == 200
        client.post("/logout")


def test_seed_if_empty_skips_a_used_database(runner, make_user):
    make_user("staff")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already holds data" in result.output
    assert _counts() == (0, 1)
