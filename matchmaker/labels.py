"""The names people read for the app's fixed choices (roles, kinds, sectors, stages, states), per language.

The models keep their English ``label`` for logs and the CLI; pages, mail and messages use ``label()``.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from matchmaker.models import OrganisationKind, Role, Sector, Stage, Visibility
from matchmaker.models.introductions import DismissalKind, IntroState, Outcome

_LABELS: dict[type[enum.Enum], dict[enum.Enum, object]] = {
    Role: {
        Role.FOUNDER: _l("Founder"),
        Role.PARTNER: _l("Partner"),
        Role.INVESTOR: _l("Investor"),
        Role.STAFF: _l("Staff"),
        Role.ADMIN: _l("Admin"),
    },
    OrganisationKind: {
        OrganisationKind.STARTUP: _l("Startup"),
        OrganisationKind.PARTNER: _l("Partner"),
        OrganisationKind.INVESTOR: _l("Investor"),
    },
    Sector: {
        Sector.AUTOMOTIVE: _l("Automotive"),
        Sector.ENERGY: _l("Energy"),
        Sector.HEALTHCARE: _l("Healthcare"),
        Sector.CONTENT: _l("Content"),
    },
    Stage: {
        Stage.IDEA: _l("Idea"),
        Stage.PRE_SEED: _l("Pre-seed"),
        Stage.SEED: _l("Seed"),
        Stage.SERIES_A: _l("Series A"),
        Stage.SERIES_B_PLUS: _l("Series B+"),
        Stage.GROWTH: _l("Growth"),
    },
    Visibility: {
        Visibility.LISTED: _l("Listed"),
        Visibility.HIDDEN: _l("Not listed"),
    },
    IntroState: {
        IntroState.REQUESTED: _l("Requested"),
        IntroState.WAITLISTED: _l("Waitlisted"),
        IntroState.APPROVED: _l("Approved"),
        IntroState.REJECTED: _l("Rejected"),
        IntroState.ACCEPTED: _l("Accepted"),
        IntroState.DECLINED: _l("Declined"),
        IntroState.INTRODUCED: _l("Introduced"),
        IntroState.MET: _l("Met"),
        IntroState.OUTCOME_RECORDED: _l("Outcome recorded"),
        IntroState.WITHDRAWN: _l("Withdrawn"),
        IntroState.EXPIRED: _l("Expired"),
    },
    Outcome: {
        Outcome.PILOT: _l("Pilot or proof of concept"),
        Outcome.INVESTMENT: _l("Investment"),
        Outcome.COLLABORATION: _l("Other collaboration"),
        Outcome.NO_FIT: _l("No fit"),
    },
    DismissalKind: {
        DismissalKind.NOT_INTERESTED: _l("Not interested"),
        DismissalKind.ALREADY_MET: _l("Already met"),
    },
}
# Plural names for counts on the staff dashboard ("12 startups").
KIND_PLURALS = {
    OrganisationKind.STARTUP: _l("Startups"),
    OrganisationKind.PARTNER: _l("Partners"),
    OrganisationKind.INVESTOR: _l("Investors"),
}


def label(member: enum.Enum | None) -> str:
    """The name of ``member`` in the reader's language ("" for None)."""
    if member is None:
        return ""
    return str(_LABELS[type(member)][member])


def _stored_label(kind: type[enum.Enum], value: str | None) -> str:
    """The reader's name of ``kind``'s member stored as ``value``; an unknown value as it is."""
    if value is None or value not in kind._value2member_map_:
        return value or ""
    return label(kind(value))


def sector_label(value: str) -> str:
    """The reader's name of a sector stored as its value ("energy")."""
    return label(Sector(value)) if value in Sector._value2member_map_ else value


def stage_label(value: str | None) -> str:
    """The reader's name of a stage stored as its value ("series_a")."""
    return _stored_label(Stage, value)


def state_label(value: str | None) -> str:
    """The reader's name of an introduction state stored as its value."""
    return _stored_label(IntroState, value)


def outcome_label(value: str | None) -> str:
    """The reader's name of an introduction outcome stored as its value."""
    return _stored_label(Outcome, value)


def dismissal_label(value: str | None) -> str:
    """The reader's name of a dismissal kind ("not_interested") stored as its value."""
    return _stored_label(DismissalKind, value)


def visibility_label(value: str | None) -> str:
    """The reader's name of a profile's visibility stored as its value ("listed", "hidden")."""
    return _stored_label(Visibility, value)


def kind_label(value: str | None) -> str:
    """The reader's name of an organisation kind stored as its value ("partner")."""
    return _stored_label(OrganisationKind, value)


COMPONENT_LABELS = {
    "seeks_offers": _l("Seeks ↔ offers"),
    "offers_seeks": _l("Offers ↔ seeks"),
    "description": _l("Description"),
    "sectors": _l("Sectors"),
    "stage_ticket": _l("Stage & ticket"),
    "lexical": _l("Shared words"),
}
