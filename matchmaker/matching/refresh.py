"""Matching: turn organisations into engine profiles, embed them (cached) and keep Match rows fresh."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from matchmaker import money
from matchmaker.engine import ranking
from matchmaker.engine.candidates import CandidateSet, rank_against, script_mask
from matchmaker.engine.encoder import Encoder
from matchmaker.engine.explain import ENGINE_VERSION
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import Profile, embed_profiles
from matchmaker.engine.scoring import (
    LexicalEstimate,
    ScoringConfig,
    component_similarities,
    deployed_config,
    lexical_text,
)
from matchmaker.extensions import db
from matchmaker.matching.candidates import (
    listed_candidates,
    listed_profiles,
    make_profile,
    profile_chunks,
)
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.models import Match, Organisation, Visibility, utcnow

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]

_LEXICAL_KEY = "matchmaker.lexical"
# A fitted TF-IDF vocabulary stays good while the corpus changes little: an edited or new profile's
# text is added to the fitted index (vectorised once with its vocabulary); the index is refitted only
# when the corpus grew or shrank by this share, and by `flask rematch`, which recomputes every match.
LEXICAL_REFIT_GROWTH = 0.10
# `rematch_all` replaces each startup's matches whole; committing them a few dozen at a time rather
# than one by one spares a disk sync per startup (an interrupted rematch still leaves each startup
# with either its old or its new matches, and running it again finishes the work). It also commits
# whenever REMATCH_COMMIT_SECONDS have passed: on SQLite a transaction holds the one write lock, and a
# save waiting longer than the busy timeout (5 s) would fail; with many candidates 50 rankings take
# seconds.
REMATCH_COMMIT_EVERY = 50
REMATCH_COMMIT_SECONDS = 0.5


@dataclass
class RefreshReport:
    """What one refresh did: how many matches it wrote and how many texts it really embedded."""

    organisation_id: int
    matches: int
    embedded_texts: int


def to_profile(organisation: Organisation, excluded: Iterable[int] = ()) -> Profile:
    """The engine's view of an organisation; amounts in dollars at the configured rate."""
    return make_profile(organisation, organisation.sectors, money.krw_per_usd(), excluded)


def scoring_config(encoder: Encoder) -> ScoringConfig:
    """The weights and calibration the app ranks with: learned weights when learning is on and has
    learned something, else today's."""
    from matchmaker.matching.learning import active_config

    return active_config(deployed_config(encoder.model_id))


def excluded_pairs() -> dict[int, set[int]]:
    """Organisation id -> ids it must never be matched with ("not interested", "already met", and
    a partner's or investor's private exclusions)."""
    # Deferred: reviews imports this module at its top (a real cycle).
    from matchmaker.matching.exclusions import private_pairs
    from matchmaker.matching.reviews import excluded_pairs as dismissed_pairs

    pairs = dismissed_pairs()
    for organisation_id, others in private_pairs().items():
        pairs.setdefault(organisation_id, set()).update(others)
    return pairs


def lexical_index() -> LexicalIndex:
    """The process's TF-IDF index over every listed profile.

    Fitting is the slow part and a vocabulary stays good while the corpus changes little, so the
    fitted index is kept (texts met later are added to it) and refitted only when the corpus grew or
    shrank by 10%.
    """
    cache: dict[str, Any] | None = current_app.extensions.get(_LEXICAL_KEY)
    size = db.session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.visibility == Visibility.LISTED.value)
    )
    if cache is not None:
        if abs(size - cache["size"]) <= max(2, LEXICAL_REFIT_GROWTH * cache["size"]):
            return cache["index"]
    profiles = listed_profiles(["startup", "partner", "investor"])
    index = LexicalIndex(glossary=current_app.config["MATCHMAKER_LEXICAL_GLOSSARY"])
    index.fit([lexical_text(p) for p in profiles] or [""])
    index.estimate_ = _fit_lexical_estimate(index, profiles)
    current_app.extensions[_LEXICAL_KEY] = {"index": index, "size": size, "fitted_at": time.monotonic()}
    return index


ESTIMATE_SAMPLE_PAIRS = 5000


