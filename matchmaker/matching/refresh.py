"""Matching: turn organisations into engine profiles, embed them (cached) and keep Match rows fresh."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from matchmaker.engine import ranking
from matchmaker.engine.candidates import CandidateSet, rank_against
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.explain import ENGINE_VERSION
from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.scoring import (
    ScoringConfig,
    deployed_config,
)
from matchmaker.extensions import db
from matchmaker.matching import learning
from matchmaker.matching.candidates import (
    listed_candidates,
    listed_profiles,
    profile_chunks,
    to_profile,
)
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.matching.exclusions import dismissed_pairs, hidden_from, private_pairs
from matchmaker.matching.lexical import forget_lexical_index, lexical_index
from matchmaker.models import Match, Organisation, Visibility, utcnow
from matchmaker.models.versions import (
    ALL,
    SCOPES_OPTION,
    details_scope,
    note_scopes,
    organisation_scope,
    side_scope,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]

# `rematch_all` replaces each startup's matches whole; committing them a few dozen at a time rather
# than one by one spares a disk sync per startup (an interrupted rematch still leaves each startup
# with either its old or its new matches, and running it again finishes the work). It also commits
# whenever REMATCH_COMMIT_SECONDS have passed: on SQLite a transaction holds the one write lock, and a
# save waiting longer than the busy timeout (5 s) would fail; with many candidates 50 rankings take
# seconds.
REMATCH_COMMIT_EVERY = 50
REMATCH_COMMIT_SECONDS = 0.5
# A partner's or investor's list shows its startups in score bands of this many points (score_band).
BAND_POINTS = 5


@dataclass
class RefreshReport:
    """What one refresh did: how many matches it wrote and how many texts it really embedded."""

    organisation_id: int
    matches: int
    embedded_texts: int


def scoring_config(encoder: Encoder) -> ScoringConfig:
    """The weights and calibration the app ranks with: learned weights when learning is on and has
    learned something, else today's."""
    return learning.active_config(deployed_config(encoder.model_id))


def excluded_pairs() -> dict[int, set[int]]:
    """Organisation id -> ids it must never be matched with ("not interested", "already met", and
    a partner's or investor's private exclusions)."""
    pairs = dismissed_pairs()
    for organisation_id, others in private_pairs().items():
        pairs.setdefault(organisation_id, set()).update(others)
    return pairs


def score_band(score: float) -> int:
    """The band of ``BAND_POINTS`` points a score falls in: a partner's or investor's list orders its
    startups by band, and within a band by a weekly shuffle (reviews.rotate)."""
    return round(score * 100) // BAND_POINTS


def _list_shape(pairs: Iterable[tuple[int, int, float]]) -> dict[tuple[int, int], int]:
    """What a plain list of the other side reads of stored matches: which pairs, in which score band."""
    return {(int(s), int(c)): score_band(float(score)) for s, c, score in pairs}


def _store(
    organisation_ids: Sequence[int],
    matches: Sequence[Any],
    model_version: str,
    scopes: Sequence[int] = (ALL,),
    moved_scopes: Sequence[int] = (),
) -> None:
    """Replace the matches of ``organisation_ids`` with ``matches`` in the current transaction.

    ``scopes``: the data versions the change raises (models/versions.py); by default every kept page's.
    ``moved_scopes``: raised too when the pairs or their score bands changed (what the other side's
    plain lists show), judged against the rows this transaction deleted; on PostgreSQL also when a
    refresh of the other side inserted one of the pairs meanwhile (its row is updated, not compared)."""
    options = {SCOPES_OPTION: frozenset(scopes)}
    now = utcnow()
    # The rows are built before the first write: on SQLite the delete takes the one write lock, and
    # saves wait for it until the commit.
    rows = [
        {
            "startup_id": m.startup_id,
            "counterpart_id": m.counterpart_id,
            "score": float(m.score),
            "explanation": m.to_dict(),
            "model_version": model_version,
            "computed_at": now,
        }
        for m in matches
    ]
    statement = (
        delete(Match)
        .where(or_(Match.startup_id.in_(organisation_ids), Match.counterpart_id.in_(organisation_ids)))
        .execution_options(**options)
    )
    deleted: Sequence[Any] = ()
    if moved_scopes:  # the rows it replaces, read in this transaction: what the new ones are compared with
        deleted = db.session.execute(
            statement.returning(Match.startup_id, Match.counterpart_id, Match.score)
        ).all()
    else:
        db.session.execute(statement)
    updated = False
    if rows:
        # An upsert: a refresh of the other side running at the same moment may have inserted the same
        # pair after our delete; the newer score wins instead of the request failing.
        # Both databases we run on have INSERT ... ON CONFLICT, each through its own dialect's insert().
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        dialect_insert = postgresql_insert if postgresql else sqlite_insert
        columns = ("score", "explanation", "model_version", "computed_at")
        for start in range(0, len(rows), 1000):  # bounded statements: the databases cap bound parameters
            insert = dialect_insert(Match).values(rows[start : start + 1000])
            upsert = insert.on_conflict_do_update(
                index_elements=["startup_id", "counterpart_id"],
                set_={column: insert.excluded[column] for column in columns},
            ).execution_options(**options)
            if moved_scopes and postgresql:
                # xmax is 0 on a row this statement inserted, and set on one it updated (a conflict).
                found = db.session.execute(upsert.returning(literal_column("xmax::text") != "0")).scalars()
                updated = any(found) or updated
            else:
                db.session.execute(upsert)
    # (On SQLite nothing can conflict: the delete holds the one write lock until the commit.)
    if moved_scopes:
        stored = ((r["startup_id"], r["counterpart_id"], r["score"]) for r in rows)
        if updated or _list_shape(deleted) != _list_shape(stored):
            note_scopes(db.session(), moved_scopes)


