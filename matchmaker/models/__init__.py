"""Typed SQLAlchemy models, one module per aggregate."""

from matchmaker.models.api_tokens import ApiToken
from matchmaker.models.audit import AuditEvent
from matchmaker.models.base import Base, utcnow
from matchmaker.models.derived import MatchAdvice, SectorSuggestion
from matchmaker.models.exclusions import PrivateExclusion, Setting
from matchmaker.models.imports import ImportStatus, OrganisationImport
from matchmaker.models.introductions import (
    DigestEntry,
    Dismissal,
    DismissalKind,
    Introduction,
    IntroductionEvent,
    IntroState,
    OutboxMessage,
    Outcome,
    Side,
)
from matchmaker.models.jobs import JobEvent, PendingRefresh
from matchmaker.models.matches import Embedding, Match, SeenMatch
from matchmaker.models.organisations import (
    Currency,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    ProfileVersion,
    Sector,
    Stage,
    TextField,
    TextLanguage,
    VersionSource,
    Visibility,
)
from matchmaker.models.partnering import (
    Attendance,
    PartneringDay,
    PartneringMeeting,
    PartneringRoom,
    PartneringSlot,
)
from matchmaker.models.users import STAFF_ROLES, Role, User, normalise_email
from matchmaker.models.versions import DataVersion

__all__ = [
    "MatchAdvice",
    "SectorSuggestion",
    "ApiToken",
    "DataVersion",
    "AuditEvent",
    "ImportStatus",
    "OrganisationImport",
    "PrivateExclusion",
    "Setting",
    "Base",
    "DigestEntry",
    "Dismissal",
    "DismissalKind",
    "IntroState",
    "Introduction",
    "IntroductionEvent",
    "Outcome",
    "OutboxMessage",
    "Side",
    "Embedding",
    "JobEvent",
    "PendingRefresh",
    "Match",
    "SeenMatch",
    "Organisation",
    "OrganisationKind",
    "ProfileVersion",
    "TextField",
    "TextLanguage",
    "VersionSource",
    "Attendance",
    "PartneringDay",
    "PartneringMeeting",
    "PartneringRoom",
    "PartneringSlot",
    "OrganisationSector",
    "Role",
    "STAFF_ROLES",
    "Sector",
    "Currency",
    "Stage",
    "User",
    "Visibility",
    "normalise_email",
    "utcnow",
]
