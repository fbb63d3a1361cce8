"""Organisation profiles: validation, creation, editing, permissions and the directory."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from matchmaker import money
from matchmaker.engine.advice import Suggestion
from matchmaker.errors import ConflictError, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions import capacity
from matchmaker.introductions import requests as introductions
from matchmaker.jobs import queue as jobs
from matchmaker.jobs.queue import JobRef
from matchmaker.matching import pending
from matchmaker.models import (
    Organisation,
    OrganisationKind,
    OrganisationSector,
    ProfileVersion,
    Role,
    Sector,
    User,
    Visibility,
)
from matchmaker.organisations import bilingual
from matchmaker.organisations.registration import normalise_registration_number
from matchmaker.schemas.profile import ProfileData, check_profile, profile_from_form


def check_profile_values(
    values: Mapping[str, Any], kind: str, *, typed: bool = True
) -> tuple[ProfileData, dict[str, str]]:
    """Validate a profile without raising: (values to store, {field: translated message}).

    ``values`` holds JSON values, or text as typed into the form (a CSV row) when ``typed`` is False.
    """
    data, errors = check_profile(values if typed else profile_from_form(values), kind)
    if data:
        bilingual.check_versions(data, errors)
    _check_registration(values, data, errors)
    return data, errors


def validate_profile(form: Mapping[str, Any], kind: str, *, typed: bool = False) -> ProfileData:
    """Check a profile for an organisation of ``kind``; raise ValidationError naming every bad field.

    ``form`` is what a person typed (text, as the web form sends it) unless ``typed``, when it holds
    JSON values (the API). Both are checked by the one schema, matchmaker.schemas.profile.
    """
    data, errors = check_profile(form if typed else profile_from_form(form), kind)
    if data:
        bilingual.check_versions(data, errors)
    _check_registration(form, data, errors)
    if errors:
        raise ValidationError(errors)
    return data


def _check_registration(form: Mapping[str, Any], data: ProfileData, errors: dict[str, str]) -> None:
    """The 사업자등록번호, when the form carries the field; without it the stored number stays.

    Kept beside the schema, not in it: a missing key must leave the stored number alone, which a
    field default cannot say (the API does not carry the number; imports and the form do)."""
    if "registration_number" not in form:
        return
    raw = form.get("registration_number")
    raw = "" if raw is None else str(raw).strip()
    data["registration_number"] = normalise_registration_number(raw) if raw else None
    if raw and data["registration_number"] is None:
        errors["registration_number"] = _(
            "Enter the business registration number as ###-##-#####, 10 digits with a valid check digit."
        )


def check_registration_free(number: str | None, organisation_id: int | None) -> None:
    """Refuse a registration number another organisation already has (it identifies one company)."""
    if not number:
        return
    holder = db.session.scalar(
        select(Organisation.id).where(
            Organisation.registration_number == number, Organisation.id != (organisation_id or 0)
        )
    )
    if holder is not None:
        raise ValidationError(
            {"registration_number": _("Another organisation already has this registration number.")}
        )


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
    return may_edit(user, organisation.id)


def may_edit(user: User, organisation_id: int) -> bool:
    """``can_edit`` by the organisation's id alone (before it is read)."""
    return user.is_staff or (user.organisation_id is not None and user.organisation_id == organisation_id)


def can_view(user: User, organisation: Organisation) -> bool:
    """Listed profiles are visible to every signed-in user; hidden ones to their members and staff."""
    return organisation.is_listed or can_edit(user, organisation)


def _mark_pending(organisation: Organisation) -> tuple[datetime, str | None] | None:
    """In the save's transaction: its matches are stale until the refresh job has run.

    With a queue, the job's id is chosen now and stored with the mark, so queueing the job after the
    commit writes nothing more: a save is one transaction (and one commit)."""
    if not pending.refresh_on_save_enabled():
        return None
    db.session.flush()  # a new organisation needs its id
    job_id = jobs.new_job_id() if jobs.queue_enabled() else None
    return pending.mark_pending(organisation.id, job_id), job_id


