"""Background jobs as the API shows them, and a profile saved while its matches wait for a job."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matchmaker.schemas.profile import OrganisationOut

JobState = Literal["queued", "scheduled", "deferred", "started", "finished", "failed", "canceled", "stopped"]


class JobOut(BaseModel):
    """A job's state and progress; ``error`` once it failed."""

    model_config = ConfigDict(title="Job", from_attributes=True)

    id: str
    url: str | None = Field(description="Where to poll this job.")
    state: JobState
    progress: float = Field(ge=0, le=1)
    error: str | None
    description: str
    organisation_id: int | None


class OrganisationSaved(OrganisationOut):
    """A profile saved (202) while the job in ``matches_job`` computes its matches."""

    model_config = ConfigDict(title="OrganisationSaved")

    matches_job: JobOut
