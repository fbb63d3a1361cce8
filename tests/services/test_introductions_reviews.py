"""Review lists: ranking, filters, search, pages, dismissals the ranking respects, and rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions import requests as intros
from matchmaker.matching import exclusions, reviews
from matchmaker.models import Dismissal
from tests.introduction_world import add_look_alikes, add_match, make_world

pytestmark = pytest.mark.both_databases  # a test of database behaviour: see tests/conftest.py

Q = reviews.ReviewQuery


@pytest.fixture
def world(make_user, make_organisation):
    return make_world(make_user, make_organisation)


def _names(page):
    return [item.organisation.name for item in page.items]


def test_partner_sees_its_startups_ranked_and_filtered(world, make_organisation):
    tenant = make_organisation(
        "startup",
        sectors=["healthcare"],
        name="MediScan",
        stage="series_a",
        is_complex_tenant=True,
        description="Radiology triage with vision models.",
    )
    hidden = make_organisation("startup", sectors=["energy"], name="Stealth", visibility="hidden")
    add_match(world.startup, world.partner, 0.91)
    add_match(tenant, world.partner, 0.55)
    add_match(hidden, world.partner, 0.99)
    add_match(world.startup, world.other_partner, 0.40)  # another partner's match: never shown here
    user = world.partner_user
    assert _names(reviews.review_for(user, Q())) == ["VoltCell", "MediScan"]
    assert _names(reviews.review_for(user, Q(sector="healthcare"))) == ["MediScan"]
    assert _names(reviews.review_for(user, Q(stage="seed"))) == ["VoltCell"]
    assert _names(reviews.review_for(user, Q(tenant_only=True))) == ["MediScan"]
    assert _names(reviews.review_for(user, Q(min_score=60))) == ["VoltCell"]
    assert _names(reviews.review_for(user, Q(text="radiology"))) == ["MediScan"]
    assert _names(reviews.review_for(user, Q(text="100%_"))) == []  # wildcards are searched literally


def test_pages(world, make_organisation):
    for n in range(7):
        add_match(make_organisation("startup", name=f"S{n}"), world.partner, 0.30 + n * 0.1)
    first = reviews.review_for(world.partner_user, Q(page=1), per_page=3)
    last = reviews.review_for(world.partner_user, Q(page=3), per_page=3)
    assert first.total == 7 and first.pages == 3 and len(first.items) == 3 and first.has_next
    assert len(last.items) == 1 and not last.has_next and last.has_prev
    everyone = {
        n for p in (1, 2, 3) for n in _names(reviews.review_for(world.partner_user, Q(page=p), per_page=3))
    }
    assert len(everyone) == 7


def test_not_interested_hides_the_pair_for_both_sides_keeps_the_reason_and_blocks_requests(world):
    add_match(world.startup, world.partner, 0.8)
    reviews.dismiss(world.partner_user, world.startup.id, "not_interested", "Outside our GPU focus")
    assert _names(reviews.review_for(world.partner_user, Q())) == []
    assert _names(reviews.review_for(world.founder, Q())) == []  # the ranking respects it both ways
    kept = reviews.dismissals_for(world.partner_user)
    assert kept[0].reason == "Outside our GPU focus" and kept[0].created_by_id == world.partner_user.id
    assert exclusions.dismissed_pairs() == {
        world.partner.id: {world.startup.id},
        world.startup.id: {world.partner.id},
    }
    with pytest.raises(ConflictError, match="not interested"):
        intros.request_introduction(world.founder, world.partner.id)
    reviews.restore(world.partner_user, world.startup.id)
    assert _names(reviews.review_for(world.partner_user, Q())) == ["VoltCell"]
    with pytest.raises(NotFound):
        reviews.restore(world.partner_user, world.startup.id)


def test_already_met_means_no_more_suggestions(world):
    add_match(world.startup, world.investor, 0.7)
    reviews.dismiss(world.founder, world.investor.id, "already_met")
    again = reviews.dismiss(world.founder, world.investor.id, "already_met", "Met at the demo day")
    assert again.reason == "Met at the demo day"  # one row per pair, updated
    assert db.session.scalar(select(func.count()).select_from(Dismissal)) == 1
    assert _names(reviews.review_for(world.investor_user, Q())) == []


def test_dismissal_boundaries(world, make_organisation):
    with pytest.raises(ValidationError):
        reviews.dismiss(world.founder, world.partner.id, "meh")
    with pytest.raises(ValidationError):
        reviews.dismiss(world.founder, world.partner.id, "not_interested", "x" * 600)
    with pytest.raises(ConflictError):
        reviews.dismiss(world.partner_user, world.other_partner.id, "not_interested")
    with pytest.raises(NotFound):
        reviews.dismiss(world.founder, 123456, "not_interested")
    with pytest.raises(PermissionDenied):
        reviews.dismiss(world.staff, world.partner.id, "not_interested")
    with pytest.raises(PermissionDenied):
        reviews.review_for(world.staff, Q())


def test_rotation_shuffles_equal_scores_per_viewer_and_week(world, make_organisation):
    startups = [make_organisation("startup", name=f"Tie {n}") for n in range(8)]
    for s in startups:
        add_match(s, world.partner, 0.71)
        add_match(s, world.other_partner, 0.71)
    best = make_organisation("startup", name="Clearly best")
    add_match(best, world.partner, 0.95)
    add_match(best, world.other_partner, 0.95)
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    a = _names(reviews.review_for(world.partner_user, Q(), per_page=20, now=monday))
    b = _names(reviews.review_for(world.other_partner_user, Q(), per_page=20, now=monday))
    assert a[0] == b[0] == "Clearly best"  # bands keep the ranking where scores really differ
    assert a != b  # the same tie is ordered differently for two partners
    assert a == _names(
        reviews.review_for(world.partner_user, Q(), per_page=20, now=monday + timedelta(days=3))
    )
    assert a != _names(
        reviews.review_for(world.partner_user, Q(), per_page=20, now=monday + timedelta(days=7))
    )


def test_rotation_moves_much_requested_startups_down_a_band(world, make_organisation, make_user):
    popular = make_organisation("startup", name="Popular")
    quiet = make_organisation("startup", name="Quiet")
    add_match(popular, world.partner, 0.77)
    add_match(quiet, world.partner, 0.76)  # same 75-79 band, a little lower
    assert _names(reviews.review_for(world.partner_user, Q()))[0] in {"Popular", "Quiet"}
    for n in range(reviews.POPULAR_REQUESTS):
        other = make_organisation("partner", name=f"Suitor {n}")
        intros.request_introduction(make_user("partner", other), popular.id)
    assert _names(reviews.review_for(world.partner_user, Q())) == ["Quiet", "Popular"]


def test_review_items_carry_the_open_introduction(world):
    add_match(world.startup, world.partner, 0.8)
    intro = intros.request_introduction(world.founder, world.partner.id)
    (item,) = reviews.review_for(world.partner_user, Q()).items
    assert item.introduction.id == intro.id and item.match.percent == 80


def test_varied_order_stops_look_alikes_filling_the_top(world, make_organisation):
    add_look_alikes(world, make_organisation)
    ranked = _names(reviews.review_for(world.partner_user, Q(), per_page=20))
    assert ranked[-1] == "K-pop Stream"  # by score the three look-alikes come first
    varied = _names(reviews.review_for(world.partner_user, Q(order=reviews.VARIED), per_page=20))
    assert varied[:2] == ["Battery 0", "K-pop Stream"]  # the best one, then the best different one
    assert sorted(varied) == sorted(ranked)  # nothing is lost, only reordered
    # Filters still apply before the order is chosen.
    assert _names(reviews.review_for(world.partner_user, Q(order=reviews.VARIED, min_score=85))) == [
        "Battery 0",
        "Battery 1",
        "Battery 2",
    ]


def test_varied_order_reorders_only_the_best_pool(world, make_organisation, monkeypatch):
    add_look_alikes(world, make_organisation)
    monkeypatch.setattr(reviews, "VARIED_POOL", 2)
    varied = _names(reviews.review_for(world.partner_user, Q(order=reviews.VARIED), per_page=20))
    assert varied == ["Battery 0", "Battery 1", "Battery 2", "K-pop Stream"]  # beyond the pool: by score


def test_varied_order_reuses_stored_vectors(world, make_organisation, recording_encoder):
    add_look_alikes(world, make_organisation)
    reviews.review_for(world.partner_user, Q(order=reviews.VARIED))
    assert recording_encoder.texts  # the first look embeds (and stores) the descriptions
    recording_encoder.calls.clear()
    again = _names(reviews.review_for(world.partner_user, Q(order=reviews.VARIED)))
    assert again[:2] == ["Battery 0", "K-pop Stream"] and recording_encoder.texts == []
