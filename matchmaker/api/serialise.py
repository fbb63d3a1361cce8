"""JSON shapes of the API: organisations and matches, dumped through their schemas (matchmaker.schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from matchmaker.models import Match, Organisation
from matchmaker.organisations.profiles import profile_values
from matchmaker.schemas.profile import PROFILE_FIELDS, KindName, OrganisationOut, OrganisationSummary

__all__ = ["PROFILE_FIELDS", "match_json", "organisation_json", "organisation_summary", "timestamp"]


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """Enough to name and link an organisation inside another object."""
    kind = cast(KindName, organisation.kind)  # the column's CHECK constraint keeps it one of these
    summary = OrganisationSummary(id=organisation.id, name=organisation.name, kind=kind)
    return summary.model_dump(mode="json")


def organisation_json(organisation: Organisation, show_contact: bool) -> dict[str, Any]:
    """A full profile; ``contact_email`` is null for those who may not see it."""
    profile = OrganisationOut.model_construct(
        id=organisation.id,
        slug=organisation.slug,
        kind=organisation.kind,
        **(
            profile_values(organisation)
            | {"contact_email": organisation.contact_email if show_contact else None}
        ),
        created_at=organisation.created_at,
        updated_at=organisation.updated_at,
    )
    return profile.model_dump(mode="json")


def match_json(match: Match, organisation: Organisation) -> dict[str, Any]:
    """One ranked match seen from ``organisation``: the other side, the score and why."""
    other = match.counterpart if match.startup_id == organisation.id else match.startup
    return {
        "id": match.id,
        "organisation": organisation_summary(other),
        "score": match.score,
        "percent": match.percent,
        "explanation": match.explanation,
        "model_version": match.model_version,
        "computed_at": timestamp(match.computed_at),
    }
