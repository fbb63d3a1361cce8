"""Organisation profiles: validation, creation, editing, permissions and the directory."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.inputs import whole_number
from matchmaker.labels import label
from matchmaker.models import (
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Role,
    Sector,
    Stage,
    User,
    Visibility,
)
from matchmaker.models import organisations as limits
from matchmaker.services import money
from matchmaker.services.errors import ConflictError, PermissionDenied, ValidationError

ProfileData = dict[str, Any]

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _values(form: Mapping[str, Any], key: str) -> list[str]:
    """All values of a multi-valued field, from a werkzeug MultiDict or a plain dict (JSON)."""
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(key)]
    value = form.get(key)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return "" if value is None else str(value).strip()


def _check_length(errors: dict[str, str], data: ProfileData, field: str, maximum: int) -> None:
    if len(data[field]) > maximum:
        errors[field] = _("Use at most %(num)s characters (now %(now)s).", num=maximum, now=len(data[field]))


def validate_profile(form: Mapping[str, Any], kind: str) -> ProfileData:
    """Check a submitted profile for an organisation of ``kind``; raise ValidationError naming every field."""
    errors: dict[str, str] = {}
    data: ProfileData = {
        "name": _text(form, "name"),
        "description": _text(form, "description"),
        "offers": _text(form, "offers"),
        "seeks": _text(form, "seeks"),
        "location": _text(form, "location"),
        "website": _text(form, "website"),
        "contact_email": _text(form, "contact_email").lower(),
    }
    if not data["name"]:
        errors["name"] = _("Enter the organisation's name.")
    if not data["description"]:
        errors["description"] = _("Describe the organisation in a few sentences; matching starts from it.")
    for field, maximum in (
        ("name", limits.NAME_MAX),
        ("description", limits.DESCRIPTION_MAX),
        ("offers", limits.OFFERS_MAX),
        ("seeks", limits.SEEKS_MAX),
        ("location", limits.LOCATION_MAX),
        ("website", limits.WEBSITE_MAX),
    ):
        _check_length(errors, data, field, maximum)

    if data["website"]:
        parsed = urlparse(data["website"])
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or "." not in parsed.netloc:
            errors["website"] = _("Enter a full web address starting with https://, like https://example.kr.")
    if data["contact_email"] and not _EMAIL_RE.match(data["contact_email"]):
        errors["contact_email"] = _("Enter a valid e-mail address.")

    sectors = _values(form, "sectors")
    unknown = [s for s in sectors if s not in Sector.__members__.values()]
    if unknown:
        errors["sectors"] = _(
            "Unknown sector %(value)r; choose among %(choices)s.",
            value=unknown[0],
            choices=", ".join(label(s) for s in Sector),
        )
    data["sectors"] = sorted(set(sectors) - set(unknown))

    tags = [t.strip().lower() for raw in _values(form, "tags") for t in raw.split(",") if t.strip()]
    tags = list(dict.fromkeys(tags))
    if len(tags) > limits.TAGS_MAX_COUNT:
        errors["tags"] = _("Use at most %(num)s tags.", num=limits.TAGS_MAX_COUNT)
    elif any(len(t) > limits.TAG_MAX for t in tags):
        errors["tags"] = _("Keep each tag under %(num)s characters.", num=limits.TAG_MAX)
    data["tags"] = tags

    team_size = _text(form, "team_size")
    data["team_size"] = None
    if team_size:
        data["team_size"] = whole_number(team_size, 1, 1_000_000)
        if data["team_size"] is None:
            errors["team_size"] = _("Enter the number of people as a whole number, at least 1.")

    data["is_complex_tenant"] = _text(form, "is_complex_tenant").lower() in {"1", "true", "on", "yes", "y"}
    visibility = _text(form, "visibility") or Visibility.LISTED.value
    if visibility not in Visibility.__members__.values():
        errors["visibility"] = _("Choose listed or hidden.")
    data["visibility"] = visibility

    _validate_funding(form, kind, data, errors)
    _validate_capacity(form, kind, data, errors)
    if errors:
        raise ValidationError(errors)
    return data


AMOUNT_EXAMPLES = "20억원, 1.5억, 5,000만, ₩2,000,000,000 or $1.5M"


def _read_amount(
    form: Mapping[str, Any], field: str, currency: str, errors: dict[str, str]
) -> tuple[int, str] | None:
    try:
        return money.parse_money(_text(form, field), currency)
    except money.AmountError:
        errors[field] = _("Enter an amount like %(examples)s.", examples=AMOUNT_EXAMPLES)
        return None


def _chosen_currency(form: Mapping[str, Any], field: str, errors: dict[str, str]) -> str:
    """The currency picked next to an amount; it applies to amounts typed without a currency mark."""
    chosen = _text(form, field).upper() or money.default_currency()
    if chosen not in money.CURRENCIES:
        errors[field] = _("Choose one of %(choices)s.", choices=", ".join(money.CURRENCIES))
        return money.default_currency()
    return chosen


def _agreed_currency(
    form: Mapping[str, Any], fields: tuple[str, ...], options: tuple[str, ...]
) -> str | None:
    """The first currency in which every field reads as that currency, or None when they disagree."""
    for option in options:
        if all((money.parse_money(_text(form, f), option) or (0, option))[1] == option for f in fields):
            return option
    return None


def _validate_funding(form: Mapping[str, Any], kind: str, data: ProfileData, errors: dict[str, str]) -> None:
    stages = {s.value for s in Stage}
    data.update(
        stage=None,
        raising_amount=None,
        raising_currency=money.default_currency(),
        investor_stages=[],
        ticket_min=None,
        ticket_max=None,
        ticket_currency=money.default_currency(),
    )
    if kind == OrganisationKind.STARTUP:
        stage = _text(form, "stage")
        if stage and stage not in stages:
            errors["stage"] = _("Unknown stage %(value)r; choose one of the listed stages.", value=stage)
        data["stage"] = stage or None
        currency = _chosen_currency(form, "raising_currency", errors)
        raising = _read_amount(form, "raising_amount", currency, errors)
        data["raising_currency"] = raising[1] if raising else currency
        data["raising_amount"] = raising[0] if raising else None
    elif kind == OrganisationKind.INVESTOR:
        chosen = _values(form, "investor_stages")
        bad = [s for s in chosen if s not in stages]
        if bad:
            errors["investor_stages"] = _(
                "Unknown stage %(value)r; choose among the listed stages.", value=bad[0]
            )
        data["investor_stages"] = [s.value for s in Stage if s.value in chosen]
        currency = _chosen_currency(form, "ticket_currency", errors)
        low = _read_amount(form, "ticket_min", currency, errors)
        high = _read_amount(form, "ticket_max", currency, errors)
        if low is not None and high is not None and low[1] != high[1]:
            # One end typed as "$3M" sets the currency of an end typed without a mark ("250k").
            agreed = _agreed_currency(form, ("ticket_min", "ticket_max"), (high[1], low[1]))
            if agreed is None:
                errors["ticket_max"] = _("Give both ends of the ticket range in the same currency.")
                return
            low = money.parse_money(_text(form, "ticket_min"), agreed)
            high = money.parse_money(_text(form, "ticket_max"), agreed)
        found = low or high
        data["ticket_currency"] = found[1] if found else currency
        data["ticket_min"] = low[0] if low else None
        data["ticket_max"] = high[0] if high else None
        if low is not None and high is not None and low[0] > high[0]:
            errors["ticket_max"] = _("The largest ticket must be at least the smallest.")


CAPACITY_MAX = 1000


def _validate_capacity(form: Mapping[str, Any], kind: str, data: ProfileData, errors: dict[str, str]) -> None:
    """Partners and investors may cap their new introductions per month; empty means no limit."""
    data["monthly_intro_capacity"] = None
    raw = _text(form, "monthly_intro_capacity")
    if kind == OrganisationKind.STARTUP or not raw:
        return
    data["monthly_intro_capacity"] = whole_number(raw, 0, CAPACITY_MAX)
    if data["monthly_intro_capacity"] is None:
        message = _("Enter a whole number from 0 to %(num)s, or leave it empty.", num=CAPACITY_MAX)
        errors["monthly_intro_capacity"] = message


def slugify(name: str) -> str:
    """An ASCII slug from a name; names in Hangul fall back to 'org'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]
    return slug or "org"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    for n in range(2, 1000):
        if f"{base}-{n}" not in taken:
            return f"{base}-{n}"
    return f"{base}-{secrets.token_hex(3)}"


