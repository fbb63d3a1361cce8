"""The review page is kept rendered per data version: every change it shows appears on the next view.

Each test reads the page once (so the list is cached), changes one thing the page shows in the way
the app changes it, and reads again.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from matchmaker.accounts import tokens as api_tokens
from matchmaker.extensions import db
from matchmaker.matching import refresh as matching
from matchmaker.models import ApiToken, Match, OrganisationSector, SeenMatch, utcnow
from matchmaker.models.versions import ALL, organisation_scope, page_scopes, side_scope
from matchmaker.operations import dashboard, versions
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py


@pytest.fixture
def pair(make_organisation):
    """A startup, a partner and an investor, matched."""
    startup = make_organisation(
        "startup", name="VoltBox", stage="seed", description="Battery storage for solar farms.",
        seeks="Grid pilots.", offers="Battery units.", sectors=["energy"],
    )  # fmt: skip
    partner = make_organisation(
        "partner", name="GridCo", description="Battery storage pilots on the grid.",
        offers="Substations for pilots.", seeks="Battery startups.", sectors=["energy"],
    )  # fmt: skip
    investor = make_organisation(
        "investor", name="Sun Fund", description="Invests in energy storage.", investor_stages=["seed"],
        sectors=["energy"],
    )  # fmt: skip
    matching.rematch_all()
    return startup, partner, investor


def review(client) -> str:
    response = client.get("/review/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def items(page: str) -> list[str]:
    return re.findall(r'data-organisation="(\d+)"', page)


def cache_of(app: Flask):
    return app.extensions["matchmaker.review_cache"]


def test_a_second_view_is_served_from_the_cache_and_reads_the_same(app, client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    first = review(client)
    hits, misses = cache_of(app).hits, cache_of(app).misses
    second = review(client)
    # the list and each of its cards (kept on their own) came from the cache; nothing was rendered
    assert (cache_of(app).hits, cache_of(app).misses) == (hits + 1 + len(items(second)), misses)
    assert items(first) == items(second) and str(partner.id) in items(second)
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", first) == strip.sub("", second)


def test_a_dismissal_shows_on_the_next_view(client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    assert str(partner.id) in items(review(client))
    assert client.post(f"/review/{partner.id}/dismiss", data={"kind": "not_interested"}).status_code == 302
    page = review(client)
    assert str(partner.id) not in items(page) and "Show again" in page
    assert client.post(f"/review/{partner.id}/restore").status_code == 302
    assert str(partner.id) in items(review(client))


def test_an_introduction_request_shows_on_the_next_view(client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    assert "Introduction: " not in review(client)
    response = client.post("/introductions/request", data={"other_id": partner.id, "message": "Hello"})
    assert response.status_code == 302
    assert "Introduction: " in review(client)


def test_a_private_exclusion_shows_on_the_next_view(client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("partner", organisation=partner))
    assert str(startup.id) in items(review(client))
    assert client.post("/exclusions/organisation", data={"startup_id": startup.id}).status_code in (302, 303)
    assert str(startup.id) not in items(review(client))


def test_a_profile_edit_of_the_other_side_shows_on_the_next_view(client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    assert "GridCo" in review(client)
    partner.name = "GridCo Renamed"
    db.session.commit()
    assert "GridCo Renamed" in review(client)


def test_refreshed_matches_show_on_the_next_view(client, pair, make_user, login):
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    review(client)
    # a statement (as a refresh writes) and a change through the unit of work both count
    db.session.execute(update(Match).where(Match.counterpart_id == partner.id).values(score=0.87))
    db.session.commit()
    assert 'data-score="87"' in review(client)
    match = db.session.scalar(select(Match).where(Match.counterpart_id == partner.id))
    match.score = 0.42
    db.session.commit()
    assert 'data-score="42"' in review(client)


def test_each_language_has_its_own_page(client, pair, make_user, login):
    startup, _partner, _investor = pair
    login(make_user("founder", organisation=startup))
    assert "Why this match" in review(client)
    assert client.post("/language", data={"language": "ko", "next": "/review/"}).status_code == 302
    page = review(client)
    assert "Why this match" not in page and "매칭" in page


def test_each_visitor_gets_their_own_csrf_token(app, new_client, pair, make_user):
    startup, partner, _investor = pair
    app.config["WTF_CSRF_ENABLED"] = True
    tokens, clients = [], []
    for n in range(2):
        client = new_client()
        user = make_user("founder", organisation=startup, email=f"member{n}@example.kr")
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        data = {"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 302
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', review(client)).group(1))
        clients.append(client)
    assert tokens[0] != tokens[1]
    # the second visitor's page came from the cache, yet its token is the second visitor's own
    response = clients[1].post(
        f"/review/{partner.id}/dismiss", data={"kind": "already_met", "csrf_token": tokens[1]}
    )
    assert response.status_code == 302


def page_versions(organisation) -> tuple[int, ...]:
    """The values of the data versions a page of ``organisation`` is kept by (a list that reads the
    other side's details: a founder's, by exact score, or any searched one)."""
    scopes = page_scopes(organisation.id, organisation.kind, details=True)
    read = versions.read(scopes)
    assert read is not None
    return tuple(read[scope] for scope in scopes)


def test_the_versions_move_with_shown_data_only(app, pair, make_user):
    startup, partner, investor = pair
    founder = make_user("founder", organisation=startup)
    before = page_versions(startup)
    dashboard.mark_matches_seen(founder)  # the "new" badges' bookkeeping is not shown by the list
    assert db.session.scalars(select(SeenMatch)).first() is not None
    assert page_versions(startup) == before
    partner.description = "Changed"
    db.session.rollback()  # a rolled-back change raises nothing
    assert page_versions(startup) == before
    everything = versions.current()
    the_partner, the_investor = page_versions(partner), page_versions(investor)
    partner.description = "Changed"
    db.session.commit()
    assert page_versions(startup) != before  # the founder's page lists the partner
    assert page_versions(partner) != the_partner  # the partner's own page names it
    # Neither the global version nor the pages of the partner's own side (they do not list it) move.
    assert versions.current() == everything and page_versions(investor) == the_investor


def test_sql_the_version_cannot_read_raises_it_and_token_use_does_not(app, pair, make_user):
    startup, partner, investor = pair
    founder = make_user("founder", organisation=startup)
    _token, _secret = api_tokens.create_token(founder, "tests")
    before = versions.current()
    db.session.execute(update(ApiToken).values(last_used_at=utcnow()))  # every API call writes this
    db.session.commit()
    assert versions.current() == before
    others = page_versions(investor)
    db.session.execute(text("UPDATE organisations SET name = 'Raw' WHERE id = :id"), {"id": partner.id})
    db.session.commit()
    assert versions.current() == before + 1  # SQL it cannot read moves every kept page
    assert page_versions(investor) != others
    refreshed = page_versions(startup)
    db.session.execute(update(Match).values(score=0.5))  # a statement that names no scopes: all
    db.session.commit()
    assert versions.current() == before + 2 and page_versions(startup) != refreshed


def test_derived_caches_the_worker_fills_leave_the_version_alone(app, pair):
    """Stored sector suggestions and advice are shown on profile pages, never on a kept page: filling
    them (the worker does, for every profile after a rematch) must not throw every kept page away."""
    from matchmaker.models.derived import MatchAdvice, SectorSuggestion

    startup, partner, _investor = pair
    before = versions.current(), page_versions(startup), page_versions(partner)
    db.session.add(
        SectorSuggestion(organisation_id=startup.id, text_hash="x" * 64, suggestions=[["energy", 0.9]])
    )
    db.session.add(
        MatchAdvice(
            startup_id=startup.id, counterpart_id=partner.id, version="v" * 64, percent=41.0, suggestions=[]
        )
    )
    db.session.commit()
    assert (versions.current(), page_versions(startup), page_versions(partner)) == before


def test_made_up_parameters_share_the_entry_and_never_reach_the_page(app, client, pair, make_user, login):
    """The key and the forms' return address are the filters the page understood, so padding the URL
    neither grows the cache nor sends the next visitor anywhere odd."""
    startup, _partner, _investor = pair
    login(make_user("founder", organisation=startup))
    first = client.get("/review/?kind=partner&pad=" + "x" * 2000).get_data(as_text=True)
    entries = len(cache_of(app)._entries)
    hits = cache_of(app).hits
    second = client.get("/review/?utm=1&kind=partner").get_data(as_text=True)
    # the list and its cards, each kept once
    assert cache_of(app).hits == hits + 1 + len(items(second)) and len(cache_of(app)._entries) == entries
    assert items(first) == items(second)
    main = second.split("<main", 1)[1]  # (the language switch above it keeps the visitor's own URL)
    returns = set(re.findall(r'name="next" value="([^"]*)"', main))
    assert returns == {"/review/?kind=partner"}, returns


def test_the_cache_drops_its_least_recently_used_entries_past_its_budget():
    from matchmaker.operations.page_cache import PageCache

    cache = PageCache(max_entries=3, max_bytes=100)
    at = {ALL: 1}
    for n in range(3):
        cache.put(None, n, "x", [ALL])  # no versions: nothing kept
    assert cache.get(at, 0) is None
    for n in range(3):
        cache.put(at, n, f"page {n}", [ALL], size=30)
    assert [cache.get(at, n) for n in range(3)] == ["page 0", "page 1", "page 2"]
    cache.put(at, 3, "page 3", [ALL], size=30)  # a fourth entry: the least recently used goes
    assert cache.get(at, 0) is None and cache.get(at, 3) == "page 3"
    cache.put(at, 4, "big", [ALL], size=70)  # 70 + 30 + 30 > 100: two more go
    assert [cache.get(at, n) for n in (1, 2, 3, 4)] == [None, None, "page 3", "big"]
    cache.put(at, 5, "huge", [ALL], size=101)  # larger than the whole budget: never kept
    assert cache.get(at, 5) is None and cache.get(at, 4) == "big"
    assert cache.get({ALL: 2}, 4) is None  # a newer version: not served


def test_an_entry_is_served_while_the_versions_it_depends_on_stand_still():
    from matchmaker.operations.page_cache import PageCache

    cache = PageCache()
    everything, organisation, startups = ALL, organisation_scope(1), side_scope("startup")
    cache.put({everything: 1, organisation: 5, startups: 7}, "page", "kept", [everything, organisation])
    assert cache.get({everything: 1, organisation: 5, startups: 8}, "page") == "kept"  # not its scope
    assert cache.get({everything: 1, organisation: 6, startups: 7}, "page") is None
    assert cache.get({everything: 2, organisation: 5, startups: 7}, "page") is None
    assert cache.get({organisation: 5}, "page") is None  # a scope not read is never taken as equal


def test_readers_of_one_missed_entry_wait_for_one_render():
    import threading
    import time

    from matchmaker.operations.page_cache import PageCache

    cache, renders, at = PageCache(), [], {ALL: 1}

    def render():
        renders.append(1)
        time.sleep(0.2)
        return "page", [ALL], 4

    results: list[str] = []

    def read() -> None:
        results.append(cache.fetch(at, "k", render))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["page"] * 4 and len(renders) == 1


@pytest.fixture
def two_startups(pair, make_organisation):
    """The pair's startup, a second startup matched with the same partner, and the partner."""
    startup, partner, _investor = pair
    other = make_organisation(
        "startup", name="SunCell", stage="seed", description="Solar cells for rooftops.",
        seeks="Grid pilots.", offers="Solar cells.", sectors=["energy"],
    )  # fmt: skip
    matching.rematch_all()
    return startup, other, partner


