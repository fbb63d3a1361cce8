"""The organisation profile, described once: limits, enums, JSON types, messages, and what is stored.

``ProfileFields`` validates what the API receives and, through ``profile_from_form``, what the web form
and the CSV import send; ``check_profile`` adds the rules JSON Schema cannot say (amount text, ticket
order) and returns the values to store. ``OrganisationOut`` is what the API answers. The OpenAPI
document is generated from these classes (matchmaker.api.openapi).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, TypeAlias

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from matchmaker import money
from matchmaker.inputs import whole_number
from matchmaker.labels import label
from matchmaker.models import OrganisationKind, Sector, Stage, Visibility
from matchmaker.models import organisations as limits
from matchmaker.schemas.common import (
    BLANK_CLASS,
    INTEGRAL,
    LINE,
    NOT_BLANK,
    TEXT,
    DatabaseId,
    Explain,
    field_messages,
    generic_message,
    length_message,
    strip_blanks,
)

ProfileData = dict[str, Any]

# The enums' values written out, in their order, so mypy reads them (tests/api/test_schema.py checks them).
SectorName: TypeAlias = Literal["automotive", "energy", "healthcare", "content"]
StageName: TypeAlias = Literal["idea", "pre_seed", "seed", "series_a", "series_b_plus", "growth"]
CurrencyName: TypeAlias = Literal["KRW", "USD"]
VisibilityName: TypeAlias = Literal["listed", "hidden"]
LanguageName: TypeAlias = Literal["ko", "en"]
SourceName: TypeAlias = Literal["person", "machine"]
KindName: TypeAlias = Literal["startup", "partner", "investor"]

_NO_BLANK_CLASS = BLANK_CLASS
# Empty, or http(s)://host.tld[/…]: what a browser can open. Written out, not ``format: uri``, so that a
# client and this server read the same rule (an empty website is "none given").
WEBSITE_PATTERN = (
    rf"^$|^https?://[^{_NO_BLANK_CLASS}/?#@]+\.[^{_NO_BLANK_CLASS}/?#@]+([/?#][^{_NO_BLANK_CLASS}]*)?$"
)
EMAIL_PATTERN = rf"^$|^[^@{_NO_BLANK_CLASS}]+@[^@{_NO_BLANK_CLASS}]+\.[^@{_NO_BLANK_CLASS}]+$"
EMAIL_MAX = 254
TEAM_SIZE_MAX = 1_000_000
CAPACITY_MAX = 1000
AMOUNT_TEXT_MAX = 40
AMOUNT_EXAMPLES = "20억원, 1.5억, 5,000만, ₩2,000,000,000 or $1.5M"
# The same examples with the "or" left to the reader's language (the list itself reads in both).
_AMOUNT_EXAMPLE_LIST, _AMOUNT_EXAMPLE_LAST = "20억원, 1.5억, 5,000만, ₩2,000,000,000", "$1.5M"


# Each field's type as an alias mypy can read (a call in an annotation is not a type to it).
Name: TypeAlias = Annotated[str, Field(max_length=limits.NAME_MAX, pattern=NOT_BLANK), LINE]
# TEXT, not LINE: a line break is refused with a message (the pattern), not silently made a space.
Summary: TypeAlias = Annotated[str, Field(max_length=limits.SUMMARY_MAX, pattern=r"^[^\r\n]*$"), TEXT] | None
NameVersion: TypeAlias = Annotated[str, Field(max_length=limits.NAME_MAX), LINE] | None
DescriptionVersion: TypeAlias = Annotated[str, Field(max_length=limits.DESCRIPTION_MAX), TEXT] | None
Description: TypeAlias = Annotated[str, Field(max_length=limits.DESCRIPTION_MAX, pattern=NOT_BLANK), TEXT]
Offers: TypeAlias = Annotated[str, Field(max_length=limits.OFFERS_MAX), TEXT] | None
Seeks: TypeAlias = Annotated[str, Field(max_length=limits.SEEKS_MAX), TEXT] | None
Location: TypeAlias = Annotated[str, Field(max_length=limits.LOCATION_MAX), LINE] | None
Website: TypeAlias = (
    Annotated[str, Field(max_length=limits.WEBSITE_MAX, pattern=WEBSITE_PATTERN), LINE] | None
)
ContactEmail: TypeAlias = Annotated[str, Field(max_length=EMAIL_MAX, pattern=EMAIL_PATTERN), LINE] | None
TeamSize: TypeAlias = Annotated[int, Field(ge=1, le=TEAM_SIZE_MAX), INTEGRAL] | None
Capacity: TypeAlias = Annotated[int, Field(ge=0, le=CAPACITY_MAX), INTEGRAL] | None
Tag = Annotated[str, Field(max_length=limits.TAG_MAX, pattern="^[^,]*$"), LINE]
Amount: TypeAlias = (
    Annotated[int, Field(ge=0, le=max(money.AMOUNT_MAX.values())), INTEGRAL]
    | Annotated[str, Field(max_length=AMOUNT_TEXT_MAX), LINE]
    | None
)
AMOUNT_DOC = (
    "Whole units of the currency beside it (won or dollars), or text as people type it: '20억원', "
    "'1.5억', '5,000만', '₩2,000,000,000', '$1.5M', '500k'. A currency mark in the text wins over the "
    "currency field. Text that is not an amount is refused with 422."
)


# The texts that exist in two languages; each has a version field per language (``description_en``).
BILINGUAL_FIELDS = ("name", "summary", "description", "offers", "seeks")
LANGUAGES = ("ko", "en")
_LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}


def _version_doc(field: str, language: str) -> str:
    name = _LANGUAGE_NAMES[language]
    return (
        f"The {name} version of `{field}`, beside the original; ignored when `{field}` is itself written in "
        f"{name}. Empty: none. Readers of {name} are shown it; matching reads the original."
    )


class ProfileFields(BaseModel):
    """Every field a person or a program may set on a profile, with its JSON type and limits."""

    model_config = ConfigDict(extra="forbid", strict=True, title="OrganisationProfile")

    name: Name
    summary: Summary = Field(default="", description="A one-line summary of what the organisation does.")
    description: Description = Field(description="What the organisation does; matching starts from it.")
    offers: Offers = ""
    seeks: Seeks = ""
    # The other-language versions (one text in two languages: the original above, a version beside it).
    name_ko: NameVersion = Field(default="", description=_version_doc("name", "ko"))
    name_en: NameVersion = Field(default="", description=_version_doc("name", "en"))
    summary_ko: Summary = Field(default="", description=_version_doc("summary", "ko"))
    summary_en: Summary = Field(default="", description=_version_doc("summary", "en"))
    description_ko: DescriptionVersion = Field(default="", description=_version_doc("description", "ko"))
    description_en: DescriptionVersion = Field(default="", description=_version_doc("description", "en"))
    offers_ko: Offers = Field(default="", description=_version_doc("offers", "ko"))
    offers_en: Offers = Field(default="", description=_version_doc("offers", "en"))
    seeks_ko: Seeks = Field(default="", description=_version_doc("seeks", "ko"))
    seeks_en: Seeks = Field(default="", description=_version_doc("seeks", "en"))
    sectors: list[SectorName] = []
    tags: list[Tag] = Field(default=[], max_length=limits.TAGS_MAX_COUNT)
    stage: StageName | None = Field(default=None, description="Startups only; ignored for other kinds.")
    raising_currency: CurrencyName | None = Field(
        default=None, description="Currency of raising_amount when it has no ₩ or $; null: the default."
    )
    raising_amount: Amount = Field(default=None, description="Startups only. " + AMOUNT_DOC)
    investor_stages: list[StageName] = Field(default=[], description="Investors only; ignored otherwise.")
    ticket_currency: CurrencyName | None = Field(default=None, description="Currency of the tickets.")
    ticket_min: Amount = Field(default=None, description="Investors only. " + AMOUNT_DOC)
    ticket_max: Amount = Field(default=None, description="Investors only; at least ticket_min.")
    location: Location = ""
    is_complex_tenant: bool = False
    website: Website = ""
    contact_email: ContactEmail = ""
    team_size: TeamSize = None
    visibility: VisibilityName | None = Field(default=None, description="null: listed.")
    monthly_intro_capacity: Capacity = Field(
        default=None,
        description="Partners and investors: new introductions taken per month; null means no limit.",
    )

    @field_validator("raising_amount", "ticket_min", "ticket_max")
    @classmethod
    def _amount_reads(cls, value: int | str | None, info: ValidationInfo) -> int | str | None:
        """An amount must read as money in its currency; only for the kinds that store it."""
        kind = (info.context or {}).get("kind")
        stored_by = (
            OrganisationKind.STARTUP if info.field_name == "raising_amount" else OrganisationKind.INVESTOR
        )
        if value is None or (kind is not None and kind != stored_by):
            return value
        currency_field = "raising_currency" if info.field_name == "raising_amount" else "ticket_currency"
        try:
            money.parse_money(str(value), info.data.get(currency_field) or money.default_currency())
        except money.AmountTooLarge as exc:
            raise PydanticCustomError(
                "amount_too_large",
                "too large",
                {"maximum": exc.maximum, "currency": exc.currency},
            ) from exc
        except money.AmountError as exc:
            raise PydanticCustomError("amount", "not an amount") from exc
        return value


PROFILE_FIELDS = frozenset(ProfileFields.model_fields)
VERSION_FIELDS = tuple(f"{field}_{language}" for field in BILINGUAL_FIELDS for language in LANGUAGES)


class OrganisationCreate(ProfileFields):
    """A new profile; ``kind`` says what it is (founders may create only a startup)."""

    model_config = ConfigDict(title="OrganisationCreate")

    kind: KindName = "startup"


class OrganisationSummary(BaseModel):
    """Enough to name and link an organisation inside another object."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: KindName


