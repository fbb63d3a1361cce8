"""One profile text in two languages: the original as written, a version in the other language beside it.

The organisation's own columns (name, summary, description, offers, seeks) hold each text as its writer
wrote it, and matching reads only those, so a version never changes a match. The language each original
is written in is detected and stored on save; a version in the other language (a ``ProfileVersion`` row)
says who wrote it, a person or a machine, and a machine's text never replaces a person's.

Readers get their own language first (``text_for``): the version in their language when there is one,
else the original, marked with the language it is written in; an English reader of a Hangul name with no
English name is shown its Revised Romanization. Pages use it through the template helpers of
``register_template_helpers`` (``shown``) and the macros in templates/_texts.html.

When both versions of a text exist, the refresh job (which loads the multilingual model anyway)
compares them (``check_consistency``): as whole texts, and sentence by sentence, so that a version that
leaves out or adds a sentence is caught too. A pair that does not say the same thing warns its writer
on the profile and appears on the staff dashboard. The same pass aligns the two versions' sentences
and stores the pairs on the version, so that a sentence quoted from the original under "What matched"
reaches a reader of the version's language as its counterpart there (``quote_for``), without the web
process loading the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from matchmaker.engine.phrases import aligned_sentences, coverage_gap
from matchmaker.engine.text import normalise_text, split_sentences, text_hash
from matchmaker.extensions import db
from matchmaker.language.detect import written_language
from matchmaker.language.romanise import bracketed_latin_name, has_hangul, romanise
from matchmaker.mail import notifications
from matchmaker.models import (
    AuditEvent,
    Match,
    Organisation,
    OrganisationKind,
    ProfileVersion,
    TextField,
    TextLanguage,
    User,
    VersionSource,
)
from matchmaker.schemas.profile import BILINGUAL_FIELDS, LANGUAGES

# Where a version stops saying what its original says. Two measures of the multilingual model, and a
# pair is flagged when either falls below its threshold:
# - field: the cosine between the two whole texts (another company's text, a rewrite);
# - sentence: each sentence's best cosine with any sentence of the other version, the lowest of both
#   sides (engine/phrases.py coverage_gap): a version that leaves out a sentence or adds one.
# Measured by bench/bilingual_consistency.py (USE multilingual v3) on 114 Korean/English field pairs of
# 90 startups; each threshold is the quantile of true translations that lets 99.5% of them pass (so 99%
# pass both), rates read on held-out folds of a 5-fold cross-validation over startups (2026-12-07):
# - description, field < 0.41 or sentence < 0.16: false alarms on true translations 2.2% (field alone
#   at 0.45, the earlier rule: 3.3%); flags 99.5% of another startup's text and 98.2% of a same-sector
#   one's (98.7% before); catches 44% / 38% of versions missing one sentence (English / Korean side) and
#   58% / 58% of versions with one sentence added (before: 33% / 38% and 23% / 16%);
# - offers and seeks (one or two sentences, the stand-in for the one-liner): field < 0.60 lets 99% pass
#   (false alarms 4.2%) and flags 99.6% of other startups' texts, 99.0% of same-sector ones. Their true
#   pairs are single sentences, so the sentence threshold is the description's (measured on sentences
#   of multi-sentence translations); on a single sentence it equals the field cosine and adds nothing.
# Names are not compared: a name and its romanisation or English name need not mean the same.
SENTENCE_THRESHOLD = 0.16
# A quoted sentence is shown as its counterpart in a version only when the two are mutual nearest
# neighbours (engine/phrases.py aligned_sentences) at least this close; else as written, marked. The
# same measure and threshold as above: a sentence of a true translation whose best counterpart falls
# below it is rarer than 0.5% (bench/bilingual_consistency.py), so it marks "no counterpart here".
QUOTE_THRESHOLD = SENTENCE_THRESHOLD
CONSISTENCY_THRESHOLDS: dict[str, float] = {
    TextField.DESCRIPTION: 0.41,
    TextField.SUMMARY: 0.60,
    TextField.OFFERS: 0.60,
    TextField.SEEKS: 0.60,
}

FIELD_LABELS: dict[str, Any] = {
    TextField.NAME: _l("name"),
    TextField.SUMMARY: _l("one-line summary"),
    TextField.DESCRIPTION: _l("description"),
    TextField.OFFERS: _l("what it offers"),
    TextField.SEEKS: _l("what it seeks"),
}
VERSION_LABELS: dict[str, Any] = {
    TextLanguage.ENGLISH: _l("English version"),
    TextLanguage.KOREAN: _l("Korean version"),
}
WRITTEN_IN: dict[str, Any] = {
    TextLanguage.KOREAN: _l("Written in Korean"),
    TextLanguage.ENGLISH: _l("Written in English"),
}
LANGUAGE_NAMES: dict[str, Any] = {TextLanguage.KOREAN: _l("Korean"), TextLanguage.ENGLISH: _l("English")}
ROMANISED = "romanised"


def other_language(language: str) -> str:
    return TextLanguage(language).other.value


# --- validation and saving -------------------------------------------------------------------------


def check_versions(data: dict[str, Any], errors: dict[str, str]) -> None:
    """Detect each original text's language and keep only versions in the other language.

    ``data`` holds the checked values, with ``<field>_ko`` and ``<field>_en`` for each text. Afterwards
    ``<field>_language`` is the original's language, the other language's key holds the version (or "")
    and the original's own language's key is "". A version written in a box of the wrong language (a
    Korean original and English text typed under ``description_ko``) is taken as the version it is.
    """
    for field in BILINGUAL_FIELDS:
        original = data.get(field, "")
        language = written_language(original)
        data[f"{field}_language"] = language
        given = {lang: data.get(f"{field}_{lang}", "") or "" for lang in LANGUAGES}
        for lang in LANGUAGES:
            data[f"{field}_{lang}"] = ""
        if language is None:
            if any(given.values()):
                key = next(f"{field}_{lang}" for lang in LANGUAGES if given[lang])
                errors[key] = _(
                    "Write the %(field)s itself first; its version in the other language goes beside it.",
                    field=FIELD_LABELS[field],
                )
            continue
        other = other_language(language)
        text = given[other]
        if not text and given[language] and given[language] != original:
            if written_language(given[language]) == other:
                text = given[language]
        if text and field != TextField.NAME and written_language(text) == language:
            errors[f"{field}_{other}"] = _(
                "Write the %(language)s version in %(language)s; this text reads as %(original)s, the "
                "language of the original.",
                language=LANGUAGE_NAMES[other],
                original=LANGUAGE_NAMES[language],
            )
            continue
        data[f"{field}_{other}"] = text


def version_values(data: dict[str, Any]) -> dict[str, str]:
    """Take the version keys out of checked ``data`` (what remains are the organisation's columns)."""
    return {
        f"{field}_{lang}": data.pop(f"{field}_{lang}", "") for field in BILINGUAL_FIELDS for lang in LANGUAGES
    }


def store_versions(organisation: Organisation, versions: Mapping[str, str], actor: User | None) -> list[str]:
    """Make the organisation's versions what ``versions`` says, in the caller's transaction.

    A version left as it was keeps its source (a machine translation sent back unchanged by the form
    stays marked as one); a changed or new one is a person's. Returns the fields whose versions changed.
    """
    changed: list[str] = []
    for field in BILINGUAL_FIELDS:
        for lang in LANGUAGES:
            text = versions.get(f"{field}_{lang}", "") or ""
            existing = organisation.version(field, lang)
            if not text:
                if existing is not None:
                    organisation.versions.remove(existing)
                    changed.append(f"{field}_{lang}")
                continue
            if existing is not None and existing.text == text:
                continue
            if existing is None:
                existing = ProfileVersion(field=field, language=lang)
                organisation.versions.append(existing)
            existing.text = text
            existing.source = VersionSource.PERSON.value
            existing.written_by_id = actor.id if actor is not None else None
            existing.similarity, existing.checked_hash, existing.mismatch = None, None, False
            existing.alignment = None
            changed.append(f"{field}_{lang}")
    return changed


def version_form_values(organisation: Organisation) -> dict[str, str]:
    """Each version's text under its key (``description_en``); "" where there is none."""
    values = {f"{field}_{lang}": "" for field in BILINGUAL_FIELDS for lang in LANGUAGES}
    for version in organisation.versions:
        values[f"{version.field}_{version.language}"] = version.text
    return values


def version_sources(organisation: Organisation) -> dict[str, str]:
    return {f"{v.field}_{v.language}": v.source for v in organisation.versions}


def original_languages(organisation: Organisation) -> dict[str, str | None]:
    return {field: language_of(organisation, field) for field in BILINGUAL_FIELDS}


def language_of(organisation: Organisation, field: str) -> str | None:
    """The stored language of an original text, detected afresh when it was never stored."""
    return organisation.original_language(field) or written_language(getattr(organisation, field) or "")


def version_slot(organisation: Organisation | None, form: Mapping[str, Any], field: str, reader: str) -> str:
    """Which language the form's "other language" box of ``field`` takes: the one the original is not
    written in (as typed, else as stored), else the one the reader does not read the page in."""
    typed = form.get(field) if form else None
    language: str | None = written_language(str(typed)) if typed else None
    if language is None and organisation is not None:
        language = language_of(organisation, field)
    if language is None:
        language = reader if reader in LANGUAGES else TextLanguage.KOREAN.value
    return other_language(language)


def suggested_name(organisation: Organisation | None, form: Mapping[str, Any]) -> str:
    """A Revised Romanization of a Hangul name, offered as its English name when it has none."""
    name = str(form.get("name") or (organisation.name if organisation else "") or "")
    if not name or not has_hangul(name) or written_language(name) != TextLanguage.KOREAN:
        return ""
    own = bracketed_latin_name(name)
    return own[0] if own is not None else romanise(name)


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownText:
    """A text as one reader is shown it."""

    text: str
    language: str | None  # the language ``text`` is written in
    original: bool  # the writer's own text (not a version or a romanisation)
    source: str  # "person", "machine" or (names) "romanised"
    reader: str  # the reader's language
    original_text: str = ""  # for a version or a romanisation: what it stands for

    @property
    def foreign(self) -> bool:
        """True when the reader is shown a text in a language other than their own."""
        return self.language is not None and self.language != self.reader

    @property
    def marker(self) -> str:
        """ "Written in Korean" for a text in the other language; "" otherwise."""
        return str(WRITTEN_IN[self.language]) if self.foreign and self.language else ""

    @property
    def is_machine(self) -> bool:
        return self.source == VersionSource.MACHINE

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


# The fields a quote under "What matched" comes from, by the phrase's kind and side: engine/phrases.py
# quotes what a startup seeks against what the other side offers, and what a startup is and offers
# (its description and offers) against what the other side seeks.
QUOTED_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("seeks_offers", "startup"): (TextField.SEEKS,),
    ("seeks_offers", "counterpart"): (TextField.OFFERS,),
    ("offers_seeks", "startup"): (TextField.DESCRIPTION, TextField.OFFERS),
    ("offers_seeks", "counterpart"): (TextField.SEEKS,),
}