def can_edit(user: User, organisation: Organisation) -> bool:
    """Staff edit every organisation; everybody else only their own."""
    return user.is_staff or (user.organisation_id is not None and user.organisation_id == organisation.id)


def can_view(user: User, organisation: Organisation) -> bool:
    """Listed profiles are visible to every signed-in user; hidden ones to their members and staff."""
    return organisation.is_listed or can_edit(user, organisation)


def _mark_pending(organisation: Organisation) -> datetime | None:
    """In the save's transaction: its matches are stale until the refresh job has run."""
    from matchmaker.services import tasks

    if not tasks.refresh_on_save_enabled():
        return None
    db.session.flush()  # a new organisation needs its id
    return tasks.mark_pending(organisation.id)


def _run_after_save(organisation: Organisation, requested_at: datetime | None) -> None:
    # Saving a profile refreshes that organisation's matches, and only those: on the job queue when
    # there is one (the request returns at once), else here.
    from matchmaker.services import tasks

    if requested_at is not None:
        tasks.schedule_refresh(organisation.id, requested_at)


def create_organisation(actor: User, kind: str, form: Mapping[str, Any]) -> Organisation:
    """Create a profile. Founders create their one startup and join it; staff create any kind."""
    if kind not in OrganisationKind.__members__.values():
        raise ValidationError({"kind": _("Choose startup, partner or investor.")})
    if not actor.is_staff:
        if actor.role != Role.FOUNDER or kind != OrganisationKind.STARTUP:
            raise PermissionDenied(_("Partner and investor profiles are created by the complex's staff."))
        if actor.organisation_id is not None:
            raise ConflictError(_("You already belong to an organisation; edit its profile instead."))
    data = validate_profile(form, kind)
    sectors = data.pop("sectors")
    organisation = Organisation(kind=kind, slug=_unique_slug(data["name"]), **data)
    organisation.sectors = sectors
    db.session.add(organisation)
    if not actor.is_staff:
        actor.organisation = organisation
    try:
        requested_at = _mark_pending(organisation)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ConflictError(_("This profile clashes with one saved at the same moment; try again.")) from exc
    _run_after_save(organisation, requested_at)
    return organisation