def signed_in(new_client, user):
    client = new_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_founders_save_keeps_other_founders_pages_and_shows_on_the_partners(
    app, new_client, two_startups, make_user
):
    """Finding 10: one global version made every save throw away every kept page. A save (and the
    refresh of its matches) moves the saved startup's own page and the other side's pages only: of
    those, the saved startup's card, and the list around it only if the refresh moved its score band."""
    from matchmaker.organisations import profiles

    startup, other, partner = two_startups
    founder = signed_in(new_client, make_user("founder", organisation=startup))
    partner_member = signed_in(new_client, make_user("partner", organisation=partner))
    saver = make_user("founder", organisation=other)
    founder_cards = len(items(review(founder)))
    assert "Solar cells for rooftops." in review(partner_member)
    band_before = pair_band(other, partner)
    profiles.update_organisation(
        saver, other, profiles.profile_values(other) | {"description": "Solar cells for balconies."}
    )  # saved, and its matches refreshed (inline: no queue in tests)
    moved = pair_band(other, partner) != band_before
    hits, misses = cache_of(app).hits, cache_of(app).misses
    review(founder)
    # kept, the list and its cards: nothing it shows moved
    assert (cache_of(app).hits, cache_of(app).misses) == (hits + 1 + founder_cards, misses)
    page = review(partner_member)
    assert cache_of(app).misses == misses + 1 + moved
    assert "Solar cells for balconies." in page and "Solar cells for rooftops." not in page