@dataclass(frozen=True)
class SavedProfile:
    """A saved profile and what became of its matches' refresh, decided by this save alone.

    ``refresh_job`` is the job this save queued to refresh the matches; None when they were refreshed
    here (no queue, or Redis down), or are not refreshed on save. Concurrent saves of one profile each
    get their own answer: the pending mark they share says nothing about which save queued what.
    """

    organisation: Organisation
    refresh_job: JobRef | None = None


def _run_after_save(
    organisation: Organisation, organisation_id: int, marked: tuple[datetime, str | None] | None
) -> SavedProfile:
    # Saving a profile refreshes that organisation's matches, and only those: on the job queue when
    # there is one (the request returns at once), else here. ``organisation_id`` is read before the
    # commit: reading it from the expired profile would load the profile again.
    if marked is None:
        return SavedProfile(organisation)
    ref = pending.schedule_refresh(organisation_id, *marked)
    return SavedProfile(organisation, ref if ref.id is not None else None)


def check_may_create(actor: User, kind: str) -> None:
    """Refuse unless ``actor`` may create an organisation of ``kind`` (checked before the profile)."""
    if kind not in OrganisationKind.__members__.values():
        raise ValidationError({"kind": _("Choose startup, partner or investor.")})
    if not actor.is_staff:
        if actor.role != Role.FOUNDER or kind != OrganisationKind.STARTUP:
            raise PermissionDenied(_("Partner and investor profiles are created by the complex's staff."))
        if actor.organisation_id is not None:
            raise ConflictError(_("You already belong to an organisation; edit its profile instead."))


def create_organisation(
    actor: User, kind: str, form: Mapping[str, Any], *, typed: bool = False
) -> SavedProfile:
    """Create a profile. Founders create their one startup and join it; staff create any kind.

    ``typed``: ``form`` holds JSON values (the API) rather than text typed into the web form."""
    check_may_create(actor, kind)
    data = validate_profile(form, kind, typed=typed)
    check_registration_free(data.get("registration_number"), None)
    sectors = data.pop("sectors")
    versions = bilingual.version_values(data)
    organisation = Organisation(kind=kind, slug=_unique_slug(data["name"]), **data)
    organisation.sectors = sectors
    bilingual.store_versions(organisation, versions, actor)
    db.session.add(organisation)
    if not actor.is_staff:
        actor.organisation = organisation
    try:
        requested_at = _mark_pending(organisation)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ConflictError(_("This profile clashes with one saved at the same moment; try again.")) from exc
    return _run_after_save(organisation, organisation.id, requested_at)


LOCKED_FOR_EDIT = "matchmaker.locked_for_edit"  # session.info: (transaction, organisation ids) it locked


def lock_for_edit(organisation: Organisation) -> None:
    """Hold the organisation's row until this transaction ends, and read it as last committed.

    Concurrent edits of one profile then run one after the other instead of colliding on its sector
    rows; a partial edit (API PATCH) merges onto what the previous edit saved. Once locked, it stays
    locked and read until the transaction ends: locking it again in that transaction reads nothing.
    """
    if organisation.id in _locks_held():
        return
    capacity.lock_organisation(organisation.id)
    db.session.refresh(organisation)
    _locks_held().add(organisation.id)


def _locks_held() -> set[int]:
    """The organisations the session's current transaction has locked for edit, kept in session.info
    with that transaction (a later transaction is another object, and starts with none)."""
    session = db.session()  # the request's own session (the scoped proxy has no get_transaction)
    transaction = session.get_transaction()
    held = session.info.get(LOCKED_FOR_EDIT)
    if transaction is None or held is None or held[0] is not transaction:
        held = (transaction, set[int]())
        session.info[LOCKED_FOR_EDIT] = held
    return held[1]


def organisation_for_edit(actor: User, organisation_id: int) -> Organisation | None:
    """The organisation ``actor`` may edit, read once, as last committed, and locked for this transaction
    (``lock_for_edit``); None when ``actor`` may not edit it or it does not exist.

    A save that loaded the profile, then locked it and read it again would read it twice: for its
    members and staff, who may always see it, the one read takes the lock.
    """
    if not may_edit(actor, organisation_id):
        return None
    organisation = db.session.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .with_for_update(of=Organisation)
        .execution_options(populate_existing=True)
    )
    if organisation is not None:
        _locks_held().add(organisation.id)
    return organisation


