"""JSON shapes of the API: every answer is an output model (matchmaker.schemas) read from the row's
attributes (``from_attributes``), validated, and dumped; what depends on the reader is added by ``Seen``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from matchmaker.api_paths import API_PREFIX
from matchmaker.jobs.queue import JobRef
from matchmaker.models import Match, Organisation
from matchmaker.schemas.jobs import JobOut
from matchmaker.schemas.profile import PROFILE_FIELDS, OrganisationOut, OrganisationSummary
from matchmaker.schemas.responses import MatchOut

__all__ = [
    "PROFILE_FIELDS",
    "Seen",
    "dump",
    "job_json",
    "match_json",
    "organisation_json",
    "organisation_summary",
    "timestamp",
]


class Seen:
    """A row with the attributes its reader adds (a contact shown or not, the other side of a match):
    the output model reads both alike, so no answer is a dict built by hand."""

    def __init__(self, row: object, **extra: Any) -> None:
        self._row = row
        self._extra = extra

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__["_extra"]
        return extra[name] if name in extra else getattr(self.__dict__["_row"], name)


def dump(model: type[BaseModel], source: object) -> dict[str, Any]:
    """``source`` (a row, or a ``Seen`` row) validated as ``model`` and dumped as JSON values."""
    return model.model_validate(source, from_attributes=True).model_dump(mode="json")


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """Enough to name and link an organisation inside another object."""
    return dump(OrganisationSummary, organisation)


def organisation_json(organisation: Organisation, show_contact: bool) -> dict[str, Any]:
    """A full profile; ``contact_email`` is null for those who may not see it."""
    return dump(
        OrganisationOut,
        Seen(organisation, contact_email=organisation.contact_email if show_contact else None),
    )


def match_json(match: Match, organisation: Organisation) -> dict[str, Any]:
    """One ranked match seen from ``organisation``: the other side, the score and why."""
    other = match.counterpart if match.startup_id == organisation.id else match.startup
    return dump(MatchOut, Seen(match, organisation=other))


def job_url(job_id: str) -> str:
    """Where a client polls a job."""
    return f"{API_PREFIX}/jobs/{job_id}"


def job_json(ref: JobRef) -> dict[str, Any]:
    """A job as the API shows it: state, progress (0..1) and, once failed, the error."""
    return dump(
        JobOut,
        Seen(ref, url=job_url(ref.id) if ref.id else None, organisation_id=ref.meta.get("organisation_id")),
    )