def pair_band(startup, counterpart) -> int:
    score = db.session.scalar(
        select(Match.score).where(Match.startup_id == startup.id, Match.counterpart_id == counterpart.id)
    )
    return matching.score_band(score)


def test_a_text_save_renders_the_card_again_not_the_list(app, new_client, two_startups, make_user):
    """Issue 20: a description save made every partner's list be rendered again in every web process
    (the list's version was its whole side's). The list keeps its order; only the card shows the text."""
    from matchmaker.organisations import profiles

    app.config["MATCHMAKER_MATCH_ON_SAVE"] = False  # the save alone (its refresh: the tests below)
    startup, other, partner = two_startups
    partner_member = signed_in(new_client, make_user("partner", organisation=partner))
    saver = make_user("founder", organisation=other)  # (a new account moves every page: before the view)
    before = review(partner_member)
    assert "Solar cells for rooftops." in before
    profiles.update_organisation(
        saver,
        other,
        profiles.profile_values(other) | {"description": "Solar cells for balconies."},
    )
    hits, misses = cache_of(app).hits, cache_of(app).misses
    page = review(partner_member)
    # the list is kept; of its two cards, the saved startup's is rendered again
    assert (cache_of(app).hits, cache_of(app).misses) == (hits + 2, misses + 1)
    assert "Solar cells for balconies." in page and "Solar cells for rooftops." not in page
    assert items(page) == items(before)


