"""Demo data: the four partners from the article, fictional Gwangju startups and one account per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Organisation, Role, User

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
    DemoAccount("founder@matchmaker.example", "Kim Ji-woo (VoltCell)", Role.FOUNDER, "voltcell-battery"),
    DemoAccount("partner@matchmaker.example", "Partner manager (NVIDIA)", Role.PARTNER, "nvidia"),
    DemoAccount(
        "investor@matchmaker.example", "Partner (Rising Tide Fund)", Role.INVESTOR, "rising-tide-fund"
    ),
    DemoAccount("staff@matchmaker.example", "Park Seo-yeon (complex staff)", Role.STAFF, None),
    DemoAccount("admin@matchmaker.example", "Lee Min-jun (admin)", Role.ADMIN, None),
)


@dataclass
class SeedReport:
    organisations_created: int = 0
    accounts_created: int = 0


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Organisation)) and not db.session.scalar(
        select(func.count()).select_from(User)
    )


def startup_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.kind == "startup")
    )


def seed_demo() -> SeedReport:
    """Insert whatever demo organisations and accounts are missing; existing rows are left untouched."""
    from matchmaker.demo_data import PARTNERS, STARTUPS

    report = SeedReport()
    by_slug = {o.slug: o for o in db.session.scalars(select(Organisation))}
    for profile in [*PARTNERS, *STARTUPS]:
        if profile["slug"] in by_slug:
            continue
        values = dict(profile)
        sectors = values.pop("sectors")
        if values["kind"] != "startup":
            values.setdefault("monthly_intro_capacity", DEMO_MONTHLY_CAPACITY)
        organisation = Organisation(visibility="listed", **values)
        organisation.sectors = sectors
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
