"""Exclusions: startups a partner or investor is never matched with, by name or by keyword (private),
and the pairs either side dismissed ("not interested", "already met"), which are never matched again.

The excluded startup is never told: the pair is left out of every list, digest, API answer and
three-way suggestion as if it had never been scored, and no filter count mentions it.

A keyword reaches the other language through the domain glossary (engine/glossary.py): "battery" also
hides startups that write 배터리, and "배터리" those that write battery. The page names the equivalents.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from matchmaker.engine.search import equivalents
from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions.requests import possible_id
from matchmaker.models import (
    AuditEvent,
    Dismissal,
    Match,
    Organisation,
    OrganisationKind,
    PrivateExclusion,
    ProfileVersion,
    User,
)
from matchmaker.models.exclusions import KEYWORD_MAX

KEYWORD_MIN = 2


def normalise_keyword(text: str | None) -> str:
    """A keyword as it is compared: NFKC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def profile_words(name: str, description: str, offers: str, tags: Iterable[str] | None) -> str:
    """The startup text a keyword is looked for in (name, description, offers, tags), normalised."""
    return normalise_keyword(" ".join([name or "", description or "", offers or "", *(tags or ())]))


@lru_cache(maxsize=1024)
def keyword_equivalents(keyword: str) -> tuple[str, ...]:
    """The glossary's words in the other language for a keyword, normalised: ("배터리",) for "battery"."""
    own = normalise_keyword(keyword)
    found = (normalise_keyword(term) for term in equivalents(keyword))
    return tuple(dict.fromkeys(term for term in found if term and term != own))


def keyword_hits(keyword: str, text: str) -> bool:
    """Whether a normalised keyword, or one of its equivalents in the other language, occurs in a
    normalised profile text (Korean particles may follow it)."""
    return bool(keyword) and any(term in text for term in (keyword, *keyword_equivalents(keyword)))


def _version_texts(organisation_id: int | None = None) -> dict[int, list[str]]:
    """The startups' texts in the other language (name, description, offers: what a keyword is looked
    for in), by organisation; all of them, or one organisation's."""
    statement = select(ProfileVersion.organisation_id, ProfileVersion.text).where(
        ProfileVersion.field.in_(("name", "description", "offers"))
    )
    if organisation_id is not None:
        statement = statement.where(ProfileVersion.organisation_id == organisation_id)
    texts: dict[int, list[str]] = defaultdict(list)
    for owner, text in db.session.execute(statement):
        texts[owner].append(text or "")
    return texts


def _owner(user: User) -> Organisation:
    own = user.organisation
    if user.is_staff or own is None or own.kind == OrganisationKind.STARTUP:
        raise PermissionDenied(_("Private exclusions belong to a partner or an investor."))
    return own


def _startups_hit(keywords: Iterable[str]) -> dict[str, set[int]]:
    """For each keyword, the startups whose profile names it."""
    keywords = [k for k in keywords if k]
    if not keywords:
        return {}
    hits: dict[str, set[int]] = {k: set() for k in keywords}
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.description,
            Organisation.offers,
            Organisation.tags,
        ).where(Organisation.kind == OrganisationKind.STARTUP.value)
    )
    versions = _version_texts()
    for organisation_id, name, description, offers, tags in rows:
        text = profile_words(name, description, offers, [*(tags or ()), *versions.get(organisation_id, ())])
        for keyword in keywords:
            if keyword_hits(keyword, text):
                hits[keyword].add(organisation_id)
    return hits


def private_pairs() -> dict[int, set[int]]:
    """Organisation id -> ids it is privately kept apart from, in both directions (for the matcher)."""
    pairs: dict[int, set[int]] = defaultdict(set)
    rows = list(
        db.session.execute(
            select(PrivateExclusion.organisation_id, PrivateExclusion.excluded_id, PrivateExclusion.keyword)
        )
    )
    hits = _startups_hit({k for _, _, k in rows if k})
    for owner, excluded, keyword in rows:
        for startup_id in {excluded} if excluded is not None else hits.get(keyword or "", set()):
            pairs[owner].add(startup_id)
            pairs[startup_id].add(owner)
    return dict(pairs)


def hidden_from(organisation_id: int) -> set[int]:
    """Ids never to be shown to or with ``organisation_id`` because of a private exclusion (either side).

    Reads only what concerns this organisation: its own list, or the lists that name it.
    """
    startup = db.session.get(Organisation, organisation_id)
    if startup is None:
        return set()
    if startup.kind != OrganisationKind.STARTUP:
        rows = db.session.execute(
            select(PrivateExclusion.excluded_id, PrivateExclusion.keyword).where(
                PrivateExclusion.organisation_id == organisation_id
            )
        ).all()
        hits = _startups_hit({k for _, k in rows if k})
        return {e for e, _ in rows if e is not None} | {i for found in hits.values() for i in found}
    versions = _version_texts(organisation_id).get(organisation_id, [])
    text = profile_words(
        startup.name, startup.description, startup.offers, [*(startup.tags or ()), *versions]
    )
    lists = db.session.execute(
        select(
            PrivateExclusion.organisation_id, PrivateExclusion.excluded_id, PrivateExclusion.keyword
        ).where((PrivateExclusion.excluded_id == organisation_id) | PrivateExclusion.keyword.is_not(None))
    ).all()
    return {
        owner
        for owner, excluded, keyword in lists
        if excluded == organisation_id or keyword_hits(keyword or "", text)
    }


