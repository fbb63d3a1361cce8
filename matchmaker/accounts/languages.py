"""The language each person reads: saved on the account, else a default from their role and organisation.

Mail is written in it (every message, whoever triggered it and in whatever language they read), and
pages use it once the person is signed in. Partners and investors read what their organisation writes:
the language of its profile, found from the share of Hangul in its text. Founders and staff read the
app's default, Korean.
"""

from __future__ import annotations

from flask import current_app

from matchmaker.i18n import is_supported
from matchmaker.language.detect import written_language as text_language
from matchmaker.models import Organisation, OrganisationKind, Role, User

# The texts that say which language a profile is written in, the main one first.
PROFILE_TEXTS = ("description", "summary", "offers", "seeks")
# Roles that read what their organisation writes; founders write their own profile in any language
# but the complex speaks Korean to them.
ORGANISATION_ROLES = frozenset({Role.PARTNER, Role.INVESTOR})


def default_language() -> str:
    """The app's own language (Korean unless configured otherwise)."""
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def organisation_language(organisation: Organisation) -> str:
    """The language an organisation's profile is written in: that of its description (as stored when
    it was saved, else detected from the share of Hangul letters), else of its other texts or name."""
    for field in PROFILE_TEXTS:
        stored = getattr(organisation, f"{field}_language", None)
        language = stored or text_language(getattr(organisation, field, None) or "")
        if language:
            return language
    return text_language(organisation.name or "") or default_language()


def language_for_role(role: Role, organisation: Organisation | None) -> str:
    """The language a new account of ``role`` gets: its organisation's for partners and investors."""
    if role in ORGANISATION_ROLES and organisation is not None:
        return organisation_language(organisation)
    return default_language()


def contact_language(organisation: Organisation) -> str:
    """The language of mail to an organisation's contact address (when it has no member yet)."""
    if organisation.kind in (OrganisationKind.PARTNER, OrganisationKind.INVESTOR):
        return organisation_language(organisation)
    return default_language()


def language_of_user(user: User) -> str:
    """The language ``user`` reads: their saved choice, else their role's default."""
    if is_supported(user.language):
        return user.language
    return language_for_role(user.role_enum, user.organisation)