class ReaderText(BaseModel):
    """One profile text as the caller (its Accept-Language) is shown it."""

    text: str
    language: LanguageName | None = Field(description="The language the shown text is written in.")
    original: bool = Field(description="True: the text as its writer wrote it; false: a version of it.")
    source: Literal["person", "machine", "romanised"] = Field(
        description="Who wrote the shown text: a person, a machine translation, or (names) a romanisation."
    )


class OrganisationOut(BaseModel):
    """A profile as the API answers it; ``contact_email`` is null for those who may not see it."""

    model_config = ConfigDict(title="Organisation", from_attributes=True)

    id: int
    slug: str
    kind: KindName
    name: str = Field(max_length=limits.NAME_MAX)
    summary: str = Field(max_length=limits.SUMMARY_MAX)
    description: str = Field(max_length=limits.DESCRIPTION_MAX)
    offers: str = Field(max_length=limits.OFFERS_MAX)
    seeks: str = Field(max_length=limits.SEEKS_MAX)
    name_ko: str = Field(max_length=limits.NAME_MAX, description="Empty when there is none.")
    name_en: str = Field(max_length=limits.NAME_MAX, description="Empty when there is none.")
    summary_ko: str = Field(max_length=limits.SUMMARY_MAX)
    summary_en: str = Field(max_length=limits.SUMMARY_MAX)
    description_ko: str = Field(max_length=limits.DESCRIPTION_MAX)
    description_en: str = Field(max_length=limits.DESCRIPTION_MAX)
    offers_ko: str = Field(max_length=limits.OFFERS_MAX)
    offers_en: str = Field(max_length=limits.OFFERS_MAX)
    seeks_ko: str = Field(max_length=limits.SEEKS_MAX)
    seeks_en: str = Field(max_length=limits.SEEKS_MAX)
    languages: dict[str, LanguageName | None] = Field(
        description="The language each original text (name, summary, description, offers, seeks) is written "
        "in; null when it is empty."
    )
    version_sources: dict[str, SourceName] = Field(
        description="Who wrote each stored version, by its field (`description_en`): a person or a machine."
    )
    for_reader: dict[str, ReaderText] = Field(
        description="Each text as the caller is shown it, by the language of its Accept-Language (ko or "
        "en, else Korean): that language's version when there is one, else the original."
    )
    sectors: list[SectorName]
    tags: list[Tag]
    stage: StageName | None
    raising_amount: int | None = Field(description="Whole units of raising_currency.")
    raising_currency: CurrencyName
    investor_stages: list[StageName]
    ticket_min: int | None
    ticket_max: int | None
    ticket_currency: CurrencyName
    location: str
    is_complex_tenant: bool
    website: str = Field(pattern=WEBSITE_PATTERN, description="Empty when none is given.")
    contact_email: str | None = Field(
        description="Null unless you are a member, staff, or introduced to this organisation."
    )
    team_size: int | None
    visibility: VisibilityName
    monthly_intro_capacity: int | None
    created_at: datetime
    updated_at: datetime


