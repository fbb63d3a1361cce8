"""JSON shapes of the API: every answer is an output model (matchmaker.schemas) read from the row's
attributes (``from_attributes``), validated, and dumped; what depends on the reader is added by ``Seen``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from matchmaker.api_paths import API_PREFIX
from matchmaker.i18n import current_language
from matchmaker.jobs.queue import JobRef
from matchmaker.models import Match, Organisation
from matchmaker.organisations import bilingual
from matchmaker.organisations.profiles import profile_values
from matchmaker.schemas.jobs import JobOut
from matchmaker.schemas.profile import (
    BILINGUAL_FIELDS,
    PROFILE_FIELDS,
    OrganisationOut,
    OrganisationSummary,
    ReaderText,
)
from matchmaker.schemas.responses import MatchOut
from matchmaker.web.explanations import component_text, hint_text

__all__ = [
    "PROFILE_FIELDS",
    "Seen",
    "dump",
    "explanation_json",
    "job_json",
    "match_json",
    "organisation_json",
    "organisation_summary",
    "seen_match",
    "seen_organisation",
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


def seen_organisation(organisation: Organisation, show_contact: bool) -> Seen:
    """A full profile as its reader sees it: ``contact_email`` null for those who may not see it, each
    bilingual text in the reader's language."""
    return Seen(
        organisation,
        **(
            profile_values(organisation)
            | {"contact_email": organisation.contact_email if show_contact else None}
        ),
        languages=bilingual.original_languages(organisation),
        version_sources=bilingual.version_sources(organisation),
        for_reader=reader_texts(organisation, current_language()),
    )


def organisation_json(organisation: Organisation, show_contact: bool) -> dict[str, Any]:
    """A full profile; ``contact_email`` is null for those who may not see it."""
    return dump(OrganisationOut, seen_organisation(organisation, show_contact))


def reader_texts(organisation: Organisation, reader: str) -> dict[str, ReaderText]:
    """Each bilingual text as a reader of ``reader`` is shown it (matchmaker.organisations.bilingual)."""
    texts = {}
    for field in BILINGUAL_FIELDS:
        shown = bilingual.text_for(organisation, field, reader)
        texts[field] = ReaderText.model_construct(
            text=shown.text, language=shown.language, original=shown.original, source=shown.source
        )
    return texts


def seen_match(match: Match, organisation: Organisation) -> Seen:
    """One ranked match seen from ``organisation``: the other side, the score and why."""
    other = match.counterpart if match.startup_id == organisation.id else match.startup
    return Seen(match, organisation=other, explanation=explanation_json(match))


def match_json(match: Match, organisation: Organisation) -> dict[str, Any]:
    """One ranked match seen from ``organisation``, as JSON values."""
    return dump(MatchOut, seen_match(match, organisation))


def job_url(job_id: str) -> str:
    """Where a client polls a job."""
    return f"{API_PREFIX}/jobs/{job_id}"


def job_json(ref: JobRef) -> dict[str, Any]:
    """A job as the API shows it: state, progress (0..1) and, once failed, the error."""
    return dump(
        JobOut,
        Seen(ref, url=job_url(ref.id) if ref.id else None, organisation_id=ref.meta.get("organisation_id")),
    )


def explanation_json(match: Match) -> dict[str, Any]:
    """The stored explanation with its sentences and hints in the caller's language (Accept-Language).

    The engine stores English sentences beside the codes they come from (``level``, a hint's ``code``);
    the same words the pages show are written here from the codes. Rows without codes keep their English.
    Each quoted phrase keeps its sentences as written (``startup_text``, ``counterpart_text``) and adds
    them as the caller is shown them, like the pages' "What matched" (``startup_shown``,
    ``counterpart_shown``: the aligned sentence of a version in the caller's language, else as written).
    """
    explanation = dict(match.explanation or {})
    language = current_language()
    startup, counterpart = (
        bilingual.name_for(match.startup, language),
        bilingual.name_for(match.counterpart, language),
    )
    names = {match.startup.name: startup, match.counterpart.name: counterpart}
    if isinstance(explanation.get("matched_phrases"), list):
        explanation["matched_phrases"] = [
            _shown_phrase(match, p) if isinstance(p, dict) and p.get("kind") != "shared_terms" else p
            for p in explanation["matched_phrases"]
        ]
    if isinstance(explanation.get("components"), list):
        explanation["components"] = [
            dict(c) | {"sentence": component_text(c, startup, counterpart)}
            if isinstance(c, dict) and ("sentence" in c or c.get("level"))
            else c
            for c in explanation["components"]
        ]
    if isinstance(explanation.get("missing"), list):
        explanation["missing"] = [
            dict(h) | {"text": hint_text(h, names)} if isinstance(h, dict) and h.get("code") else h
            for h in explanation["missing"]
        ]
    return explanation


def _shown_phrase(match: Match, phrase: dict[str, Any]) -> dict[str, Any]:
    reader, kind = current_language(), str(phrase.get("kind", ""))
    shown = dict(phrase)
    for side, organisation in (("startup", match.startup), ("counterpart", match.counterpart)):
        quote = bilingual.quote_for(organisation, kind, side, str(phrase.get(f"{side}_text", "")), reader)
        shown[f"{side}_shown"] = ReaderText.model_construct(
            text=quote.text, language=quote.language, original=quote.original, source=quote.source
        ).model_dump()
    return shown
