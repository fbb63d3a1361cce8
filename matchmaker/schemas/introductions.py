"""The bodies the introductions API takes, described once: validated here and documented from here."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from matchmaker.models import Outcome
from matchmaker.models.introductions import NOTE_MAX
from matchmaker.schemas.common import DatabaseId, Explain, field_messages, generic_message
from matchmaker.services.errors import ValidationError

DECISIONS_MAX = 100  # introductions decided in one call
OutcomeName = Literal[tuple(o.value for o in Outcome)]  # type: ignore[valid-type]
Note = Annotated[str, Field(max_length=NOTE_MAX)]


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
