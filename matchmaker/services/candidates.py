"""The candidates a refresh scores, kept per process and brought up to date from the database.

A refresh reads the listed organisations of the other side as plain rows (one query, and one for
their sectors) and compares each with what this process already holds: only new or changed
profiles are rebuilt and have their vectors read, and while nothing changed the stacked
`CandidateSet` is reused as it is. Another process's edits are seen because the rows are read
every time; a row's whole content is its key, so nothing goes stale.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from matchmaker.engine.candidates import CandidateSet, script_mask
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.profiles import Profile, ProfileVectors, embed_profiles
from matchmaker.extensions import db
from matchmaker.models import Organisation, OrganisationSector, Visibility
from matchmaker.services import money

_POOL_KEY = "matchmaker.candidates"
_lock = threading.Lock()

PROFILE_COLUMNS = (
    Organisation.id,
    Organisation.kind,
    Organisation.name,
    Organisation.description,
    Organisation.offers,
    Organisation.seeks,
    Organisation.tags,
    Organisation.stage,
    Organisation.raising_amount,
    Organisation.raising_currency,
    Organisation.investor_stages,
    Organisation.ticket_min,
    Organisation.ticket_max,
    Organisation.ticket_currency,
    Organisation.visibility,
)


def make_profile(values: Any, sectors: Iterable[str], rate: float, excluded: Iterable[int] = ()) -> Profile:
    """The engine's view of an organisation (a model or a row of PROFILE_COLUMNS); amounts in dollars."""
    return Profile(
        id=values.id,
        kind=values.kind,
        name=values.name,
        description=values.description or "",
        offers=values.offers or "",
        seeks=values.seeks or "",
        sectors=frozenset(sectors),
        tags=tuple(values.tags or ()),
        stage=values.stage,
        raising_usd=money.to_usd(values.raising_amount, values.raising_currency, rate),
        investor_stages=frozenset(values.investor_stages or ()),
        ticket_min_usd=money.to_usd(values.ticket_min, values.ticket_currency, rate),
        ticket_max_usd=money.to_usd(values.ticket_max, values.ticket_currency, rate),
        listed=values.visibility == Visibility.LISTED,
        excluded_ids=frozenset(excluded),
    )


@dataclass
class _Entry:
    key: tuple[Any, ...]
    profile: Profile
    vectors: ProfileVectors
    scripts: int


@dataclass
class _Pool:
    entries: dict[int, _Entry]
    order: tuple[tuple[Any, ...], ...]
    candidates: CandidateSet


def _key(row: Any, sectors: frozenset[str], rate: float) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row) + (sectors, rate)


def listed_candidates(kinds: Sequence[str], encoder: Encoder) -> CandidateSet:
    """Every listed organisation of `kinds`, by id, as a CandidateSet; rebuilt only where rows changed."""
    rate = money.krw_per_usd()
    rows = db.session.execute(
        select(*PROFILE_COLUMNS)
        .where(Organisation.kind.in_(kinds), Organisation.visibility == Visibility.LISTED.value)
        .order_by(Organisation.id)
    ).all()
    sectors: dict[int, set[str]] = {}
    for organisation_id, sector in db.session.execute(
        select(OrganisationSector.organisation_id, OrganisationSector.sector)
        .join(Organisation)
        .where(Organisation.kind.in_(kinds), Organisation.visibility == Visibility.LISTED.value)
    ):
        sectors.setdefault(organisation_id, set()).add(sector)
    keys = [_key(row, frozenset(sectors.get(row.id, ())), rate) for row in rows]
    pools: dict[tuple[Any, ...], _Pool] = current_app.extensions.setdefault(_POOL_KEY, {})
    pool_key = (tuple(sorted(kinds)), encoder.model_id)
    pool = pools.get(pool_key)
    order = tuple(keys)
    if pool is not None and pool.order == order:
        return pool.candidates
    old = pool.entries if pool is not None else {}
    entries: dict[int, _Entry] = {}
    changed: list[tuple[Any, tuple[Any, ...]]] = []
    for row, key in zip(rows, keys, strict=True):
        entry = old.get(row.id)
        if entry is not None and entry.key == key:
            entries[row.id] = entry
        else:
            changed.append((row, key))
    profiles = [make_profile(row, key[-2], rate) for row, key in changed]
    vectors = embed_profiles(profiles, encoder)
    for (row, key), profile, vecs in zip(changed, profiles, vectors, strict=True):
        entries[row.id] = _Entry(key, profile, vecs, script_mask(profile))
    ordered = [entries[row.id] for row in rows]
    candidates = CandidateSet.build(
        [e.profile for e in ordered], [e.vectors for e in ordered], [e.scripts for e in ordered]
    )
    with _lock:
        pools[pool_key] = _Pool(entries, order, candidates)
    return candidates


def forget_candidates() -> None:
    """Drop the process's candidates (tests, or after the exchange rate or the model changed)."""
    current_app.extensions.pop(_POOL_KEY, None)
