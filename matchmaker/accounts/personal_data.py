"""Personal data under Korea's PIPA: what the service holds about a person, and deleting an account.

Deleting keeps the account's row, anonymised, so introductions and their audit trail stay whole
("a deleted member" acted), while the person's name, address, password, tokens and mail are gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from matchmaker.accounts.users import end_sessions
from matchmaker.errors import ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import DELETED_MEMBER_NAME
from matchmaker.models import (
    ApiToken,
    DigestEntry,
    Dismissal,
    IntroductionEvent,
    OutboxMessage,
    SeenMatch,
    User,
    utcnow,
)

DELETED_NAME = DELETED_MEMBER_NAME  # stored in English, shown in the reader's language (i18n.shown)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_for(user: User) -> dict[str, Any]:
    """Everything stored about ``user``, as JSON-ready data (no password hash, no token hashes)."""
    organisation = user.organisation
    events = db.session.scalars(
        select(IntroductionEvent).where(IntroductionEvent.actor_id == user.id).order_by(IntroductionEvent.id)
    )
    dismissals = db.session.scalars(select(Dismissal).where(Dismissal.created_by_id == user.id))
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)
    )
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "language": user.language,
            "created_at": _time(user.created_at),
            "last_login_at": _time(user.last_login_at),
            "active": user.is_active_account,
        },
        "organisation": None
        if organisation is None
        else {"id": organisation.id, "name": organisation.name, "kind": organisation.kind},
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _time(t.created_at),
                "last_used_at": _time(t.last_used_at),
                "revoked_at": _time(t.revoked_at),
            }
            for t in tokens
        ],
        "introduction_events": [
            {
                "introduction_id": e.introduction_id,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "created_at": _time(e.created_at),
            }
            for e in events
        ],
        "dismissals": [
            {"other_id": d.other_id, "kind": d.kind, "reason": d.reason, "created_at": _time(d.created_at)}
            for d in dismissals
        ],
        "mail": [
            {
                "subject": m.subject,
                "body": m.body,
                "created_at": _time(m.created_at),
                "sent_at": _time(m.sent_at),
            }
            for m in mail
        ],
    }


def delete_account(user: User, password: str) -> None:
    """Delete the person's data and sign them out everywhere; their actions stay, anonymously."""
    if not user.check_password(password):
        raise ValidationError({"password": _("This is not your current password.")})
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == user.email))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(DigestEntry).where(DigestEntry.user_id == user.id))
    db.session.execute(delete(SeenMatch).where(SeenMatch.user_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = DELETED_NAME
    user.password_hash = None
    user.language = None
    user.organisation = None
    user.is_active_account = False
    user.deleted_at = utcnow()
    end_sessions(user)
    db.session.commit()
