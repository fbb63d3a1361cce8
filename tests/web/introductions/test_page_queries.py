"""A page of matches costs the same number of SQL statements whether it lists 2 items or 10."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.matching import refresh as matching
from matchmaker.models import Match

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

SECTORS = ["energy", "automotive", "content", "healthcare"]


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def crowded(make_organisation, make_user):
    """A partner with 12 matched startups and a startup with 12 matched partners and investors."""
    partner = make_organisation(
        "partner",
        name="GridCo",
        description="Battery storage pilots on the Gwangju grid.",
        offers="Substations for pilots.",
        seeks="Battery and solar startups.",
        sectors=["energy"],
    )
    startups = [
        make_organisation(
            "startup",
            name=f"Volt {i}",
            description=f"Battery storage number {i} for solar farms. 배터리 {i}",
            seeks="Grid pilots.",
            offers="Battery units.",
            sectors=[SECTORS[i % 4], SECTORS[(i + 1) % 4]],
        )
        for i in range(12)
    ]
    for i in range(11):
        make_organisation(
            "investor" if i % 2 else "partner",
            name=f"Counterpart {i}",
            description=f"Energy group {i} running battery pilots.",
            seeks="Battery startups.",
            offers="Pilots and capital.",
            sectors=[SECTORS[i % 4]],
        )
    matching.rematch_all()
    return {
        "partner": make_user("partner", organisation=partner),
        "founder": make_user("founder", organisation=startups[0]),
        "startup": startups[0],
    }


def _page_statements(app, client, path: str, size: int, headers=None) -> tuple[int, str]:
    app.config["REVIEW_PAGE_SIZE"] = size
    client.get(path, headers=headers)  # anything done once per session or process happens here
    app.extensions.pop("matchmaker.review_cache", None)  # count a page rendered, not one kept rendered
    with counted_statements() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["partner", "founder"])
def test_review_page_queries_do_not_grow_with_its_items(app, client, login, crowded, who: str) -> None:
    login(crowded[who])
    few, few_page = _page_statements(app, client, "/review/", 2)
    many, many_page = _page_statements(app, client, "/review/", 10)
    listed = "Volt " if who == "partner" else "Counterpart "
    assert many_page.count(listed) > few_page.count(listed) >= 2  # the longer page really lists more
    assert many == few, f"{few} statements for 2 items, {many} for 10"
    # A constant per page, not per item: each set of organisations read also loads its versions in the
    # other language (one selectin each, issue 18), and keyword exclusions look into those versions.
    assert many <= 24
    with counted_statements() as statements:  # kept rendered: the account, the data version, live parts
        assert client.get("/review/").status_code == 200
    assert len(statements) <= 6, statements


def test_matches_api_queries_do_not_grow_with_its_items(app, client, crowded) -> None:
    _, secret = api_tokens.create_token(crowded["founder"], "tests")
    headers = {"Authorization": f"Bearer {secret}"}
    path = f"/api/v1/organisations/{crowded['startup'].id}/matches?limit="
    few, few_body = _page_statements(app, client, path + "2", 10, headers)
    many, many_body = _page_statements(app, client, path + "10", 10, headers)
    assert many_body.count('"counterpart_id"') > few_body.count('"counterpart_id"') >= 2
    assert many == few, f"{few} statements for 2 items, {many} for 10"


def test_counting_sees_a_query_per_item(app, crowded) -> None:
    """The counter itself works: reading each match's organisation on its own is counted per item."""
    db.session.expire_all()
    with counted_statements() as statements:
        for match in db.session.scalars(select(Match).limit(5)):
            _ = match.counterpart.name
    assert len(statements) >= 6


def test_two_requests_marking_the_same_matches_seen_do_not_fail(app, crowded) -> None:
    """Two tabs open the matches at once: the pair the other request marked first is skipped, not a 500."""
    from sqlalchemy import func, insert

    from matchmaker.models import SeenMatch
    from matchmaker.operations import dashboard

    user = crowded["partner"]
    first = db.session.execute(
        select(Match.startup_id, Match.counterpart_id).where(Match.counterpart_id == user.organisation_id)
    ).first()
    raced: list[bool] = []

    def other_request_first(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SEEN_MATCHES") and not raced:
            raced.append(True)
            with db.engine.begin() as other:  # another request's own connection, committed first
                other.execute(
                    insert(SeenMatch).values(user_id=user.id, startup_id=first[0], counterpart_id=first[1])
                )

    event.listen(db.engine, "before_cursor_execute", other_request_first)
    try:
        dashboard.mark_matches_seen(user)
    finally:
        event.remove(db.engine, "before_cursor_execute", other_request_first)
    assert raced
    seen = db.session.scalar(select(func.count()).select_from(SeenMatch).where(SeenMatch.user_id == user.id))
    matched = db.session.scalar(
        select(func.count()).select_from(Match).where(Match.counterpart_id == user.organisation_id)
    )
    assert seen == matched > 1