@cache
def max_lengths() -> dict[str, int]:
    """Each text field's maxLength as the schema states it; the form's maxlength attributes use it."""
    lengths: dict[str, int] = {}
    for name, prop in ProfileFields.model_json_schema()["properties"].items():
        for option in (prop, *prop.get("anyOf", [])):
            if "maxLength" in option:
                lengths[name] = option["maxLength"]
    return lengths


# --- messages --------------------------------------------------------------------------------------


def _is_type_error(error: ErrorDetails) -> bool:
    return error["type"].endswith("_type")


def _rule(message: Any) -> Explain:
    """Explain every error of a field with ``message()``, except wrong JSON types and lengths."""

    def explain(error: ErrorDetails) -> str:
        if _is_type_error(error) or error["type"] == "extra_forbidden":
            return generic_message(error)
        if error["type"] == "string_too_long":
            return length_message(error)
        return message(error)

    return explain


def _bad_value(error: ErrorDetails) -> str:
    value = error["input"]
    return value if isinstance(value, str) else repr(value)


def _tags(error: ErrorDetails) -> str:
    if error["type"] == "too_long":
        return _("Use at most %(num)s tags.", num=limits.TAGS_MAX_COUNT)
    if error["type"] == "string_too_long":
        return _("Keep each tag under %(num)s characters.", num=limits.TAG_MAX)
    if error["type"] == "string_pattern_mismatch":
        return _("Send each tag as its own string, without commas.")
    return _("Send a list of strings.")


