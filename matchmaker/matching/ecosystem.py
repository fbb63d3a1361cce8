"""The ecosystem map: every listed organisation placed by what it does, in two dimensions.

The startups' stored description vectors are projected to 2-D with PCA (fitted on the startups, so
the map shows how they differ from each other); partners and investors are projected with the same
axes, so each lands among the startups that describe similar work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from matchmaker.engine.profiles import embed_texts
from matchmaker.extensions import db
from matchmaker.matching.embeddings import stored_encoder
from matchmaker.models import Organisation, OrganisationKind, Visibility

MAP_SIZE = 1000  # points are scaled into [0, MAP_SIZE] on both axes


@dataclass(frozen=True)
class MapPoint:
    """One organisation on the map: where, which sector colours it, and where it links to."""

    organisation_id: int
    name: str
    kind: str
    sector: str | None  # the first of its sectors, for the colour; None when it gave none
    x: float
    y: float


def principal_components(fit: np.ndarray, points: np.ndarray, n_components: int = 2) -> np.ndarray:
    """``points`` projected on the first principal components of ``fit``: scikit-learn's exact PCA
    (``svd_solver="full"``, signs included: each component's largest entry is positive) in numpy
    alone, so the staff page does not load scikit-learn and scipy into the web process."""
    mean = fit.mean(axis=0)
    _, _, vt = np.linalg.svd(fit - mean, full_matrices=False)
    components = vt[:n_components]
    signs = np.sign(components[np.arange(len(components)), np.argmax(np.abs(components), axis=1)])
    return (points - mean) @ (components * signs[:, None]).T


def ecosystem_points() -> list[MapPoint]:
    """Listed organisations with a description, placed by PCA of the startups' description vectors."""
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.visibility == Visibility.LISTED.value, Organisation.description != "")
            .order_by(Organisation.id)
        )
    )
    startups = [o for o in organisations if o.kind == OrganisationKind.STARTUP]
    if len(startups) < 3:
        return []
    encoder = stored_encoder()
    vectors = embed_texts([o.description for o in organisations], encoder)
    usable = [(o, v) for o, v in zip(organisations, vectors, strict=True) if v is not None]
    matrix = np.vstack([v for _o, v in usable]).astype(np.float64)
    is_startup = np.array([o.kind == OrganisationKind.STARTUP for o, _v in usable])
    coordinates = principal_components(matrix[is_startup], matrix)
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    scaled = (coordinates - low) / span * MAP_SIZE
    return [
        MapPoint(
            organisation_id=o.id,
            name=o.name,
            kind=o.kind,
            sector=o.sectors[0] if o.sectors else None,
            x=round(float(x), 1),
            y=round(float(MAP_SIZE - y), 1),  # SVG's y grows downwards
        )
        for (o, _v), (x, y) in zip(usable, scaled, strict=True)
    ]