def quote_for(organisation: Organisation, kind: str, side: str, sentence: str, reader: str) -> ShownText:
    """A sentence quoted from ``organisation``'s texts (a matched phrase of ``kind``, on ``side``
    "startup" or "counterpart") as a reader of ``reader`` is shown it: the corresponding sentence of the
    version in their language when the refresh job aligned one (``alignment``, at least
    ``QUOTE_THRESHOLD`` close, for the texts as they are now); else the sentence as written, whose
    ``language`` then says it is in the other language (pages mark it "Written in Korean")."""
    fields = QUOTED_FIELDS.get((kind, side), ())
    language: str | None = written_language(sentence)
    if language is None:  # too short to tell: the language of the text it was quoted from
        language = next((found for f in fields if (found := language_of(organisation, f))), None)
    as_written = ShownText(sentence, language, True, VersionSource.PERSON.value, reader)
    if not sentence or language is None or language == reader:
        return as_written
    wanted = normalise_text(sentence)
    for field in fields:
        version = organisation.version(field, reader)
        original = getattr(organisation, field) or ""
        if version is None or not version.alignment or not original:
            continue
        if version.checked_hash != _pair_hash(original, version.text):
            continue  # aligned for texts that have changed since
        for quoted, counterpart, cosine in version.alignment:
            if normalise_text(str(quoted)) == wanted and float(cosine) >= QUOTE_THRESHOLD:
                return ShownText(str(counterpart), reader, False, version.source, reader, sentence)
    return as_written


