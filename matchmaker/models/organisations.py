"""Organisations: startups, partner companies and investors, with the profile they are matched on."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.users import User


class OrganisationKind(enum.StrEnum):
    STARTUP = "startup"
    PARTNER = "partner"
    INVESTOR = "investor"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Sector(enum.StrEnum):
    """The four sectors of the complex's demonstration building."""

    AUTOMOTIVE = "automotive"
    ENERGY = "energy"
    HEALTHCARE = "healthcare"
    CONTENT = "content"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Stage(enum.StrEnum):
    """Funding stages, in order."""

    IDEA = "idea"
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"
    SERIES_B_PLUS = "series_b_plus"
    GROWTH = "growth"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.IDEA: "Idea",
    Stage.PRE_SEED: "Pre-seed",
    Stage.SEED: "Seed",
    Stage.SERIES_A: "Series A",
    Stage.SERIES_B_PLUS: "Series B+",
    Stage.GROWTH: "Growth",
}


class Currency(enum.StrEnum):
    """Currencies amounts are given in: founders here raise in won, global investors think in dollars."""

    KRW = "KRW"
    USD = "USD"


class Visibility(enum.StrEnum):
    LISTED = "listed"
    HIDDEN = "hidden"


# Limits on free text, enforced by the forms and mirrored by the column sizes.
NAME_MAX = 120
SUMMARY_MAX = 160
DESCRIPTION_MAX = 4000
OFFERS_MAX = 2000
SEEKS_MAX = 2000
TAG_MAX = 40
TAGS_MAX_COUNT = 12
LOCATION_MAX = 120
WEBSITE_MAX = 300


def _in_list(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class TextLanguage(enum.StrEnum):
    """The two languages a profile text is written in."""

    KOREAN = "ko"
    ENGLISH = "en"

    @property
    def other(self) -> TextLanguage:
        return TextLanguage.ENGLISH if self is TextLanguage.KOREAN else TextLanguage.KOREAN


class TextField(enum.StrEnum):
    """The profile texts that exist in two languages (the original in its column, a version beside it)."""

    NAME = "name"
    SUMMARY = "summary"
    DESCRIPTION = "description"
    OFFERS = "offers"
    SEEKS = "seeks"


class VersionSource(enum.StrEnum):
    """Who wrote a version: a person (the founder, a member, staff) or a machine translation."""

    PERSON = "person"
    MACHINE = "machine"


def _language_allowed(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {_in_list(column, TextLanguage)}", name=f"{column}_allowed")


class Organisation(Base):
    """A startup, partner or investor profile. Matching reads its description, offers and seeks."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(_in_list("kind", OrganisationKind), name="kind_allowed"),
        CheckConstraint(f"stage IS NULL OR {_in_list('stage', Stage)}", name="stage_allowed"),
        CheckConstraint(_in_list("visibility", Visibility), name="visibility_allowed"),
        CheckConstraint(
            "ticket_min IS NULL OR ticket_max IS NULL OR ticket_min <= ticket_max",
            name="ticket_range_ordered",
        ),
        CheckConstraint("raising_amount IS NULL OR raising_amount >= 0", name="raising_not_negative"),
        CheckConstraint(f"{_in_list('raising_currency', Currency)}", name="raising_currency_allowed"),
        CheckConstraint(f"{_in_list('ticket_currency', Currency)}", name="ticket_currency_allowed"),
        CheckConstraint("team_size IS NULL OR team_size >= 1", name="team_size_positive"),
        CheckConstraint(
            "monthly_intro_capacity IS NULL OR monthly_intro_capacity >= 0", name="capacity_not_negative"
        ),
        *(_language_allowed(f"{field.value}_language") for field in TextField),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    # The texts as their writer wrote them (the originals: matching reads these); each one's language is
    # detected on save, and a version in the other language may sit beside it (ProfileVersion).
    name: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    offers: Mapped[str] = mapped_column(Text, default="")
    seeks: Mapped[str] = mapped_column(Text, default="")
    name_language: Mapped[str | None] = mapped_column(String(2))
    summary_language: Mapped[str | None] = mapped_column(String(2))
    description_language: Mapped[str | None] = mapped_column(String(2))
    offers_language: Mapped[str | None] = mapped_column(String(2))
    seeks_language: Mapped[str | None] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[str | None] = mapped_column(String(16))
    # Amounts are kept in the currency they were given in (whole won or whole dollars);
    # matching converts them to one unit at the configured rate.
    raising_amount: Mapped[int | None] = mapped_column(BigInteger)
    raising_currency: Mapped[str] = mapped_column(String(3), default=Currency.KRW.value)
    investor_stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    ticket_min: Mapped[int | None] = mapped_column(BigInteger)
    ticket_max: Mapped[int | None] = mapped_column(BigInteger)
    ticket_currency: Mapped[str] = mapped_column(String(3), default=Currency.KRW.value)
    location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    is_complex_tenant: Mapped[bool] = mapped_column(Boolean, default=False)
    website: Mapped[str] = mapped_column(String(WEBSITE_MAX), default="")
    # 사업자등록번호 as ###-##-#####: the stable key a spreadsheet import matches profiles by.
    registration_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    team_size: Mapped[int | None] = mapped_column(Integer)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.LISTED.value)
    # Partners and investors: new introductions taken per calendar month; NULL means no limit.
    monthly_intro_capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when a founder deleted their startup (PIPA): the row stays, emptied and hidden, so that the
    # introductions' audit trail still names an organisation; staff see when it happened.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sector_links: Mapped[list[OrganisationSector]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationSector.sector",
        lazy="selectin",
    )
    members: Mapped[list[User]] = relationship(back_populates="organisation")
    versions: Mapped[list[ProfileVersion]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="ProfileVersion.field",
        lazy="selectin",
    )

    def original_language(self, field: str) -> str | None:
        """The language the original ``field`` text is written in ("ko", "en"; None when it is empty)."""
        language: str | None = getattr(self, f"{field}_language")
        return language

    def version(self, field: str, language: str) -> ProfileVersion | None:
        """The version of ``field`` written in ``language`` beside the original, if there is one."""
        for version in self.versions:
            if version.field == field and version.language == language:
                return version
        return None

    @property
    def sectors(self) -> list[str]:
        """The organisation's sectors, in a stable order."""
        return sorted(link.sector for link in self.sector_links)

    @sectors.setter
    def sectors(self, values: list[str]) -> None:
        wanted = set(values)
        self.sector_links = [link for link in self.sector_links if link.sector in wanted] + [
            OrganisationSector(sector=s) for s in sorted(wanted - {lk.sector for lk in self.sector_links})
        ]

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_listed(self) -> bool:
        return self.visibility == Visibility.LISTED

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else ""

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.slug}>"


class OrganisationSector(Base):
    """One sector of an organisation; a table of its own so the directory can filter in SQL."""

    __tablename__ = "organisation_sectors"
    __table_args__ = (CheckConstraint(_in_list("sector", Sector), name="sector_allowed"),)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="sector_links")