def lock_for_edit(organisation: Organisation) -> None:
    """Hold the organisation's row until this transaction ends, and read it as last committed.

    Concurrent edits of one profile then run one after the other instead of colliding on its sector
    rows; a partial edit (API PATCH) merges onto what the previous edit saved.
    """
    from matchmaker.services.capacity import lock_organisation

    lock_organisation(organisation.id)
    db.session.refresh(organisation)


def update_organisation(actor: User, organisation: Organisation, form: Mapping[str, Any]) -> Organisation:
    """Save an edited profile, all fields or none."""
    if not can_edit(actor, organisation):
        raise PermissionDenied(_("You can only edit your own organisation's profile."))
    data = validate_profile(form, organisation.kind)
    lock_for_edit(organisation)
    if not actor.is_staff and organisation.kind != OrganisationKind.STARTUP:
        data["visibility"] = organisation.visibility  # only staff list or hide partners and investors
    organisation.sectors = data.pop("sectors")
    capacity_before = organisation.monthly_intro_capacity
    for field, value in data.items():
        setattr(organisation, field, value)
    requested_at = _mark_pending(organisation)
    db.session.commit()
    _run_after_save(organisation, requested_at)
    if (
        organisation.kind != OrganisationKind.STARTUP
        and organisation.monthly_intro_capacity != capacity_before
    ):
        # More room this month lets approved requests that wait in line go ahead, oldest first.
        from matchmaker.services.introductions import release_waitlisted

        release_waitlisted(organisation.id)
    return organisation


@dataclass(frozen=True)
class DirectoryQuery:
    """What a person asked the directory for."""

    text: str = ""
    kind: str = ""
    sector: str = ""
    include_hidden: bool = False


def directory_statement(viewer: User, query: DirectoryQuery) -> Select[tuple[Organisation]]:
    """Listed organisations matching the search, by name; staff may include hidden ones."""
    statement = select(Organisation)
    if not (query.include_hidden and viewer.is_staff):
        statement = statement.where(Organisation.visibility == Visibility.LISTED.value)
    if query.text:
        statement = statement.where(
            func.lower(Organisation.name).contains(query.text.lower(), autoescape=True)
        )
    if query.kind in OrganisationKind.__members__.values():
        statement = statement.where(Organisation.kind == query.kind)
    if query.sector in Sector.__members__.values():
        statement = statement.where(
            exists().where(
                OrganisationSector.organisation_id == Organisation.id,
                OrganisationSector.sector == query.sector,
            )
        )
    return statement.order_by(func.lower(Organisation.name), Organisation.id)


def profile_values(organisation: Organisation) -> dict[str, Any]:
    """The editable profile as JSON values (what PATCH merges a partial update onto)."""
    return {
        "name": organisation.name,
        "description": organisation.description,
        "offers": organisation.offers,
        "seeks": organisation.seeks,
        "sectors": organisation.sectors,
        "tags": list(organisation.tags or []),
        "stage": organisation.stage,
        "raising_amount": organisation.raising_amount,
        "raising_currency": organisation.raising_currency,
        "investor_stages": list(organisation.investor_stages or []),
        "ticket_min": organisation.ticket_min,
        "ticket_max": organisation.ticket_max,
        "ticket_currency": organisation.ticket_currency,
        "location": organisation.location,
        "is_complex_tenant": organisation.is_complex_tenant,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "team_size": organisation.team_size,
        "visibility": organisation.visibility,
        "monthly_intro_capacity": organisation.monthly_intro_capacity,
    }