def text_for(organisation: Organisation, field: str, reader: str) -> ShownText:
    """``field`` of ``organisation`` for a reader of ``reader`` ("ko"/"en"): the one place that chooses.

    Their language's version when there is one; else the original, whose ``language`` then differs
    from the reader's (pages mark it "Written in Korean"); an English reader of a Hangul name without an
    English name gets its Revised Romanization.
    """
    original = getattr(organisation, field) or ""
    language = language_of(organisation, field)
    if not original or language is None or language == reader:
        return ShownText(original, language, True, VersionSource.PERSON.value, reader)
    version = organisation.version(field, reader)
    if version is not None and version.text:
        return ShownText(version.text, reader, False, version.source, reader, original)
    if field == TextField.NAME and reader == TextLanguage.ENGLISH and has_hangul(original):
        own = bracketed_latin_name(original)  # "에이치투웨이 (H2Way)": its writer's own Latin name
        if own is not None:
            return ShownText(own[0], reader, False, VersionSource.PERSON.value, reader, own[1])
        return ShownText(romanise(original), reader, False, ROMANISED, reader, original)
    return ShownText(original, language, True, VersionSource.PERSON.value, reader)


def name_for(organisation: Organisation, reader: str) -> str:
    """The organisation's name as a reader of ``reader`` is shown it, as plain text."""
    return text_for(organisation, TextField.NAME, reader).text