def _fit_lexical_estimate(index: LexicalIndex, profiles: Sequence[Profile]) -> LexicalEstimate | None:
    """Learn, from this installation's same-language pairs, how shared words follow shared meaning.

    So a Korean startup and an English partner get the word evidence two English profiles would
    (see `scoring.LexicalEstimate`). At most ESTIMATE_SAMPLE_PAIRS pairs, drawn with a fixed seed.
    """
    startups = [p for p in profiles if p.kind == "startup"]
    others = [p for p in profiles if p.kind != "startup"]
    # The same pairs as listing every (startup, other) pair that `lexical_applies` to, startup by
    # startup, and drawing from that list; without forming the startups x others list.
    startup_scripts = np.array([script_mask(p) for p in startups], dtype=np.int64)
    other_scripts = np.array([script_mask(p) for p in others], dtype=np.int64)
    comparable = {m: np.flatnonzero(other_scripts & m) for m in set(startup_scripts.tolist())}
    counts = np.array([len(comparable[m]) for m in startup_scripts.tolist()], dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return None
    if total > ESTIMATE_SAMPLE_PAIRS:
        chosen = np.sort(np.random.default_rng(0).choice(total, ESTIMATE_SAMPLE_PAIRS, replace=False))
    else:
        chosen = np.arange(total)
    ends = np.cumsum(counts)
    rows = np.searchsorted(ends, chosen, side="right")
    within = chosen - (ends[rows] - counts[rows])
    pairs = [
        (startups[r], others[comparable[int(startup_scripts[r])][w]])
        for r, w in zip(rows.tolist(), within.tolist(), strict=True)
    ]
    encoder = stored_encoder()
    involved = list({p.id: p for pair in pairs for p in pair}.values())
    vectors = dict(zip([p.id for p in involved], embed_profiles(involved, encoder), strict=True))
    similarities = component_similarities(
        [s for s, _ in pairs],
        [vectors[s.id] for s, _ in pairs],
        [o for _, o in pairs],
        [vectors[o.id] for _, o in pairs],
        index,
        config=deployed_config(encoder.model_id),
    )
    return LexicalEstimate.fit(similarities)


def forget_lexical_index() -> None:
    """Drop the cached TF-IDF index (after bulk imports, or in tests)."""
    current_app.extensions.pop(_LEXICAL_KEY, None)


def _store(organisation_ids: Sequence[int], matches: Sequence[Any], model_version: str) -> None:
    """Replace the matches of ``organisation_ids`` with ``matches`` in the current transaction."""
    db.session.execute(
        delete(Match).where(
            or_(Match.startup_id.in_(organisation_ids), Match.counterpart_id.in_(organisation_ids))
        )
    )
    now = utcnow()
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
    if rows:
        # An upsert: a refresh of the other side running at the same moment may have inserted the same
        # pair after our delete; the newer score wins instead of the request failing.
        # Both databases we run on have INSERT ... ON CONFLICT, each through its own dialect's insert().
        postgresql = db.session.get_bind().dialect.name == "postgresql"
        dialect_insert = postgresql_insert if postgresql else sqlite_insert
        columns = ("score", "explanation", "model_version", "computed_at")
        for start in range(0, len(rows), 1000):  # bounded statements: the databases cap bound parameters
            insert = dialect_insert(Match).values(rows[start : start + 1000])
            db.session.execute(
                insert.on_conflict_do_update(
                    index_elements=["startup_id", "counterpart_id"],
                    set_={column: insert.excluded[column] for column in columns},
                )
            )


def kept_per_organisation() -> int:
    """How many matches a refresh explains and stores for one organisation.

    Every candidate is scored, but explaining a match (phrases, hints) is the costly part, so only
    the best ones are explained and kept; nobody reviews a partner's 5,000th startup.
    """
    return current_app.config["MATCHMAKER_MATCHES_KEPT"]


def model_version(encoder: Encoder) -> str:
    """What a stored match was computed with: the model, the engine's version and learned weights."""
    from matchmaker.matching.learning import active_config, weights_tag

    base = deployed_config(encoder.model_id)
    tag = weights_tag(active_config(base), base)
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
            matches = rank_against(
                anchor,
                vectors,
                candidates,
                lexical_index(),
                k=kept_per_organisation(),
                config=scoring_config(encoder),
                encoder=encoder,
            )
    _store([organisation.id], matches, model_version(encoder))
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
    from matchmaker.matching.exclusions import hidden_from
    from matchmaker.matching.reviews import excluded_pairs as dismissed_pairs

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
    from matchmaker.matching.exclusions import hidden_from

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
    if not current_app.config.get("MATCHMAKER_MATCH_ON_SAVE", True):
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