class ProfileVersion(Base):
    """A profile text in the language other than its original's: written by a person or by a machine.

    The original stays in the organisation's own column (matching reads it, so a version never changes a
    match); a reader of the version's language is shown the version. ``similarity`` is the multilingual
    model's cosine between this version and the original, measured by the refresh job for the texts in
    ``checked_hash``; ``mismatch`` says it fell below the field's threshold (matchmaker/organisations/
    bilingual.py) so the writer is warned and staff see it. ``alignment`` pairs the original's sentences
    with this version's, measured with it: ``[original sentence, version sentence, cosine]`` for each
    pair of mutual nearest neighbours (engine/phrases.py aligned_sentences), so that a sentence quoted
    from the original ("What matched") can be shown to this version's readers as its counterpart here.
    """

    __tablename__ = "profile_versions"
    __table_args__ = (
        CheckConstraint(_in_list("field", TextField), name="version_field_allowed"),
        CheckConstraint(_in_list("language", TextLanguage), name="version_language_allowed"),
        CheckConstraint(_in_list("source", VersionSource), name="version_source_allowed"),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(16), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8), default=VersionSource.PERSON.value)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    similarity: Mapped[float | None] = mapped_column(Float)
    checked_hash: Mapped[str | None] = mapped_column(String(64))
    mismatch: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    alignment: Mapped[list[list[str | float]] | None] = mapped_column(JSON(none_as_null=True))

    organisation: Mapped[Organisation] = relationship(back_populates="versions")

    @property
    def is_machine(self) -> bool:
        return self.source == VersionSource.MACHINE

    def __repr__(self) -> str:
        return f"<ProfileVersion {self.organisation_id} {self.field} {self.language} {self.source}>"
