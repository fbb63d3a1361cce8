"""The bodies the introductions API takes, described once: validated here and documented from here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeAlias, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from matchmaker.errors import ValidationError
from matchmaker.models.introductions import NOTE_MAX
from matchmaker.schemas.common import TEXT, DatabaseId, Explain, field_messages, generic_message
from matchmaker.schemas.profile import OrganisationSummary

DECISIONS_MAX = 100  # introductions decided in one call
# The enums' values written out so mypy reads them (tests/api/test_schema.py checks they match).
OutcomeName: TypeAlias = Literal["pilot", "investment", "collaboration", "no_fit"]
Note = Annotated[str, Field(max_length=NOTE_MAX), TEXT]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class IntroductionRequest(_Body):
    """Ask to be introduced to an organisation."""

    organisation_id: DatabaseId = Field(
        description="A partner or investor for founders; a startup for partners and investors."
    )
    message: Note = ""


class TransitionNote(_Body):
    """An optional note kept in the introduction's audit log."""

    note: Note = ""


class OutcomeRecord(_Body):
    """What came of the meeting."""

    outcome: OutcomeName
    note: Note = ""


class Decisions(_Body):
    """Approve or reject several requests with one note; each is decided on its own."""

    introduction_ids: list[DatabaseId] = Field(min_length=1, max_length=DECISIONS_MAX)
    decision: Literal["approve", "reject"]
    note: Note = ""


# --- what the API answers ----------------------------------------------------------------------------

StateName: TypeAlias = Literal[
    "requested",
    "waitlisted",
    "approved",
    "rejected",
    "accepted",
    "declined",
    "introduced",
    "met",
    "outcome_recorded",
    "withdrawn",
    "expired",
]
SideName: TypeAlias = Literal["startup", "counterpart"]
# Kept equal to matchmaker.api.introductions.TRANSITION_ENDPOINTS by tests/api/test_openapi.py.
ActionName = Literal["approve", "reject", "accept", "decline", "withdraw", "mark-met", "outcome"]


class Person(BaseModel):
    name: str
    email: str


class SideContacts(BaseModel):
    organisation: str
    contact_email: str
    people: list[Person]


class Contacts(BaseModel):
    """Both sides' contacts."""

    startup: SideContacts
    counterpart: SideContacts


class IntroductionOut(BaseModel):
    """An introduction as its reader may see it: contact details only once introduced."""

    model_config = ConfigDict(title="Introduction", from_attributes=True)

    id: int
    state: StateName
    startup: OrganisationSummary
    counterpart: OrganisationSummary
    requested_by_side: SideName
    message: str
    staff_note: str
    answer_note: str
    outcome: OutcomeName | None
    outcome_note: str
    created_at: datetime
    state_changed_at: datetime
    approved_at: datetime | None
    introduced_at: datetime | None
    met_at: datetime | None
    outcome_at: datetime | None
    allowed_actions: list[ActionName] = Field(description="The transitions you may POST now.")
    contacts: Contacts | None = Field(
        description="Both sides' contacts; null until 'introduced' (staff always see them)."
    )


class EventActor(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: str


class IntroductionEventOut(BaseModel):
    """One transition: who moved it, when, from which state to which, and why."""

    model_config = ConfigDict(title="IntroductionEvent", from_attributes=True)

    id: int
    from_state: str | None = Field(description="null for the request itself")
    to_state: str
    actor: EventActor | None = Field(
        description="null when the system moved it (expiry, release of the waiting line)"
    )
    note: str
    created_at: datetime


def _note(error: Any) -> str:
    if error["type"] == "string_too_long":
        return _("Use at most %(num)s characters.", num=NOTE_MAX)
    return generic_message(error)


BODY_MESSAGES: dict[str, Explain] = {
    "organisation_id": lambda e: _("Send the id of the organisation to be introduced to, as a number."),
    "message": _note,
    "note": _note,
    "outcome": lambda e: _("Choose pilot, investment, collaboration or no fit."),
    "introduction_ids": lambda e: _(
        "Send a list of 1 to %(num)s introduction ids (numbers).", num=DECISIONS_MAX
    ),
    "decision": lambda e: _("Choose approve or reject."),
}

Body = TypeVar("Body", bound=BaseModel)


def read_body(model: type[Body], values: dict[str, Any]) -> Body:
    """``values`` checked against ``model``; a ValidationError (422) naming each bad field otherwise."""
    try:
        return model.model_validate(values)
    except PydanticValidationError as exc:
        raise ValidationError(field_messages(exc, BODY_MESSAGES)) from exc
