"""The process's TF-IDF index over every listed profile, fitted once and kept while the corpus holds.

Below the refresh, the learning and the advice, which all score word overlap with it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import String, func, select, type_coerce

from matchmaker.engine.candidates import script_mask
from matchmaker.engine.explain import ENGINE_VERSION
from matchmaker.engine.lexical import LexicalIndex
from matchmaker.engine.profiles import Profile, embed_profiles
from matchmaker.engine.scoring import (
    LexicalEstimate,
    component_similarities,
    deployed_config,
    lexical_text,
)
from matchmaker.extensions import db
from matchmaker.matching import kept as kept_files
from matchmaker.matching.candidates import listed_profiles
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.models import Organisation, Visibility

logger = logging.getLogger(__name__)

_LEXICAL_KEY = "matchmaker.lexical"
# A fitted TF-IDF vocabulary stays good while the corpus changes little: an edited or new profile's
# text is added to the fitted index (vectorised once with its vocabulary); the index is refitted only
# when the corpus grew or shrank by this share, and by `flask rematch`, which recomputes every match.
LEXICAL_REFIT_GROWTH = 0.10


def lexical_index() -> LexicalIndex:
    """The process's TF-IDF index over every listed profile.

    Fitting is the slow part and a vocabulary stays good while the corpus changes little, so the
    fitted index is kept (texts met later are added to it) and refitted only when the corpus grew or
    shrank by 10%, or after `forget_lexical_index` (`flask rematch`). A process without one (a
    restarted worker) maps the index an earlier process kept on disk, if at most 10% of the listed
    profiles are new, edited or gone since it was fitted; else it fits and keeps one.
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
    stamps = _listed_stamps()
    index = _load_kept(stamps)
    if index is None:
        profiles = listed_profiles(["startup", "partner", "investor"])
        texts = [lexical_text(p) for p in profiles]
        index = LexicalIndex(glossary=current_app.config["MATCHMAKER_LEXICAL_GLOSSARY"])
        index.fit(texts or [""])
        index.estimate_ = _fit_lexical_estimate(index, profiles)
        index.rows(texts)  # each text as given finds its row at once, here and where the index is loaded
        if not stored_encoder().defer_missing:  # a web process's estimate may lack vectors: not kept
            _keep(index, stamps)
    current_app.extensions[_LEXICAL_KEY] = {"index": index, "size": size, "fitted_at": time.monotonic()}
    return index


# Raise when what a kept index holds, or how it is fitted, changes: older files are then not read.
_KEPT_FORMAT = 1


def _kept_path() -> Path:
    import sklearn

    return kept_files.file_for(
        "lexical",
        _KEPT_FORMAT,
        ENGINE_VERSION,
        app_encoder().model_id,  # the estimate is learned from the model's similarities
        current_app.config["MATCHMAKER_LEXICAL_GLOSSARY"],
        sklearn.__version__,  # the fitted vectorisers are pickled
        suffix=".pickle",
    )


def _listed_stamps() -> np.ndarray:
    """Each listed profile as (id, last edit), hashed: how far the corpus moved since a fit.

    Every edit of a profile sets `updated_at`; a restored backup brings back its own. The texts
    themselves need not be compared: the index finds each text's row by the text itself, and a text
    it was not fitted on is vectorised with the fitted vocabulary (as in a worker that kept running).
    """
    rows = db.session.execute(
        select(Organisation.id, type_coerce(Organisation.updated_at, String)).where(
            Organisation.visibility == Visibility.LISTED.value
        )
    ).all()
    keys = kept_files.text_keys([f"{i}|{updated}" for i, updated in rows])
    return np.unique(np.array([int.from_bytes(k[:8], "little") for k in keys], dtype=np.uint64))


def _keep(index: LexicalIndex, stamps: np.ndarray) -> None:
    kept = {"index": index, "stamps": stamps}
    kept_files.write_atomically(_kept_path(), lambda path: kept_files.dump_mapped(kept, path))


def _load_kept(stamps: np.ndarray) -> LexicalIndex | None:
    """The kept index, if at most 10% of the listed profiles are new, edited or gone since its fit.

    The pickle is trusted as the instance folder's config.py is: only the app writes that directory.
    """
    path = _kept_path()
    if not path.exists():
        return None
    try:
        kept = kept_files.load_mapped(path)  # the matrix's arrays are mapped, not read
        fitted = np.asarray(kept["stamps"])
        index: LexicalIndex = kept["index"]
    except Exception:  # a file from elsewhere or cut short: refitted and written anew
        logger.warning("could not read the kept lexical index %s; fitting it again", path, exc_info=True)
        return None
    changed = len(np.setxor1d(fitted, stamps, assume_unique=True))
    if changed > LEXICAL_REFIT_GROWTH * max(len(fitted), 1):
        return None
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
    """Drop the cached TF-IDF index, here and on disk: the next use fits it anew (after bulk imports,
    or in tests)."""
    current_app.extensions.pop(_LEXICAL_KEY, None)
    _kept_path().unlink(missing_ok=True)
