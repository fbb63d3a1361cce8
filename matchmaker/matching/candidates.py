"""The candidates a refresh scores, kept per process and brought up to date from the database.

A refresh reads the listed organisations of the other side as plain rows (one query, and one for
their sectors) and compares each with what this process already holds: only new or changed
profiles are rebuilt and have their vectors read, and while nothing changed the stacked
`CandidateSet` is reused as it is. Another process's edits are seen because the rows are read
every time; a row's whole content is its key, so nothing goes stale.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import String, select, type_coerce

from matchmaker import money
from matchmaker.engine.candidates import CandidateSet, script_mask
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.profiles import (
    FIELD_VECTORS_VERSION,
    TEXT_FIELDS,
    Profile,
    ProfileVectors,
    embed_profiles,
)
from matchmaker.extensions import db
from matchmaker.matching import kept as kept_files
from matchmaker.models import Organisation, OrganisationSector, Visibility

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
    text_key: int  # what its vectors are made from (see _text_keys)


@dataclass
class _Pool:
    entries: dict[int, _Entry]
    stamps: dict[int, tuple[Any, ...]]  # id -> (updated_at, sectors) when its entry was made
    order: tuple[Any, ...]  # every (id, stamp) in id order, and the rate
    candidates: CandidateSet
    unkept: int = 0  # entries embedded since the vectors were last kept on disk


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
    if pool is not None and pool.order == order:
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
    text_keys = _text_keys(profiles)
    # Many new entries (a worker's first refresh, a large import): the vectors kept on disk by an
    # earlier process are mapped rather than read text by text from the embeddings table.
    kept = _KeptVectors.load(pool_key, encoder) if len(changed) >= KEPT_MIN_ENTRIES else None
    found: list[tuple[ProfileVectors, int] | None] = kept.get(text_keys) if kept else [None] * len(text_keys)
    missing = [i for i, v in enumerate(found) if v is None]
    embedded = embed_profiles([profiles[i] for i in missing], encoder)
    for i, vectors in zip(missing, embedded, strict=True):
        found[i] = (vectors, script_mask(profiles[i]))
    for (row, key), profile, known, text_key in zip(changed, profiles, found, text_keys, strict=True):
        assert known is not None
        entries[row.id] = _Entry(key, profile, known[0], known[1], text_key)
    # A row listed a moment ago may have been hidden since: keep only those read above.
    ordered = [entries[i] for i in stamps if i in entries]
    candidates = CandidateSet.build(
        [e.profile for e in ordered], [e.vectors for e in ordered], [e.scripts for e in ordered]
    )
    _share_rows(ordered, candidates)
    unkept = (pool.unkept if pool is not None else 0) + len(missing)
    if unkept and (pool is None or unkept >= max(KEPT_MIN_ENTRIES, KEPT_REWRITE_SHARE * len(ordered))):
        if not getattr(encoder, "defer_missing", False):  # placeholder zeros are never kept
            unkept = 0 if _KeptVectors.write(pool_key, encoder, ordered, candidates) else unkept
    with _lock:
        pools[pool_key] = _Pool(entries, stamps, order, candidates, unkept)
    return candidates


# At least this many new entries before the kept vectors are read; and before they are written again,
# at least this many (or this share of all) entries made since they were last written.
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


def _text_keys(profiles: Sequence[Profile]) -> list[int]:
    """What a profile's field vectors and script bits are made from (its texts and tags), as a number."""
    texts = ["\x1f".join([*(getattr(p, f) for f in TEXT_FIELDS), *p.tags]) for p in profiles]
    return [int.from_bytes(k, "little") for k in kept_files.text_keys(texts)]


class _KeptVectors:
    """Candidates' field vectors on disk: one array (text key, fields present, script bits, vectors).

    Keyed by the profile's own texts (and tags, for the script bits) and named by the model and
    FIELD_VECTORS_VERSION, so an entry is right whatever happened to the database since it was
    written (saves, deletions, a restore): a profile whose texts differ has another key and is
    embedded as before. Memory-mapped: only the rows used are read, and workers on one machine share
    the pages.
    """

    def __init__(self, array: np.ndarray) -> None:
        keys = array["key"].tolist()
        self.rows = {int(a) | (int(b) << 64): i for i, (a, b) in enumerate(keys)}
        self.present = array["present"].tolist()
        self.scripts = array["scripts"].tolist()
        self.vectors = array["vectors"].view(np.ndarray)  # plain views: a memmap's indexing is slow

    @staticmethod
    def path(pool_key: tuple[Any, ...], encoder: Encoder) -> Path:
        return kept_files.file_for(
            "vectors", pool_key, encoder.model_id, FIELD_VECTORS_VERSION, _KEPT_FORMAT, suffix=".npy"
        )

    @classmethod
    def load(cls, pool_key: tuple[Any, ...], encoder: Encoder) -> _KeptVectors | None:
        path = cls.path(pool_key, encoder)
        try:
            array = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):  # none yet, or unreadable: embedded as before, written anew
            return None
        if array.dtype.names != ("key", "present", "scripts", "vectors") or array["vectors"].shape[1:] != (
            len(TEXT_FIELDS),
            encoder.dimension,
        ):
            return None
        return cls(array)

    def get(self, text_keys: list[int]) -> list[tuple[ProfileVectors, int] | None]:
        """Per key, the kept vectors and script bits (None where nothing was kept for those texts)."""
        out: list[tuple[ProfileVectors, int] | None] = []
        for key in text_keys:
            row = self.rows.get(key)
            if row is None:
                out.append(None)
                continue
            present, vectors = self.present[row], self.vectors[row]
            fields = (vectors[f] if present[f] else None for f in range(len(TEXT_FIELDS)))
            out.append((ProfileVectors(*fields), self.scripts[row]))
        return out

    @classmethod
    def write(
        cls, pool_key: tuple[Any, ...], encoder: Encoder, ordered: list[_Entry], candidates: CandidateSet
    ) -> bool:
        dimension = next(iter(candidates.fields.values()))[0].shape[1]
        dtype = np.dtype(
            [
                ("key", "<u8", (2,)),
                ("present", "?", (len(TEXT_FIELDS),)),
                ("scripts", "<i8"),
                ("vectors", "<f4", (len(TEXT_FIELDS), dimension)),
            ]
        )
        array = np.zeros(len(ordered), dtype=dtype)
        array["scripts"] = [e.scripts for e in ordered]
        keys = [e.text_key for e in ordered]
        array["key"][:, 0] = [k & 0xFFFF_FFFF_FFFF_FFFF for k in keys]
        array["key"][:, 1] = [k >> 64 for k in keys]
        for f, name in enumerate(TEXT_FIELDS):
            matrix, present = candidates.fields[name]
            array["present"][:, f] = present
            if matrix.shape[1] == dimension:
                array["vectors"][:, f, :] = matrix
        return kept_files.write_atomically(cls.path(pool_key, encoder), lambda path: _save(path, array))


def _save(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, array, allow_pickle=False)


_KEPT_FORMAT = 2


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
