"""Demo data: the four partners from the article, fictional Gwangju startups and one account per role.

The profiles live in ``matchmaker/demo/*.json`` as the values a person types into the profile form, and
each one goes through the same validation as that form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from matchmaker.errors import ValidationError
from matchmaker.extensions import db
from matchmaker.models import Organisation, OrganisationKind, Role, User
from matchmaker.organisations import bilingual
from matchmaker.organisations.profiles import validate_profile

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_FILES = ("partners.json", "startups.json")
DEMO_PASSWORD_SUFFIX = "-demo-2026"
DEMO_MONTHLY_CAPACITY = 8  # new introductions a month each demo partner and investor takes


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    organisation_slug: str | None

    @property
    def password(self) -> str:
        # Demo data only: fixed, printed and documented so that anyone can try each role.
        return f"{self.role.value}{DEMO_PASSWORD_SUFFIX}"


DEMO_ACCOUNTS = (
    DemoAccount("founder@matchmaker.example", "김지우 (VoltCell)", Role.FOUNDER, "voltcell-battery"),
    DemoAccount("partner@matchmaker.example", "Partner manager (NVIDIA)", Role.PARTNER, "nvidia"),
    DemoAccount(
        "investor@matchmaker.example",
        "Investment manager (Rising Tide Fund)",
        Role.INVESTOR,
        "rising-tide-fund",
    ),
    DemoAccount("staff@matchmaker.example", "박서연 (단지 운영팀)", Role.STAFF, None),
    DemoAccount("admin@matchmaker.example", "이민준 (관리자)", Role.ADMIN, None),
)


class DemoDataError(Exception):
    """A demo profile that the profile form would refuse: a mistake in the data files, not the user's."""


@dataclass
class SeedReport:
    organisations_created: int = 0
    accounts_created: int = 0


def demo_profiles() -> list[dict[str, Any]]:
    """Every demo profile as written in the data files: ``slug``, ``kind`` and the form's fields."""
    profiles: list[dict[str, Any]] = []
    for name in DEMO_FILES:
        profiles.extend(json.loads((DEMO_DIR / name).read_text(encoding="utf-8")))
    return profiles


def demo_form(profile: dict[str, Any]) -> dict[str, Any]:
    """The form a person would submit for ``profile``; partners and investors take DEMO_MONTHLY_CAPACITY."""
    form = {key: value for key, value in profile.items() if key not in {"slug", "kind"}}
    if profile["kind"] != OrganisationKind.STARTUP:
        form.setdefault("monthly_intro_capacity", str(DEMO_MONTHLY_CAPACITY))
    return form


def validated_demo_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The checked values of one demo profile, exactly as the profile form would store them."""
    try:
        return validate_profile(demo_form(profile), profile["kind"])
    except ValidationError as exc:
        raise DemoDataError(f"Demo profile {profile['slug']!r} is refused by the form: {exc.errors}") from exc


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Organisation)) and not db.session.scalar(
        select(func.count()).select_from(User)
    )


def startup_count() -> int:
    return db.session.execute(
        select(func.count()).select_from(Organisation).where(Organisation.kind == "startup")
    ).scalar_one()


def seed_demo() -> SeedReport:
    """Insert whatever demo organisations and accounts are missing; existing rows are left untouched."""
    report = SeedReport()
    by_slug = {o.slug: o for o in db.session.scalars(select(Organisation))}
    # Every missing profile is checked before any is added, so a bad data file writes nothing.
    missing = [(p, validated_demo_profile(p)) for p in demo_profiles() if p["slug"] not in by_slug]
    for profile, data in missing:
        sectors = data.pop("sectors")
        versions = bilingual.version_values(data)
        organisation = Organisation(kind=profile["kind"], slug=profile["slug"], **data)
        organisation.sectors = sectors
        bilingual.store_versions(organisation, versions, None)
        db.session.add(organisation)
        by_slug[organisation.slug] = organisation
        report.organisations_created += 1
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == account.email)) is not None:
            continue
        user = User(
            email=account.email,
            display_name=account.display_name,
            role=account.role.value,
            organisation=by_slug.get(account.organisation_slug) if account.organisation_slug else None,
        )
        user.set_password(account.password)
        db.session.add(user)
        report.accounts_created += 1
    db.session.commit()
    return report
