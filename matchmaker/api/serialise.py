"""JSON shapes of the API: organisations and matches, dumped through their schemas (matchmaker.schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from matchmaker.i18n import current_language
from matchmaker.models import Match, Organisation
from matchmaker.organisations import bilingual
from matchmaker.organisations.profiles import profile_values
from matchmaker.schemas.profile import (
    BILINGUAL_FIELDS,
    PROFILE_FIELDS,
    KindName,
    OrganisationOut,
    OrganisationSummary,
    ReaderText,
)
from matchmaker.web.explanations import component_text, hint_text

__all__ = [
    "PROFILE_FIELDS",
    "explanation_json",
    "match_json",
    "organisation_json",
    "organisation_summary",
    "timestamp",
]


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
        languages=bilingual.original_languages(organisation),
        version_sources=bilingual.version_sources(organisation),
        for_reader=reader_texts(organisation, current_language()),
        created_at=organisation.created_at,
        updated_at=organisation.updated_at,
    )
    return profile.model_dump(mode="json")


def reader_texts(organisation: Organisation, reader: str) -> dict[str, ReaderText]:
    """Each bilingual text as a reader of ``reader`` is shown it (matchmaker.organisations.bilingual)."""
    texts = {}
    for field in BILINGUAL_FIELDS:
        shown = bilingual.text_for(organisation, field, reader)
        texts[field] = ReaderText.model_construct(
            text=shown.text, language=shown.language, original=shown.original, source=shown.source
        )
    return texts


def match_json(match: Match, organisation: Organisation) -> dict[str, Any]:
    """One ranked match seen from ``organisation``: the other side, the score and why."""
    other = match.counterpart if match.startup_id == organisation.id else match.startup
    return {
        "id": match.id,
        "organisation": organisation_summary(other),
        "score": match.score,
        "percent": match.percent,
        "explanation": explanation_json(match),
        "model_version": match.model_version,
        "computed_at": timestamp(match.computed_at),
    }


def explanation_json(match: Match) -> dict[str, Any]:
    """The stored explanation with its sentences and hints in the caller's language (Accept-Language).

    The engine stores English sentences beside the codes they come from (``level``, a hint's ``code``);
    the same words the pages show are written here from the codes. Rows without codes keep their English.
    """
    explanation = dict(match.explanation or {})
    startup, counterpart = match.startup.name, match.counterpart.name
    if isinstance(explanation.get("components"), list):
        explanation["components"] = [
            dict(c) | {"sentence": component_text(c, startup, counterpart)}
            if isinstance(c, dict) and ("sentence" in c or c.get("level"))
            else c
            for c in explanation["components"]
        ]
    if isinstance(explanation.get("missing"), list):
        explanation["missing"] = [
            dict(h) | {"text": hint_text(h)} if isinstance(h, dict) and h.get("code") else h
            for h in explanation["missing"]
        ]
    return explanation
