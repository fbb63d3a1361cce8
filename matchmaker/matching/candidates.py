"""The candidates a refresh scores, kept per process and brought up to date from the database.

A refresh reads the listed organisations of the other side as plain rows (one query, and one for
their sectors) and compares each with what this process already holds: only new or changed
profiles are rebuilt and have their vectors read, and while nothing changed the stacked
`CandidateSet` is reused as it is. Another process's edits are seen because the rows are read
every time; a row's whole content is its key, so nothing goes stale.

A process without candidates (a restarted worker) starts from the pool an earlier process kept on
disk (`_KeptPool`: the entries, their stamps and the stacked vectors, mapped) and brings it up to date
exactly as a running worker does, so only the rows edited since are read again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import String, select, type_coerce

from matchmaker import money
from matchmaker.engine.candidates import CandidateSet, script_mask
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.profiles import (
    FIELD_VECTORS_VERSION,
    Profile,
    ProfileVectors,
    embed_profiles,
)
from matchmaker.extensions import db
from matchmaker.matching import kept as kept_files
from matchmaker.models import Organisation, OrganisationSector, Visibility

logger = logging.getLogger(__name__)

_POOL_KEY = "matchmaker.candidates"
_ROWS_CHUNK = 500  # ids per IN (...): SQLite allows at most 999 bound parameters
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


def profile_chunks(
    kinds: Sequence[str] | None = None,
    listed_only: bool = True,
    excluded: Mapping[int, Iterable[int]] | None = None,
    chunk: int = 2000,
) -> Iterator[list[Profile]]:
    """Organisations as engine profiles, by id, `chunk` at a time; two queries per chunk.

    Plain rows, not models: a commit between chunks has nothing to expire and reload, and sectors
    come in one query per chunk (an id range) instead of one per organisation.
    """
    rate = money.krw_per_usd()
    excluded = excluded or {}
    last = 0
    while True:
        statement = select(*PROFILE_COLUMNS).where(Organisation.id > last)
        if kinds is not None:
            statement = statement.where(Organisation.kind.in_(kinds))
        if listed_only:
            statement = statement.where(Organisation.visibility == Visibility.LISTED.value)
        rows = db.session.execute(statement.order_by(Organisation.id).limit(chunk)).all()
        if not rows:
            return
        sectors: dict[int, set[str]] = {row.id: set() for row in rows}
        for organisation_id, sector in db.session.execute(
            select(OrganisationSector.organisation_id, OrganisationSector.sector).where(
                OrganisationSector.organisation_id.between(rows[0].id, rows[-1].id)
            )
        ):
            if organisation_id in sectors:
                sectors[organisation_id].add(sector)
        yield [make_profile(row, sectors[row.id], rate, excluded.get(row.id, ())) for row in rows]
        last = rows[-1].id


def listed_profiles(
    kinds: Sequence[str], excluded: Mapping[int, Iterable[int]] | None = None
) -> list[Profile]:
    """Every listed organisation of `kinds` as a profile, by id (see `profile_chunks`)."""
    return [p for chunk in profile_chunks(kinds, excluded=excluded, chunk=5000) for p in chunk]


@dataclass
class _Entry:
    key: tuple[Any, ...]
    profile: Profile
    vectors: ProfileVectors
    scripts: int


@dataclass
class _Pool:
    entries: dict[int, _Entry]
    stamps: dict[int, tuple[Any, ...]]  # id -> (updated_at, sectors) when its entry was made
    order: tuple[Any, ...]  # every (id, stamp) in id order, and the rate
    candidates: CandidateSet
    unkept: int = 0  # entries rebuilt since the pool was last kept on disk


def _key(row: Any, sectors: frozenset[str], rate: float) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row) + (sectors, rate)


def listed_candidates(kinds: Sequence[str], encoder: Encoder) -> CandidateSet:
    """Every listed organisation of `kinds`, by id, as a CandidateSet; rebuilt only where rows changed.

    Each refresh reads every candidate's id, `updated_at` and sectors (every edit of a profile's
    columns sets `updated_at`; sectors live in their own table, so they are read themselves), and
    the full rows only of the new or changed ones: reading every profile's text at each refresh
    took seconds at 100,000 organisations.
    """
    rate = money.krw_per_usd()
    listed = (Organisation.kind.in_(kinds), Organisation.visibility == Visibility.LISTED.value)
    # The stored value as the driver gives it: only compared, so not converted row by row.
    updated = type_coerce(Organisation.updated_at, String)
    ids_updated = db.session.execute(
        select(Organisation.id, updated).where(*listed).order_by(Organisation.id)
    ).all()
    sectors: dict[int, set[str]] = {}
    for organisation_id, sector in db.session.execute(
        select(OrganisationSector.organisation_id, OrganisationSector.sector)
        .join(Organisation)
        .where(*listed)
    ):
        sectors.setdefault(organisation_id, set()).add(sector)
    stamps = {i: (u, frozenset(sectors.get(i, ()))) for i, u in ids_updated}
    order = (tuple(stamps.items()), rate)
    pools: dict[tuple[Any, ...], _Pool] = current_app.extensions.setdefault(_POOL_KEY, {})
    pool_key = (tuple(sorted(kinds)), encoder.model_id)
    pool = pools.get(pool_key)
    if pool is None:  # a process's first refresh: start from what an earlier one kept, if anything
        pool = _KeptPool.load(pool_key, encoder)
    if pool is not None and pool.order == order:
        with _lock:
            pools[pool_key] = pool
        return pool.candidates
    old = pool.entries if pool is not None else {}
    old_stamps = pool.stamps if pool is not None and pool.order[1] == rate else {}
    entries: dict[int, _Entry] = {}
    stale = []
    for organisation_id, stamp in stamps.items():
        if organisation_id in old and old_stamps.get(organisation_id) == stamp:
            entries[organisation_id] = old[organisation_id]
        else:
            stale.append(organisation_id)
    changed: list[tuple[Any, tuple[Any, ...]]] = []
    for row in _rows(stale, len(stamps), listed):
        if row.id in stamps:
            key = _key(row, stamps[row.id][1], rate)
            entry = old.get(row.id)
            if entry is not None and entry.key == key:  # touched, not changed
                entries[row.id] = entry
            else:
                changed.append((row, key))
    profiles = [make_profile(row, key[-2], rate) for row, key in changed]
    vectors = embed_profiles(profiles, encoder)
    for (row, key), profile, vecs in zip(changed, profiles, vectors, strict=True):
        entries[row.id] = _Entry(key, profile, vecs, script_mask(profile))
    # A row listed a moment ago may have been hidden since: keep only those read above.
    ordered = [entries[i] for i in stamps if i in entries]
    candidates = CandidateSet.build(
        [e.profile for e in ordered], [e.vectors for e in ordered], [e.scripts for e in ordered]
    )
    _share_rows(ordered, candidates)
    new_pool = _Pool(entries, stamps, order, candidates, (pool.unkept if pool else 0) + len(changed))
    if new_pool.unkept >= max(KEPT_MIN_ENTRIES, KEPT_REWRITE_SHARE * len(ordered)) or (
        pool is None and new_pool.unkept
    ):
        if not getattr(encoder, "defer_missing", False):  # placeholder zeros are never kept
            if _KeptPool.write(pool_key, encoder, new_pool, ordered):
                new_pool.unkept = 0
    with _lock:
        pools[pool_key] = new_pool
    return candidates


# A running worker keeps its pool on disk again once this many (or this share of all) entries were
# rebuilt since it was last kept; a worker that started without one keeps the pool it built at once.
KEPT_MIN_ENTRIES = 500
KEPT_REWRITE_SHARE = 0.05


def _rows(ids: list[int], listed_count: int, listed: tuple[Any, ...]) -> Iterator[Any]:
    """The profile rows of ``ids`` that are still listed (a row hidden since is left out)."""
    if len(ids) * 2 > listed_count:  # most of them (a worker's first refresh): one query, by id
        yield from db.session.execute(select(*PROFILE_COLUMNS).where(*listed).order_by(Organisation.id))
        return
    for start in range(0, len(ids), _ROWS_CHUNK):
        chunk = ids[start : start + _ROWS_CHUNK]
        yield from db.session.execute(select(*PROFILE_COLUMNS).where(Organisation.id.in_(chunk), *listed))


class _KeptPool:
    """A process's candidates of one side on disk: entries, stamps and stacked vectors (mapped).

    Loaded by a process that holds none (a restarted worker), it is what that worker held before
    stopping, and is brought up to date the same way: every candidate's stamp (id, `updated_at`,
    sectors) and the exchange rate are read again and compared, a row whose stamp differs is read,
    and one whose content differs is rebuilt. So saves, deletions and a restored backup are seen as
    a running worker sees them. Named by the side, the model and the format, so another model or
    another way of making vectors (FIELD_VECTORS_VERSION) never reads it. The pickle is trusted as
    the instance folder's config.py is: only the app writes that directory.
    """

    @staticmethod
    def path(pool_key: tuple[Any, ...], encoder: Encoder) -> Path:
        return kept_files.file_for(
            "candidates", pool_key, encoder.model_id, FIELD_VECTORS_VERSION, _KEPT_FORMAT, suffix=".pickle"
        )

    @classmethod
    def load(cls, pool_key: tuple[Any, ...], encoder: Encoder) -> _Pool | None:
        path = cls.path(pool_key, encoder)
        if not path.exists():
            return None
        try:
            state = kept_files.load_mapped(path)
            candidates = CandidateSet(
                profiles=state["profiles"],
                vectors=[],
                ids=state["ids"],
                fields=state["fields"],
                scripts=state["scripts"],
                has_lexical_text=state["has_lexical_text"],
                lexical_texts=state["lexical_texts"],
            )
            keys, scripts = state["keys"], state["scripts"].tolist()
        except Exception:  # cut short, or from elsewhere: the pool is built from the database
            logger.warning("could not read the kept candidates %s; reading them again", path, exc_info=True)
            return None
        ordered = [
            _Entry(key, profile, ProfileVectors(), bits)
            for key, profile, bits in zip(keys, candidates.profiles, scripts, strict=True)
        ]
        candidates.vectors = [entry.vectors for entry in ordered]
        _share_rows(ordered, candidates)
        entries = {entry.profile.id: entry for entry in ordered}
        return _Pool(entries, state["stamps"], state["order"], candidates)

    @classmethod
    def write(cls, pool_key: tuple[Any, ...], encoder: Encoder, pool: _Pool, ordered: list[_Entry]) -> bool:
        candidates = pool.candidates
        state = {
            "keys": [entry.key for entry in ordered],
            "stamps": pool.stamps,
            "order": pool.order,
            "profiles": candidates.profiles,
            "ids": candidates.ids,
            "fields": candidates.fields,
            "scripts": candidates.scripts,
            "has_lexical_text": candidates.has_lexical_text,
            "lexical_texts": candidates.lexical_texts,
        }
        return kept_files.write_atomically(
            cls.path(pool_key, encoder), lambda path: kept_files.dump_mapped(state, path)
        )


_KEPT_FORMAT = 1


def _share_rows(ordered: list[_Entry], candidates: CandidateSet) -> None:
    """Point each entry's vectors at its rows of the stacked matrices (same values).

    Otherwise every vector is held twice, once per profile and once stacked: at 100,000
    organisations that is hundreds of megabytes. A later rebuild stacks from these views and
    re-points them, so an old stack is freed once nothing refers to it.
    """
    for i, entry in enumerate(ordered):
        views = {}
        for name, (matrix, present) in candidates.fields.items():
            views[name] = matrix[i] if present[i] else None
        entry.vectors = ProfileVectors(**views)
        candidates.vectors[i] = entry.vectors


def forget_candidates() -> None:
    """Drop the process's candidates (tests, or after the exchange rate or the model changed)."""
    current_app.extensions.pop(_POOL_KEY, None)


def to_profile(organisation: Organisation, excluded: Iterable[int] = ()) -> Profile:
    """The engine's view of an organisation; amounts in dollars at the configured rate."""
    return make_profile(organisation, organisation.sectors, money.krw_per_usd(), excluded)