def _amount(error: ErrorDetails) -> str:
    if error["type"] == "amount_too_large":
        ctx = error.get("ctx") or {}
        return _(
            "Use an amount of at most %(num)s %(currency)s.",
            num=f"{ctx.get('maximum', 0):,}",
            currency=ctx.get("currency", ""),
        )
    if _is_type_error(error) and error["type"] != "string_type":
        return _('Send a whole amount as a number, or text like "20억원" or "$1.5M".')
    return _(
        "Enter an amount like %(examples)s or %(last)s.",
        examples=_AMOUNT_EXAMPLE_LIST,
        last=_AMOUNT_EXAMPLE_LAST,
    )


PROFILE_MESSAGES: dict[str, Explain] = {
    "name": _rule(lambda e: _("Enter the organisation's name.")),
    "summary": _rule(lambda e: _("Keep the summary to one line.")),
    "description": _rule(
        lambda e: _("Describe the organisation in a few sentences; matching starts from it.")
    ),
    "website": _rule(
        lambda e: _("Enter a full web address starting with https://, like https://example.kr.")
    ),
    "contact_email": _rule(lambda e: _("Enter a valid e-mail address.")),
    "sectors": _rule(
        lambda e: _(
            "Unknown sector %(value)r; choose among %(choices)s.",
            value=_bad_value(e),
            choices=", ".join(label(s) for s in Sector),
        )
    ),
    "tags": _tags,
    "stage": _rule(
        lambda e: _("Unknown stage %(value)r; choose one of the listed stages.", value=_bad_value(e))
    ),
    "investor_stages": _rule(
        lambda e: _("Unknown stage %(value)r; choose among the listed stages.", value=_bad_value(e))
    ),
    "raising_currency": _rule(lambda e: _("Choose one of %(choices)s.", choices=", ".join(money.CURRENCIES))),
    "ticket_currency": _rule(lambda e: _("Choose one of %(choices)s.", choices=", ".join(money.CURRENCIES))),
    "raising_amount": _amount,
    "ticket_min": _amount,
    "ticket_max": _amount,
    "team_size": lambda e: _("Enter the number of people as a whole number, at least 1."),
    "visibility": _rule(lambda e: _("Choose listed or hidden.")),
    "monthly_intro_capacity": lambda e: _(
        "Enter a whole number from 0 to %(num)s, or leave it empty.", num=CAPACITY_MAX
    ),
    "kind": _rule(lambda e: _("Use startup, partner or investor.")),
}


# --- the web form and the import -------------------------------------------------------------------

_CHECKED = {"1", "true", "on", "yes", "y"}
_FORM_LISTS = ("sectors", "investor_stages")
_FORM_COUNTS = {"team_size": (1, TEAM_SIZE_MAX), "monthly_intro_capacity": (0, CAPACITY_MAX)}
_FORM_OPTIONAL = ("stage", "raising_amount", "ticket_min", "ticket_max", "visibility")