def kept_per_organisation() -> int:
    """How many matches a refresh explains and stores for one organisation.

    Every candidate is scored, but explaining a match (phrases, hints) is the costly part, so only
    the best ones are explained and kept; nobody reviews a partner's 5,000th startup.
    """
    return current_app.config["MATCHMAKER_MATCHES_KEPT"]


def model_version(encoder: Encoder) -> str:
    """What a stored match was computed with: the model, the engine's version and learned weights."""
    base = deployed_config(encoder.model_id)
    tag = learning.weights_tag(learning.active_config(base), base)
    return f"{encoder.model_id}+{ENGINE_VERSION}" + (f"+{tag}" if tag else "")


def stale_matches() -> int:
    """How many stored matches another model or engine version computed (`flask rematch` redoes them)."""
    current = model_version(app_encoder())
    return (
        db.session.scalar(select(func.count()).select_from(Match).where(Match.model_version != current)) or 0
    )


def refresh_matches_for(organisation: Organisation) -> RefreshReport:
    """Recompute one organisation's matches and replace them in one transaction.

    Only this organisation's texts are embedded if they changed; everyone else's vectors come from
    the store, and no other organisation's matches with third parties are touched.
    """
    encoder = stored_encoder()
    # Exclusions are kept in both directions, so the anchor's own set filters every dismissed pair.
    anchor = to_profile(organisation, excluded_pairs().get(organisation.id, ()))
    matches: list[Any] = []
    if anchor.listed:
        kinds = ["partner", "investor"] if anchor.kind == "startup" else ["startup"]
        candidates = listed_candidates(kinds, encoder)
        if len(candidates.ids):
            (vectors,) = embed_profiles([anchor], encoder)
            # The texts embedded on the way are kept now: on SQLite the transaction that stored them
            # holds the one write lock, and saves would wait behind the ranking below.
            db.session.commit()
            matches = rank_against(
                anchor,
                vectors,
                candidates,
                lexical_index(),
                k=kept_per_organisation(),
                config=scoring_config(encoder),
                encoder=encoder,
            )
    # Its matches are the organisation's own data and, on each other side's page, details of its side
    # (exact scores); a plain list of the other side moves only when a pair or a score band changed.
    scopes = (organisation_scope(organisation.id), details_scope(organisation.kind))
    _store([organisation.id], matches, model_version(encoder), scopes, (side_scope(organisation.kind),))
    db.session.commit()
    return RefreshReport(organisation.id, len(matches), encoder.embedded_texts)


def embed_all(progress: Progress | None = None, batch: int = 64) -> int:
    """Embed every organisation's texts that are not stored yet; returns how many texts were embedded."""
    encoder = stored_encoder()
    # Rows by id range, not models: nothing is reloaded after each chunk's commit.
    for profiles in profile_chunks(listed_only=False, chunk=batch):
        embed_profiles(profiles, encoder)
        db.session.commit()
        if progress:
            progress(len(profiles))
    return encoder.embedded_texts


