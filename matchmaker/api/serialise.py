"""JSON shapes of the API: organisations, matches and the request bodies that edit profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from matchmaker.api.core import ApiError
from matchmaker.models import Match, Organisation
from matchmaker.services.organisations import profile_values

# The profile fields a client may send, with the JSON types each accepts.
TEXT_FIELDS = (
    "name",
    "description",
    "offers",
    "seeks",
    "location",
    "website",
    "contact_email",
    "visibility",
    "raising_currency",
    "ticket_currency",
)
LIST_FIELDS = ("sectors", "tags", "investor_stages")
# Whole units of the field's currency, or text as people type it ("20억원", "$1.5M").
AMOUNT_FIELDS = ("raising_amount", "ticket_min", "ticket_max")
COUNT_FIELDS = ("team_size", "monthly_intro_capacity")  # whole numbers or null
PROFILE_FIELDS = frozenset(
    (*TEXT_FIELDS, *LIST_FIELDS, *AMOUNT_FIELDS, *COUNT_FIELDS, "stage", "is_complex_tenant")
)


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """Enough to name and link an organisation inside another object."""
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}


def organisation_json(organisation: Organisation, show_contact: bool) -> dict[str, Any]:
    """A full profile; ``contact_email`` is null for those who may not see it."""
    data: dict[str, Any] = {"id": organisation.id, "slug": organisation.slug, "kind": organisation.kind}
    data.update(profile_values(organisation))
    data["contact_email"] = organisation.contact_email if show_contact else None
    data["created_at"] = timestamp(organisation.created_at)
    data["updated_at"] = timestamp(organisation.updated_at)
    return data


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_error(field: str, value: Any) -> str | None:
    """What is wrong with the JSON type of one profile field, or None."""
    if field in TEXT_FIELDS:
        ok = value is None or isinstance(value, str)
        return None if ok else _("Send text (a JSON string).")
    if field in LIST_FIELDS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else _("Send a list of strings.")
    if field in AMOUNT_FIELDS:
        ok = value is None or _is_number(value) or isinstance(value, str)
        return None if ok else _('Send a whole amount as a number, or text like "20억원" or "$1.5M".')
    if field == "stage":
        return None if value is None or isinstance(value, str) else _("Send a stage name, or null.")
    if field in COUNT_FIELDS:
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else _("Send a whole number, or null.")
    if field == "is_complex_tenant":
        return None if isinstance(value, bool) else _("Send true or false.")
    return None


def profile_form(values: dict[str, Any]) -> dict[str, Any]:
    """Check JSON types, then turn JSON values into the form values the profile service validates."""
    errors = {field: message for field in values if (message := _type_error(field, values[field]))}
    if errors:
        raise ApiError(422, _("Some fields have the wrong type."), errors)
    form: dict[str, Any] = {}
    for field, value in values.items():
        if value is None:
            form[field] = ""
        elif isinstance(value, bool):
            form[field] = "true" if value else ""
        elif isinstance(value, float) and value.is_integer():
            form[field] = str(int(value))
        elif isinstance(value, list):
            form[field] = list(value)
        else:
            form[field] = str(value)
    return form