def _form_list(form: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(key)]
    value = form.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def profile_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """What a person typed (all text; a werkzeug MultiDict or a plain dict) as the profile's JSON values.

    Only the form's own conventions are read here (comma-separated tags, a ticked box, an empty box
    meaning "none"); every rule is ProfileFields'.
    """
    values: dict[str, Any] = {}
    for key in form:
        if key not in PROFILE_FIELDS:
            continue
        if key in _FORM_LISTS:
            values[key] = _form_list(form, key)
            continue
        raw = form.get(key)
        text = "" if raw is None else strip_blanks(str(raw))
        if key == "tags":
            pieces = (strip_blanks(t) for item in _form_list(form, key) for t in item.split(","))
            values[key] = [t for t in pieces if t]
        elif key == "is_complex_tenant":
            values[key] = text.lower() in _CHECKED
        elif key in _FORM_COUNTS:
            number = whole_number(text, *_FORM_COUNTS[key])
            values[key] = None if not text else (text if number is None else number)
        elif key in {"raising_currency", "ticket_currency"}:
            values[key] = text.upper() or None
        elif key in _FORM_OPTIONAL:
            values[key] = text or None
        else:
            values[key] = text
    return values


# --- validation -----------------------------------------------------------------------------------


def check_profile(values: Mapping[str, Any], kind: str) -> tuple[ProfileData, dict[str, str]]:
    """Validate a profile's JSON values for an organisation of ``kind``.

    Returns (the values to store, {field: translated message}); the values are complete only when
    there is no error. Every caller (form, API, import) goes through here.
    """
    try:
        fields = ProfileFields.model_validate(dict(values), context={"kind": kind})
    except PydanticValidationError as exc:
        return {}, field_messages(exc, PROFILE_MESSAGES)
    errors: dict[str, str] = {}
    data: ProfileData = {
        key: strip_blanks(getattr(fields, key) or "")
        for key in (*BILINGUAL_FIELDS, "location", "website", *VERSION_FIELDS)
    }
    data["contact_email"] = strip_blanks(fields.contact_email or "").lower()
    data["sectors"] = sorted(set(fields.sectors))
    tags = (strip_blanks(t).lower() for t in fields.tags)
    data["tags"] = list(dict.fromkeys(t for t in tags if t))
    data["team_size"] = fields.team_size
    data["is_complex_tenant"] = fields.is_complex_tenant
    data["visibility"] = fields.visibility or Visibility.LISTED.value
    _funding(fields, kind, data, errors)
    is_startup = kind == OrganisationKind.STARTUP
    data["monthly_intro_capacity"] = None if is_startup else fields.monthly_intro_capacity
    return data, errors


def _text(value: int | str | None) -> str:
    return "" if value is None else str(value)


def _funding(fields: ProfileFields, kind: str, data: ProfileData, errors: dict[str, str]) -> None:
    """Stage and amounts, kept only for the kind that has them; amounts read in their currency."""
    default = money.default_currency()
    data.update(
        stage=None,
        raising_amount=None,
        raising_currency=default,
        investor_stages=[],
        ticket_min=None,
        ticket_max=None,
        ticket_currency=default,
    )
    if kind == OrganisationKind.STARTUP:
        currency = fields.raising_currency or default
        raising = money.parse_money(_text(fields.raising_amount), currency)
        data["stage"] = fields.stage
        data["raising_currency"] = raising[1] if raising else currency
        data["raising_amount"] = raising[0] if raising else None
    elif kind == OrganisationKind.INVESTOR:
        chosen = set(fields.investor_stages)
        data["investor_stages"] = [s.value for s in Stage if s.value in chosen]
        currency = fields.ticket_currency or default
        low_text, high_text = _text(fields.ticket_min), _text(fields.ticket_max)
        low, high = money.parse_money(low_text, currency), money.parse_money(high_text, currency)
        if low is not None and high is not None and low[1] != high[1]:
            # One end typed as "$3M" sets the currency of an end typed without a mark ("250k").
            for option in (high[1], low[1]):
                low_as, high_as = money.parse_money(low_text, option), money.parse_money(high_text, option)
                if low_as and high_as and low_as[1] == high_as[1] == option:
                    low, high = low_as, high_as
                    break
            else:
                errors["ticket_max"] = _("Give both ends of the ticket range in the same currency.")
                return
        found = low or high
        data["ticket_currency"] = found[1] if found else currency
        data["ticket_min"] = low[0] if low else None
        data["ticket_max"] = high[0] if high else None
        if low is not None and high is not None and low[0] > high[0]:
            errors["ticket_max"] = _("The largest ticket must be at least the smallest.")


__all__ = [
    "AMOUNT_EXAMPLES",
    "BILINGUAL_FIELDS",
    "VERSION_FIELDS",
    "CAPACITY_MAX",
    "DatabaseId",
    "OrganisationCreate",
    "OrganisationOut",
    "OrganisationSummary",
    "PROFILE_FIELDS",
    "ProfileFields",
    "check_profile",
    "profile_from_form",
]