def _commit_keeping_loaded() -> None:
    """Commit, leaving what the session holds as this transaction wrote it rather than expired.

    The answer to a save shows the profile as the save stored it (under its row lock); expired, it
    would be read back at once, three statements for the values just written."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def update_organisation(
    actor: User, organisation: Organisation, form: Mapping[str, Any], *, typed: bool = False
) -> SavedProfile:
    """Save an edited profile, all fields or none (``typed`` as in create_organisation)."""
    if not can_edit(actor, organisation):
        raise PermissionDenied(_("You can only edit your own organisation's profile."))
    if organisation.is_deleted:
        raise ConflictError(_("This startup was deleted; its profile cannot be edited."))
    data = validate_profile(form, organisation.kind, typed=typed)
    lock_for_edit(organisation)
    check_registration_free(data.get("registration_number"), organisation.id)
    if not actor.is_staff and organisation.kind != OrganisationKind.STARTUP:
        data["visibility"] = organisation.visibility  # only staff list or hide partners and investors
    organisation.sectors = data.pop("sectors")
    versions = bilingual.version_values(data)
    capacity_before = organisation.monthly_intro_capacity
    for field, value in data.items():
        setattr(organisation, field, value)
    bilingual.store_versions(organisation, versions, actor)
    requested_at = _mark_pending(organisation)
    # Read before the commit expires them: reading them after would load the profile again.
    organisation_id, kind, capacity_after = (
        organisation.id,
        organisation.kind,
        organisation.monthly_intro_capacity,
    )
    _commit_keeping_loaded()
    saved = _run_after_save(organisation, organisation_id, requested_at)
    if kind != OrganisationKind.STARTUP and capacity_after != capacity_before:
        # More room this month lets approved requests that wait in line go ahead, oldest first.
        introductions.release_waitlisted(organisation_id)
    return saved


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
        # by the name as written or by its version in the other language ("VoltBus" finds 볼트버스 진단)
        wanted = query.text.lower()
        other_name = exists().where(
            ProfileVersion.organisation_id == Organisation.id,
            ProfileVersion.field == "name",
            func.lower(ProfileVersion.text).contains(wanted, autoescape=True),
        )
        statement = statement.where(
            or_(func.lower(Organisation.name).contains(wanted, autoescape=True), other_name)
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


def directory_page(viewer: User, query: DirectoryQuery, page: int, per_page: int) -> Pagination:
    """One page of the directory (the pages and the API list it alike); past the end, an empty page."""
    return db.paginate(directory_statement(viewer, query), page=page, per_page=per_page, error_out=False)


def get_organisation(organisation_id: int) -> Organisation | None:
    """The organisation with this id, if any (the caller checks who may see it)."""
    return db.session.get(Organisation, organisation_id)


def all_organisations() -> list[Organisation]:
    """Every organisation, hidden ones too, by kind and name (staff tools)."""
    statement = select(Organisation).order_by(Organisation.kind, Organisation.name)
    return list(db.session.scalars(statement))


def profile_values(organisation: Organisation) -> dict[str, Any]:
    """The editable profile as JSON values (what PATCH merges a partial update onto)."""
    return {
        "name": organisation.name,
        "summary": organisation.summary,
        "description": organisation.description,
        "offers": organisation.offers,
        "seeks": organisation.seeks,
        **bilingual.version_form_values(organisation),
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


def suggested_profile(startup: Organisation, suggestion: Suggestion) -> dict[str, Any]:
    """The profile the form would save with one suggestion of matching.advice applied."""
    values = profile_values(startup)
    for name, value in suggestion.changes.items():
        if name == "raising_usd":
            currency = startup.raising_currency or money.default_currency()
            values["raising_amount"] = str(money.convert(int(value), "USD", currency, money.krw_per_usd()))  # type: ignore[call-overload]
            values["raising_currency"] = currency
        elif name in ("sectors", "tags"):
            values[name] = sorted(value) if name == "sectors" else list(value)  # type: ignore[call-overload]
        else:
            values[name] = value
    return values
