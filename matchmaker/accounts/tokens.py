"""Personal API tokens: create (shown once), list, revoke, and resolve a bearer token to its account."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matchmaker.errors import ConflictError, NotFound, ValidationError
from matchmaker.extensions import db
from matchmaker.models import ApiToken, User, utcnow
from matchmaker.models.api_tokens import TOKEN_NAME_MAX

TOKEN_PREFIX = "mm_"
PREFIX_SHOWN = 10  # "mm_" and 7 characters: enough to tell tokens apart, useless to guess the rest
ACTIVE_TOKENS_MAX = 20
# Recording every use would write on each read request; once a minute is precise enough to audit.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_tokens(user: User) -> list[ApiToken]:
    return [t for t in list_tokens(user) if not t.is_revoked]


def list_tokens(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first, revoked ones included."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(statement))


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the stored row and the token itself, which is never kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token after the program that uses it.")})
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError({"name": _("Use at most %(num)s characters.", num=TOKEN_NAME_MAX)})
    if not user.is_active:
        raise ConflictError(_("A deactivated account cannot have API tokens."))
    if len(active_tokens(user)) >= ACTIVE_TOKENS_MAX:
        raise ConflictError(
            _("You already have %(num)s tokens; revoke one you no longer use.", num=ACTIVE_TOKENS_MAX)
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, prefix=token[:PREFIX_SHOWN], token_hash=hash_token(token))
    db.session.add(row)
    db.session.commit()
    return row, token


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; revoking twice changes nothing."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("There is no such token."))  # other people's tokens do not reveal they exist
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return row


def user_for_token(token: str) -> User | None:
    """The active account a presented bearer token belongs to, or None (unknown, revoked, deactivated)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token))
        .options(joinedload(ApiToken.user))  # one query for the token and its account, on every call
    )
    if row is None or row.is_revoked or not row.user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        db.session.commit()
    return row.user