def available_in(organisation: Organisation, field: str, language: str) -> bool:
    """Whether ``field`` can be read in ``language`` (its original or a version is written in it)."""
    if not (getattr(organisation, field) or ""):
        return False
    return language_of(organisation, field) == language or organisation.version(field, language) is not None


def register_template_helpers(app: Flask) -> None:
    """``shown(organisation, field)`` and ``shown_name(organisation)`` for the reader's language."""
    from matchmaker.i18n import current_language

    def shown(organisation: Organisation, field: str) -> ShownText:
        return text_for(organisation, field, current_language())

    def shown_name(organisation: Organisation) -> str:
        return name_for(organisation, current_language())

    def shown_quote(organisation: Organisation, kind: str, side: str, sentence: str) -> ShownText:
        return quote_for(organisation, kind, side, sentence, current_language())

    app.jinja_env.globals.update(
        shown=shown,
        shown_name=shown_name,
        shown_quote=shown_quote,
        bilingual_mismatch=mismatch_message,
        VERSION_LABELS=VERSION_LABELS,
        FIELD_LABELS=FIELD_LABELS,
    )


# --- the consistency check (run by the refresh job) ----------------------------------------------


def _pair_hash(original: str, version: str) -> str:
    return text_hash(normalise_text(original) + "\x1f" + normalise_text(version))


