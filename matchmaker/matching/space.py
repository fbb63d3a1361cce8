"""The similarity space the app learns from its own organisations (their sectors and tags).

`learn_space` (the worker or `flask learn-space`, never a page view: fitting needs scikit-learn)
reads every organisation's stored description vector and its sectors and tags, fits
`similarity.fit_linear_space` and stores the result in two settings rows: a small one (version,
fitted_at, how many organisations, provenance; read at every ranking) and the matrix (read once per
process and version). `active_space` hands ranking the space when one is stored and switched on;
with too few labelled organisations nothing is stored as a space and ranking stays as today.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.engine.profiles import embed_profiles
from matchmaker.engine.scoring import ScoringConfig
from matchmaker.engine.space import LinearSpace
from matchmaker.extensions import db
from matchmaker.matching.candidates import to_profile
from matchmaker.matching.embeddings import app_encoder, stored_encoder
from matchmaker.matching.switches import check_staff, put_setting, switch_setting
from matchmaker.models import AuditEvent, Organisation, Setting, User, utcnow

SPACE_KEY = "learning.space"
MATRIX_KEY = "learning.space_matrix"
SPACE_ENABLED_KEY = "learning.space_enabled"
_CACHE_KEY = "matchmaker.space"
_lock = threading.Lock()
# Chosen by `python -m matchmaker.evaluation.evaluate` on a validation year inside its TRAIN split (fit on
# the Y Combinator startups up to 2020, measured on 2021; see README, "Quality").
SPACE_SETTINGS: dict[str, Any] = {
    "design": "exploded",
    "shrinkage": 0.9,
    "embedding_weight": 0.15,
    "min_class_size": 5,
}
PROVENANCE = "this installation's organisations: description vectors, labelled by their sectors and tags"


@dataclass(frozen=True)
class SpaceState:
    """What the last fit stored: its version ('' when too few organisations carried labels), when,
    from how many organisations (and how many carried a usable label), and with what settings."""

    version: str
    fitted_at: str
    organisations: int
    labelled: int
    needed: int
    info: dict[str, Any]
    provenance: str

    @property
    def fitted(self) -> bool:
        """Whether a space was learned (enough labelled organisations)."""
        return bool(self.version)

    @property
    def fitted_moment(self) -> datetime | None:
        """When it was fitted, as a datetime."""
        return datetime.fromisoformat(self.fitted_at) if self.fitted_at else None


def _setting(key: str) -> Any:
    row = db.session.get(Setting, key)
    return None if row is None else row.value


def space_enabled() -> bool:
    """Whether ranking uses the learned space: off until staff switch it on.

    It applies only where both sides write in the same language (`scoring.component_similarities`):
    a Korean text against an English one keeps the model's own cross-language scale, so it no longer
    costs Korean-English matching (learned on English descriptions and applied across languages, it
    had: 72 of 78 translations found first, against 78 of 78). It stays off by default because its
    gain over the default on partner ranking is not told from noise (issue 22; README, "Quality"),
    and because it needs 100 organisations with sectors or tags and a fit (`flask learn-space` or
    the worker's learn-space job), which a fresh installation does not have."""
    value = _setting(SPACE_ENABLED_KEY)
    return False if value is None else bool(value)


def space_state() -> SpaceState | None:
    """What the last fit stored, if it ran."""
    value = _setting(SPACE_KEY)
    if not value:
        return None
    return SpaceState(
        version=value.get("version", ""),
        fitted_at=value.get("fitted_at", ""),
        organisations=int(value.get("organisations", 0)),
        labelled=int(value.get("labelled", 0)),
        needed=int(value.get("needed", 0)),
        info=dict(value.get("info") or {}),
        provenance=value.get("provenance", ""),
    )


def stored_space() -> LinearSpace | None:
    """The stored space (whether switched on or not), read from the database once per process and
    version; None when it was learned on another embedding model's vectors."""
    state = space_state()
    if state is None or not state.fitted:
        return None
    if state.info.get("model") != app_encoder().model_id:
        return None  # learned on another model's vectors: `flask learn-space` learns it again
    cache: dict[str, LinearSpace] = current_app.extensions.setdefault(_CACHE_KEY, {})
    space = cache.get(state.version)
    if space is None:
        payload = _setting(MATRIX_KEY)
        if not payload or payload.get("version") != state.version:
            return None  # written by a fit still committing; the next ranking reads it
        space = LinearSpace.from_payload(payload)
        with _lock:
            cache.clear()  # one version per process: the mapped rows it caches are dropped with it
            cache[state.version] = space
    return space


def active_space() -> LinearSpace | None:
    """The space ranking uses: the stored one when it is switched on, else None (plain cosine)."""
    return stored_space() if space_enabled() else None


def learn_space(actor: User | None, base: ScoringConfig) -> SpaceState:
    """Fit the space on every organisation's description vector and its sectors and tags, store it with
    an audit event (one transaction). With too few labelled organisations, store that no space is used."""
    from matchmaker.engine import similarity  # scikit-learn, which the web process does not load

    check_staff(actor)
    organisations = list(
        db.session.scalars(
            select(Organisation).options(selectinload(Organisation.sector_links)).order_by(Organisation.id)
        )
    )
    profiles = [to_profile(o) for o in organisations]
    encoder = stored_encoder()
    vectors = embed_profiles(profiles, encoder)
    described = [
        (p, v.description) for p, v in zip(profiles, vectors, strict=True) if v.description is not None
    ]
    labels = [sorted(p.sectors) + list(p.tags) for p, _ in described]
    space = None
    if described:
        space = similarity.fit_linear_space(
            np.vstack([v for _, v in described]),
            labels,
            base.cosine_floor,
            base.cosine_ceiling,
            min_organisations=similarity.MIN_SPACE_ORGANISATIONS,
            **SPACE_SETTINGS,
        )
    value = {
        "version": space.version if space else "",
        "fitted_at": utcnow().isoformat(),
        "organisations": len(described),
        "labelled": sum(1 for group in labels if group),
        "needed": similarity.MIN_SPACE_ORGANISATIONS,
        "info": {**(space.info if space else {}), "model": encoder.model_id},
        "provenance": PROVENANCE,
    }
    put_setting(SPACE_KEY, value, actor)
    put_setting(MATRIX_KEY, space.to_payload() if space else None, actor)
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action="learning.space_fitted",
            details={k: value[k] for k in ("version", "organisations", "labelled")},
        )
    )
    db.session.commit()
    state = space_state()
    assert state is not None
    return state


def set_space(actor: User, enabled: bool) -> None:
    """Switch the learned space on or off; one transaction with its audit event."""
    switch_setting(actor, SPACE_ENABLED_KEY, enabled, "learning.space_switched", before=space_enabled())