def excludes_by_keyword(organisation_id: int) -> bool:
    """Whether the organisation hides startups by keyword: what it is shown then depends on their texts."""
    statement = select(PrivateExclusion.keyword).where(
        PrivateExclusion.organisation_id == organisation_id, PrivateExclusion.keyword.is_not(None)
    )
    return db.session.scalar(statement.limit(1)) is not None


def exclusions_of(user: User) -> list[PrivateExclusion]:
    """The user's organisation's private exclusions, newest first."""
    own = _owner(user)
    return list(
        db.session.scalars(
            select(PrivateExclusion)
            .where(PrivateExclusion.organisation_id == own.id)
            .order_by(PrivateExclusion.created_at.desc(), PrivateExclusion.id.desc())
        )
    )


def startups_matching(user: User, keyword: str) -> list[Organisation]:
    """Startups a keyword would exclude, so the owner sees what it is about to hide."""
    _owner(user)
    ids = _startups_hit([normalise_keyword(keyword)]).get(normalise_keyword(keyword), set())
    if not ids:
        return []
    return list(
        db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name))
    )


def _forget_matches(owner_id: int, startup_ids: Iterable[int]) -> None:
    ids = sorted(set(startup_ids))
    if ids:
        db.session.execute(delete(Match).where(Match.counterpart_id == owner_id, Match.startup_id.in_(ids)))


def _save(user: User, exclusion: PrivateExclusion, startup_ids: set[int], detail: dict) -> PrivateExclusion:
    db.session.add(exclusion)
    _forget_matches(exclusion.organisation_id, startup_ids)
    db.session.add(AuditEvent(actor_id=user.id, action="exclusion.added", details=detail))
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same exclusion saved twice at once; the first one stands
        db.session.rollback()
        raise ConflictError(_("This exclusion is already on your list.")) from exc
    return exclusion


def exclude_organisation(user: User, startup_id: int | None) -> PrivateExclusion:
    """Never match the user's organisation with one startup; its stored matches with it go at once."""
    own = _owner(user)
    startup = db.session.get(Organisation, startup_id) if possible_id(startup_id) else None
    if startup is None or not startup.is_listed or startup.kind != OrganisationKind.STARTUP:
        raise NotFound(_("There is no such startup."))
    exists = db.session.scalar(
        select(PrivateExclusion.id).where(
            PrivateExclusion.organisation_id == own.id, PrivateExclusion.excluded_id == startup.id
        )
    )
    if exists is not None:
        raise ConflictError(_("This exclusion is already on your list."))
    exclusion = PrivateExclusion(organisation_id=own.id, excluded_id=startup.id, created_by_id=user.id)
    detail = {"organisation_id": own.id, "excluded_id": startup.id}
    return _save(user, exclusion, {startup.id}, detail)


def exclude_keyword(user: User, keyword: str | None) -> PrivateExclusion:
    """Never match the user's organisation with a startup whose name, description, offers or tags name it."""
    own = _owner(user)
    word = normalise_keyword(keyword)
    if not KEYWORD_MIN <= len(word) <= KEYWORD_MAX:
        raise ValidationError(
            {"keyword": _("Use %(low)s to %(high)s characters.", low=KEYWORD_MIN, high=KEYWORD_MAX)}
        )
    exists = db.session.scalar(
        select(PrivateExclusion.id).where(
            PrivateExclusion.organisation_id == own.id, PrivateExclusion.keyword == word
        )
    )
    if exists is not None:
        raise ConflictError(_("This exclusion is already on your list."))
    exclusion = PrivateExclusion(organisation_id=own.id, keyword=word, created_by_id=user.id)
    hit = _startups_hit([word]).get(word, set())
    return _save(user, exclusion, hit, {"organisation_id": own.id, "keyword": word})


def remove_exclusion(user: User, exclusion_id: int | None) -> Organisation:
    """Take one exclusion off the list; returns the owner, whose matches the caller then refreshes."""
    own = _owner(user)
    exclusion = db.session.get(PrivateExclusion, exclusion_id) if possible_id(exclusion_id) else None
    if exclusion is None or exclusion.organisation_id != own.id:
        raise NotFound(_("There is no such exclusion on your list."))
    detail = {"organisation_id": own.id, "excluded_id": exclusion.excluded_id, "keyword": exclusion.keyword}
    db.session.delete(exclusion)
    db.session.add(AuditEvent(actor_id=user.id, action="exclusion.removed", details=detail))
    db.session.commit()
    return own


def dismissed_pairs() -> dict[int, set[int]]:
    """The pairs either side dismissed ("not interested", "already met"), never matched again:
    organisation id -> ids it must never be matched with (both directions)."""
    pairs: dict[int, set[int]] = defaultdict(set)
    for a, b in db.session.execute(select(Dismissal.organisation_id, Dismissal.other_id)):
        pairs[a].add(b)
        pairs[b].add(a)
    return dict(pairs)