def check_consistency(organisation: Organisation, encoder: Any) -> list[str]:
    """Compare each version with its original through ``encoder`` (the stored multilingual encoder);
    store the whole texts' cosine and whether the pair is flagged: that cosine below the field's
    threshold, or a sentence of either version without a counterpart in the other (its best cosine
    below ``SENTENCE_THRESHOLD``). Only pairs changed since their last check are embedded. Returns the
    fields found mismatched. The caller commits."""
    todo: list[tuple[ProfileVersion, str]] = []
    for version in organisation.versions:
        threshold = CONSISTENCY_THRESHOLDS.get(version.field)
        original = getattr(organisation, version.field) or ""
        if threshold is None or not original or not version.text:
            continue
        if version.checked_hash != _pair_hash(original, version.text) or version.alignment is None:
            todo.append((version, original))
    if todo:
        vectors = np.asarray(encoder.encode([t for v, o in todo for t in (o, v.text)]), dtype=np.float64)
        for i, (version, original) in enumerate(todo):
            a, b = vectors[2 * i], vectors[2 * i + 1]
            norms = float(np.linalg.norm(a) * np.linalg.norm(b))
            sentences = _compare_sentences(original, version.text, encoder)
            if norms == 0.0 or sentences is None:  # not embedded yet (a web process without the model)
                continue  # checked again later
            gap, alignment = sentences
            version.similarity = round(float(a @ b) / norms, 4)
            version.checked_hash = _pair_hash(original, version.text)
            version.mismatch = (
                version.similarity < CONSISTENCY_THRESHOLDS[version.field] or gap < SENTENCE_THRESHOLD
            )
            version.alignment = alignment
    return mismatched_fields(organisation)


def check_unaligned(encoder: Any, batch: int = 50) -> int:
    """Check every organisation with a version that holds no sentence alignment yet (checked before
    alignments were stored, or never checked), committing ``batch`` organisations at a time; for
    ``flask rematch`` and the rematch job, which run with the model. Returns how many were checked."""
    ids = list(
        db.session.scalars(
            select(ProfileVersion.organisation_id)
            .where(ProfileVersion.alignment.is_(None))
            .distinct()
            .order_by(ProfileVersion.organisation_id)
        )
    )
    for start in range(0, len(ids), batch):
        for organisation_id in ids[start : start + batch]:
            organisation = db.session.get(Organisation, organisation_id)
            if organisation is not None:
                check_consistency(organisation, encoder)
        db.session.commit()
    return len(ids)


def _compare_sentences(
    original: str, version: str, encoder: Any
) -> tuple[float, list[list[str | float]]] | None:
    """The two texts' sentences compared once: the best cosine of the sentence either side covers
    least (engine/phrases.py coverage_gap), and the aligned pairs ``[original sentence, version
    sentence, cosine]``; None when a sentence is not embedded yet (a zero vector)."""
    a, b = split_sentences(original) or [original], split_sentences(version) or [version]
    vectors = np.asarray(encoder.encode(a + b), dtype=np.float64)
    if not np.all(np.linalg.norm(vectors, axis=1) > 0):
        return None
    _, _, gap = coverage_gap(vectors[: len(a)], vectors[len(a) :])
    pairs = aligned_sentences(vectors[: len(a)], vectors[len(a) :])
    return gap, [[a[i], b[j], round(cosine, 4)] for i, j, cosine in pairs]


def mismatched_fields(organisation: Organisation) -> list[str]:
    """Fields whose version was found not to say what the original says (and is unchanged since)."""
    found = []
    for version in organisation.versions:
        original = getattr(organisation, version.field) or ""
        if version.mismatch and version.checked_hash == _pair_hash(original, version.text):
            found.append(version.field)
    return found


def mismatch_message(organisation: Organisation, fields: Sequence[str]) -> str:
    """The warning a writer reads: which texts' two versions may not say the same thing."""
    names = ", ".join(str(FIELD_LABELS[f]) for f in fields)
    return _(
        "The two language versions of the %(fields)s may not say the same thing. Check that each "
        "version says what the other does.",
        fields=names,
    )


@dataclass(frozen=True)
class FlaggedVersion:
    organisation: Organisation
    field: str
    language: str
    similarity: float


def flagged_versions(limit: int = 50) -> list[FlaggedVersion]:
    """Versions the check found not to match their original, for the staff dashboard."""
    rows = db.session.scalars(
        select(ProfileVersion)
        .where(ProfileVersion.mismatch.is_(True))
        .options(selectinload(ProfileVersion.organisation))
        .order_by(ProfileVersion.similarity, ProfileVersion.organisation_id)
        .limit(limit * 2)
    )
    flagged = []
    for version in rows:
        organisation = version.organisation
        if organisation.is_deleted or version.field not in mismatched_fields(organisation):
            continue
        flagged.append(
            FlaggedVersion(organisation, version.field, version.language, version.similarity or 0.0)
        )
    return flagged[:limit]