def refreshed_with_score(monkeypatch, organisation, other, score: float, *more) -> None:
    """Refresh ``organisation``'s matches as the job does, its pair with ``other`` scored ``score``
    (and with each further (organisation, score) of ``more``)."""
    import dataclasses

    ranked = matching.rank_against
    scores = {other.id: score} | {o.id: v for o, v in zip(more[::2], more[1::2], strict=True)}

    def rank_against(*args, **kwargs):
        found = ranked(*args, **kwargs)
        return [
            dataclasses.replace(m, score=scores[o])
            if (o := m.startup_id + m.counterpart_id - organisation.id) in scores
            else m
            for m in found
        ]

    monkeypatch.setattr(matching, "rank_against", rank_against)
    matching.refresh_matches_for(organisation)


def test_a_refresh_that_moves_no_score_band_keeps_the_partners_list(
    app, client, two_startups, make_user, login, monkeypatch
):
    """A partner's list orders by score band (and a weekly shuffle within it): a refresh that changes a
    score inside its band renders the card again (it shows the score), not the list."""
    _startup, other, partner = two_startups
    refreshed_with_score(monkeypatch, other, partner, 0.71)
    login(make_user("partner", organisation=partner))
    assert 'data-score="71"' in review(client)
    refreshed_with_score(monkeypatch, other, partner, 0.73)  # the same band of 5 points: 70-74
    hits, misses = cache_of(app).hits, cache_of(app).misses
    page = review(client)
    assert (cache_of(app).hits, cache_of(app).misses) == (hits + 2, misses + 1)
    assert 'data-score="73"' in page and 'data-score="71"' not in page


def test_a_refresh_that_moves_a_score_band_moves_the_partners_list(
    app, client, two_startups, make_user, login, monkeypatch
):
    startup, other, partner = two_startups
    refreshed_with_score(monkeypatch, startup, partner, 0.60)
    refreshed_with_score(monkeypatch, other, partner, 0.40)
    login(make_user("partner", organisation=partner))
    assert items(review(client)) == [str(startup.id), str(other.id)]
    refreshed_with_score(monkeypatch, other, partner, 0.90)
    misses = cache_of(app).misses
    assert items(review(client)) == [str(other.id), str(startup.id)]
    assert cache_of(app).misses == misses + 2  # the list and the refreshed startup's card


def test_a_refresh_that_drops_a_pair_moves_the_partners_list(
    app, client, two_startups, make_user, login, monkeypatch
):
    startup, other, partner = two_startups
    login(make_user("partner", organisation=partner))
    assert str(other.id) in items(review(client))
    monkeypatch.setattr(matching, "rank_against", lambda *args, **kwargs: [])
    matching.refresh_matches_for(other)
    assert items(review(client)) == [str(startup.id)]


