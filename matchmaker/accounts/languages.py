"""The language each person reads: saved on the account, else a default from their role and organisation.

Mail is written in it (every message, whoever triggered it and in whatever language they read), and
pages use it once the person is signed in. Partners and investors read what their organisation writes:
the language of its profile, found from the share of Hangul in its text. Founders and staff read the
app's default, Korean.
"""

from __future__ import annotations

import re

from flask import current_app

from matchmaker.i18n import is_supported
from matchmaker.models import Organisation, OrganisationKind, Role, User

HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
# A text is Korean when at least this share of its letters is Hangul. Letters are counted as written:
# a Hangul syllable spells two or three letters (jamo), so "EV 배터리" is mostly Korean, not half.
KOREAN_SHARE = 0.5
# Roles that read what their organisation writes; founders write their own profile in any language
# but the complex speaks Korean to them.
ORGANISATION_ROLES = frozenset({Role.PARTNER, Role.INVESTOR})


def _letters(syllable: str) -> int:
    """How many jamo a Hangul syllable spells: three with a final consonant, else two."""
    return 3 if (ord(syllable) - 0xAC00) % 28 else 2


def hangul_share(text: str) -> float | None:
    """The share of a text's letters that are Hangul; None when it has no letters at all."""
    hangul = sum(_letters(s) for s in HANGUL_SYLLABLE.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    total = hangul + latin
    return hangul / total if total else None


def text_language(text: str) -> str | None:
    """ "ko" or "en" by the share of Hangul letters; None for a text without letters."""
    share = hangul_share(text)
    if share is None:
        return None
    return "ko" if share >= KOREAN_SHARE else "en"


def default_language() -> str:
    """The app's own language (Korean unless configured otherwise)."""
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def organisation_language(organisation: Organisation) -> str:
    """The language an organisation's profile is written in (its texts first, else its name)."""
    written = " ".join((organisation.description or "", organisation.offers or "", organisation.seeks or ""))
    return text_language(written) or text_language(organisation.name or "") or default_language()


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