# --- asking for the other language -------------------------------------------------------------------

TOP_MATCHES = 10


def reads(organisation: Organisation, language: str) -> bool:
    """Whether the organisation's people read ``language``: a member's account language says so, else
    the language of its description."""
    member_languages = {u.language for u in organisation.members if u.is_active_account and u.language}
    if member_languages:
        return language in member_languages
    return language_of(organisation, TextField.DESCRIPTION) == language


def readable_in(organisation: Organisation, language: str) -> bool:
    """Whether a reader of ``language`` finds a summary or a description written in it."""
    return available_in(organisation, TextField.SUMMARY, language) or available_in(
        organisation, TextField.DESCRIPTION, language
    )


@dataclass(frozen=True)
class LanguagePrompt:
    """Ask an organisation for a summary in ``language``: ``readers`` of its top matches read only it."""

    language: str
    readers: int


def language_prompt(organisation: Organisation) -> LanguagePrompt | None:
    """A founder whose top matches include English-reading partners or investors, with no English
    summary or description, is asked for one; a partner or investor with an English-only profile whose
    top matches include Korean startups is asked for a Korean one."""
    is_startup = organisation.kind == OrganisationKind.STARTUP
    side = Match.startup_id if is_startup else Match.counterpart_id
    others = list(
        db.session.scalars(
            select(Match)
            .where(side == organisation.id)
            .order_by(Match.score.desc())
            .limit(TOP_MATCHES)
            .options(selectinload(Match.counterpart if is_startup else Match.startup))
        )
    )
    if not others:
        return None
    counterparts = [m.counterpart if is_startup else m.startup for m in others]
    for language in (TextLanguage.ENGLISH.value, TextLanguage.KOREAN.value):
        if readable_in(organisation, language):
            continue
        readers = sum(
            1 for o in counterparts if reads(o, language) and not reads(o, other_language(language))
        )
        if readers:
            return LanguagePrompt(language, readers)
    return None


def request_version(actor: User, organisation: Organisation, language: str) -> int:
    """Staff ask the organisation's members for a summary and description in ``language``: a mail to
    each, in their own language, and an audit event, in one transaction. Returns how many were mailed."""

    if language not in LANGUAGES:
        raise ValueError(language)
    recipients = notifications.member_recipients(organisation)
    messages = [
        notifications.queue_mail(
            recipient,
            "version_request",
            organisation=organisation,
            language_name=LANGUAGE_NAMES[language],
            link=_edit_link(organisation),
        )
        for recipient in recipients
    ]
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action="profile.version_requested",
            subject_id=organisation.id,
            details={"language": language, "recipients": len(messages)},
        )
    )
    db.session.commit()
    notifications.dispatch(messages)
    return len(messages)


def _edit_link(organisation: Organisation) -> str:
    from flask import url_for
    from werkzeug.routing import BuildError

    try:
        return url_for("organisations.edit", organisation_id=organisation.id, _external=True)
    except (RuntimeError, BuildError):
        return f"/organisations/{organisation.id}/edit"


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _store_languages(mapper: Any, connection: Any, organisation: Organisation) -> None:
    """Every write of an organisation stores the language of each original text, whichever way it was
    written (the form, the API, an import, the demo seed): the stored language always fits the text."""
    for field in BILINGUAL_FIELDS:
        language = written_language(getattr(organisation, field) or "")
        if getattr(organisation, f"{field}_language") != language:
            setattr(organisation, f"{field}_language", language)


__all__ = [
    "CONSISTENCY_THRESHOLDS",
    "SENTENCE_THRESHOLD",
    "QUOTE_THRESHOLD",
    "LanguagePrompt",
    "ShownText",
    "check_consistency",
    "check_unaligned",
    "check_versions",
    "language_prompt",
    "quote_for",
    "text_for",
]