@pytest.mark.parametrize(
    "url",
    ["/review/?q=balconies", "/review/?order=varied", "/review/"],
    ids=["search", "varied", "keyword exclusion"],
)
def test_lists_that_read_the_texts_show_a_text_save_at_once(app, new_client, two_startups, make_user, url):
    """A searched list, the varied order (by the descriptions) and a partner hiding startups by keyword
    read the listed startups' texts outside their cards: a text save moves them at once (before its
    refresh)."""
    from matchmaker.matching import exclusions
    from matchmaker.organisations import profiles

    app.config["MATCHMAKER_MATCH_ON_SAVE"] = False
    startup, other, partner = two_startups
    member = make_user("partner", organisation=partner)
    partner_member = signed_in(new_client, member)
    saver = make_user("founder", organisation=other)
    if url == "/review/":
        exclusions.exclude_keyword(member, "balconies")
    before = review_at(partner_member, url)
    profiles.update_organisation(
        saver,
        other,
        profiles.profile_values(other) | {"description": "Solar cells for balconies."},
    )
    misses = cache_of(app).misses
    page = review_at(partner_member, url)
    assert cache_of(app).misses > misses  # the list was read again
    if url == "/review/?q=balconies":
        assert str(other.id) not in items(before) and str(other.id) in items(page)
    elif url == "/review/":
        assert str(other.id) in items(before) and str(other.id) not in items(page)
    else:
        assert "Solar cells for balconies." in page


def test_a_score_filter_shows_a_refresh_inside_a_band(
    app, client, two_startups, make_user, login, monkeypatch
):
    """A list filtered by score reads the exact scores: a refresh that crosses the filter's threshold
    inside one band moves it."""
    _startup, other, partner = two_startups
    refreshed_with_score(monkeypatch, other, partner, 0.71)
    login(make_user("partner", organisation=partner))
    assert str(other.id) not in items(review_at(client, "/review/?min_score=72"))
    refreshed_with_score(monkeypatch, other, partner, 0.73)
    assert str(other.id) in items(review_at(client, "/review/?min_score=72"))


def test_a_founders_list_shows_a_refresh_inside_a_band(
    app, client, pair, make_organisation, make_user, login, monkeypatch
):
    """A founder's list orders by exact score: a partner's refresh that changes the order inside one
    band moves it."""
    startup, partner, investor = pair
    refreshed_with_score(monkeypatch, startup, partner, 0.72, investor, 0.71)
    login(make_user("founder", organisation=startup))
    assert items(review(client)) == [str(partner.id), str(investor.id)]
    refreshed_with_score(monkeypatch, investor, startup, 0.73)
    assert items(review(client)) == [str(investor.id), str(partner.id)]


def review_at(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_refresh_of_the_other_sides_matches_shows_on_the_next_view(client, two_startups, make_user, login):
    """A refresh replaces one organisation's matches with statements that name their scopes (its own
    and its side's), not the global version: the other side's kept pages must still move."""
    _startup, other, partner = two_startups
    login(make_user("partner", organisation=partner))
    assert str(other.id) in items(review(client))
    everything = versions.current()
    scopes = (organisation_scope(other.id), side_scope("startup"))
    matching._store([other.id], [], "test", scopes)  # what refresh_matches_for writes: no matches now
    db.session.commit()
    assert versions.current() == everything
    assert str(other.id) not in items(review(client))


def test_a_sector_change_of_the_listed_side_shows_on_the_next_view(app, client, pair, make_user, login):
    """Sector rows raise their organisation's scope and its side's, even when the session does not hold
    the organisation (then both sides')."""
    startup, partner, _investor = pair
    login(make_user("founder", organisation=startup))
    before = review(client).count("Healthcare")  # (the sector filter names it too)
    with Session(db.engine) as other:  # a session that does not hold the partner, so not its kind
        other.add(OrganisationSector(organisation_id=partner.id, sector="healthcare"))
        other.commit()
    db.session.expire_all()  # the test's own session held the partner's old sectors (a request's does not)
    assert review(client).count("Healthcare") == before + 1


def test_a_card_whose_pair_went_away_while_the_list_was_read_reads_the_list_again(
    app, client, two_startups, make_user, login, monkeypatch
):
    """A kept list's cards are read after the versions: a pair gone by then (its refresh committed in
    between, and moved the list too) makes the page read its versions and the list again."""
    from matchmaker.matching import reviews

    _startup, other, partner = two_startups
    login(make_user("partner", organisation=partner))
    review(client)
    other.description = "Solar cells for balconies."  # its card is read and rendered again next time
    db.session.commit()
    real, calls = reviews.review_item, []

    def gone_once(user, other_id):
        calls.append(other_id)
        return None if len(calls) == 1 else real(user, other_id)

    monkeypatch.setattr(reviews, "review_item", gone_once)
    page = review(client)
    assert calls == [other.id, other.id] and "Solar cells for balconies." in page