def rematch_all(progress: Progress | None = None) -> int:
    """Recompute every match: each startup against every listed partner and investor."""
    encoder = stored_encoder()
    exclusions = excluded_pairs()
    forget_lexical_index()
    startup_profiles = listed_profiles(["startup"], exclusions)
    # Counterparts without exclusions: each startup's own set holds its dismissed pairs both ways.
    counterpart_profiles = listed_profiles(["partner", "investor"])
    vectors = embed_profiles(startup_profiles + counterpart_profiles, encoder)
    db.session.commit()
    lexical = lexical_index()
    startup_vectors = vectors[: len(startup_profiles)]
    candidates = CandidateSet.build(counterpart_profiles, vectors[len(startup_profiles) :])
    version = model_version(encoder)
    config = scoring_config(encoder)
    total = 0
    hidden = list(
        db.session.scalars(select(Organisation.id).where(Organisation.visibility != Visibility.LISTED.value))
    )
    _store(hidden, [], version)  # hidden organisations keep no matches
    done, uncommitted, since = 0, 0, time.monotonic()
    for profile, vecs in zip(startup_profiles, startup_vectors, strict=True):
        matches = rank_against(
            profile, vecs, candidates, lexical, k=kept_per_organisation(), config=config, encoder=encoder
        )
        _store([profile.id], matches, version)
        done, uncommitted = done + 1, uncommitted + 1
        if uncommitted >= REMATCH_COMMIT_EVERY or time.monotonic() - since >= REMATCH_COMMIT_SECONDS:
            db.session.commit()
            uncommitted, since = 0, time.monotonic()
        total += len(matches)
        if progress:
            progress(1)
    db.session.commit()
    return total


def warm_up() -> dict[str, int]:
    """Fit the lexical index and build both sides' candidates now, for a worker to call as it starts:
    at 100,000 organisations that is minutes the first save would otherwise wait.

    Returns how many organisations each side holds (the worker prints it)."""
    encoder = stored_encoder()
    lexical = lexical_index()
    sizes: dict[str, int] = {}
    for side, kinds in (("startups", ["startup"]), ("counterparts", ["partner", "investor"])):
        candidates = listed_candidates(kinds, encoder)
        candidates.bind(lexical)
        sizes[side] = len(candidates.ids)
    db.session.commit()  # texts embedded on the way are kept
    return sizes


def filter_summary(organisation: Organisation) -> dict[str, int]:
    """How many possible counterparts each hard filter keeps away from ``organisation``.

    Shown when a list is empty, so nobody is left guessing which filter emptied it.
    """
    exclusions = dismissed_pairs()
    private = hidden_from(organisation.id)  # counted nowhere: the excluded side must not learn of it
    kinds = ["partner", "investor"] if organisation.kind == "startup" else ["startup"]
    others = [
        o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.kind.in_(kinds), Organisation.id != organisation.id)
        )
        if o.id not in private
    ]
    anchor = to_profile(organisation, exclusions.get(organisation.id, ()))
    return ranking.filter_counts(anchor, [to_profile(o, exclusions.get(o.id, ())) for o in others])


def matches_for(organisation: Organisation, limit: int | None = None) -> list[Match]:
    """An organisation's stored matches, best first (ties by the other side's id).

    Both sides' organisations (and their sectors) come in one query each, not one per match.
    """
    if organisation.kind == "startup":
        statement = (
            select(Match)
            .where(Match.startup_id == organisation.id)
            .order_by(Match.score.desc(), Match.counterpart_id)
        )
    else:
        statement = (
            select(Match)
            .where(Match.counterpart_id == organisation.id)
            .order_by(Match.score.desc(), Match.startup_id)
        )
    private = hidden_from(organisation.id)  # stored matches are dropped too; this holds during a refresh
    if private:
        other = Match.counterpart_id if organisation.kind == "startup" else Match.startup_id
        statement = statement.where(other.not_in(sorted(private)))
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement.options(*_with_sides())))


def _with_sides() -> tuple[Any, ...]:
    return (selectinload(Match.startup), selectinload(Match.counterpart))


def load_matches(ids: Sequence[int]) -> list[Match]:
    """The matches with these ids, in this order, with both organisations loaded in one query each."""
    if not ids:
        return []
    statement = select(Match).where(Match.id.in_(ids)).options(*_with_sides())
    found = {m.id: m for m in db.session.scalars(statement)}
    return [found[i] for i in ids if i in found]


def refresh_after_save(organisation: Organisation) -> None:
    """Called after a profile is saved; a failure is logged and leaves the saved profile intact."""
    if not current_app.config["MATCHMAKER_MATCH_ON_SAVE"]:
        return
    try:
        report = refresh_matches_for(organisation)
    except Exception:  # the profile is saved; `flask rematch` repairs the matches later
        db.session.rollback()
        logger.exception("refreshing matches of organisation %s failed", organisation.id)
        return
    logger.info(
        "refreshed %d matches of organisation %s (%d texts embedded)",
        report.matches,
        organisation.id,
        report.embedded_texts,
    )
