"""Fixtures for engine tests: the deterministic encoder, hand-made profiles, the real model once."""

from __future__ import annotations

import pytest

from matchmaker.engine import HashingEncoder, LexicalIndex, Profile


@pytest.fixture
def encoder() -> HashingEncoder:
    """The fast deterministic encoder used by most unit tests."""
    return HashingEncoder()


@pytest.fixture
def ev_battery() -> Profile:
    return Profile(
        id=1,
        kind="startup",
        name="VoltCell",
        description="We build battery packs and battery management systems for electric vehicles. "
        "Our solid-state battery cells store more energy and charge faster.",
        offers="Energy storage batteries, battery management software, EV charging pilots.",
        seeks="A partner for grid energy storage pilots and battery recycling.",
        sectors=frozenset({"energy", "automotive"}),
        stage="seed",
        raising_usd=2_000_000,
    )


@pytest.fixture
def music_app() -> Profile:
    return Profile(
        id=2,
        kind="startup",
        name="TuneTogether",
        description="A social music app where friends share playlists and listen to songs together.",
        offers="Music streaming community, playlist recommendations for listeners.",
        seeks="Record labels and artists to license songs.",
        sectors=frozenset({"content"}),
        stage="pre_seed",
        raising_usd=300_000,
    )


@pytest.fixture
def energy_partner() -> Profile:
    return Profile(
        id=101,
        kind="partner",
        name="GridCo",
        description="A utility operating the regional power grid and energy storage sites.",
        offers="Grid connection, test sites for energy storage batteries, pilots with our utility.",
        seeks="Startups with battery energy storage, EV charging and smart grid technology.",
        sectors=frozenset({"energy"}),
    )


@pytest.fixture
def growth_investor() -> Profile:
    return Profile(
        id=201,
        kind="investor",
        name="Late Stage Capital",
        description="We invest in growth companies building batteries, energy and mobility.",
        offers="Series B and later funding.",
        seeks="Energy and electric vehicle companies with revenue.",
        sectors=frozenset({"energy", "automotive"}),
        investor_stages=frozenset({"series_b_plus", "growth"}),
        ticket_min_usd=10_000_000,
        ticket_max_usd=50_000_000,
    )


@pytest.fixture
def lexical(ev_battery, music_app, energy_partner, growth_investor) -> LexicalIndex:
    from matchmaker.engine.scoring import lexical_text

    profiles = [ev_battery, music_app, energy_partner, growth_investor]
    return LexicalIndex().fit([lexical_text(p) for p in profiles])
