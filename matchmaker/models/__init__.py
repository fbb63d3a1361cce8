"""Typed SQLAlchemy models, one module per aggregate."""

from matchmaker.models.base import Base, utcnow
from matchmaker.models.matches import Embedding, Match
from matchmaker.models.organisations import (
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Sector,
    Stage,
    Visibility,
)
from matchmaker.models.users import STAFF_ROLES, Role, User, normalise_email

__all__ = [
    "Base",
    "Embedding",
    "Match",
    "Organisation",
    "OrganisationKind",
    "OrganisationSector",
    "Role",
    "STAFF_ROLES",
    "Sector",
    "Stage",
    "User",
    "Visibility",
    "normalise_email",
    "utcnow",
]
