"""The API's remaining answers: errors, pages, matches and bulk decisions (documented from here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from matchmaker.schemas.introductions import IntroductionEventOut, IntroductionOut
from matchmaker.schemas.profile import OrganisationOut, OrganisationSummary


class ErrorDetail(BaseModel):
    status: int
    message: str
    fields: dict[str, str] = Field(description="What is wrong with each field (422), else empty.")


class Error(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


class OrganisationPage(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[OrganisationOut]
    page: int
    per_page: int
    total: int
    pages: int


class MatchOut(BaseModel):
    """One ranked match seen from an organisation: the other side, the score and why."""

    model_config = ConfigDict(title="Match", from_attributes=True)

    id: int
    organisation: OrganisationSummary
    score: float = Field(ge=0, le=1)
    percent: int
    explanation: dict[str, Any] = Field(
        description=(
            "Score components, matched phrases and hints; sentences in the Accept-Language asked for. Each "
            "quoted phrase keeps startup_text and counterpart_text as written and adds startup_shown and "
            "counterpart_shown: the sentence as that reader is shown it (a version's aligned sentence in "
            "their language when there is one)."
        )
    )
    model_version: str
    computed_at: datetime


class MatchOwner(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class MatchList(BaseModel):
    organisation: MatchOwner
    items: list[MatchOut]


class IntroductionPage(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    items: list[IntroductionOut]
    page: int
    per_page: int
    total: int
    pages: int


class IntroductionEventList(BaseModel):
    items: list[IntroductionEventOut]


class Refusal(BaseModel):
    id: int
    message: str


class DecisionResult(BaseModel):
    """What was decided and what was refused (and why)."""

    decided: list[IntroductionOut]
    refused: list[Refusal]
