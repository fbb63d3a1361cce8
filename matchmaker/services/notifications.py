"""E-mail: every message goes to the outbox table (and the log); SMTP only when MAIL_SERVER is set.

Messages are written in the same transaction as the change they report, so a rolled-back change
sends nothing; ``dispatch`` runs after the commit and is the only place that talks to a mail server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import current_app, url_for
from flask_mail import Message
from sqlalchemy import select
from werkzeug.routing import BuildError

from matchmaker.extensions import db, mail
from matchmaker.models import (
    STAFF_ROLES,
    Introduction,
    IntroState,
    Organisation,
    OutboxMessage,
    User,
    utcnow,
)

if TYPE_CHECKING:
    from flask_sqlalchemy.pagination import Pagination

logger = logging.getLogger(__name__)
SUBJECT_MAX = 200


SECRET_HIDDEN = "[링크 숨김: 받는 사람만 볼 수 있습니다 / link hidden: only the recipient sees it]"


def queue(
    recipient: str,
    subject: str,
    body: str,
    introduction_id: int | None = None,
    secret: str | None = None,
) -> OutboxMessage:
    """Add one message to the outbox in the current transaction (the caller commits).

    ``secret`` (a set-password or reset link) is shown in the outbox to the recipient only.
    """
    message = OutboxMessage(
        recipient=recipient,
        subject=subject[:SUBJECT_MAX],
        body=body,
        redacted_body=body.replace(secret, SECRET_HIDDEN) if secret else None,
        introduction_id=introduction_id,
    )
    db.session.add(message)
    return message


def dispatch(messages: Iterable[OutboxMessage]) -> None:
    """After the commit: log each message and, when a mail server is configured, send it."""
    smtp = bool(current_app.config.get("MAIL_SERVER"))
    for message in messages:
        logger.info("mail to %s: %s", message.recipient, message.subject)
        if not smtp:
            continue
        try:
            mail.send(Message(subject=message.subject, recipients=[message.recipient], body=message.body))
        except Exception:  # a mail server that is down must not undo the change it reports
            logger.exception(
                "could not send mail %s to %s; it stays unsent in the outbox", message.id, message.recipient
            )
            continue
        message.sent_at = utcnow()
    if smtp:
        db.session.commit()


def outbox_page(page: int, per_page: int = 50) -> Pagination:
    """The newest messages first, for the staff outbox page."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def body_for(message: OutboxMessage, viewer: User) -> str:
    """The message as ``viewer`` may read it: with its secret only if they are its recipient."""
    if message.redacted_body is None or message.recipient == viewer.email:
        return message.body
    return message.redacted_body


def member_addresses(organisation: Organisation) -> list[str]:
    """Active members' addresses; the organisation's contact address when it has no account yet."""
    addresses = [u.email for u in organisation.members if u.is_active_account]
    if not addresses and organisation.contact_email:
        addresses = [organisation.contact_email]
    return addresses


def staff_addresses() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(
                User.role.in_([r.value for r in STAFF_ROLES]), User.is_active_account.is_(True)
            )
        )
    )


def introduction_link(introduction_id: int) -> str:
    """An absolute link when the server name is known (requests, tests); a path otherwise (cron)."""
    try:
        return url_for("introductions.show", introduction_id=introduction_id, _external=True)
    except (RuntimeError, BuildError):  # no request and no SERVER_NAME (a cron job)
        return f"/introductions/{introduction_id}"


def _contact_block(organisation: Organisation) -> str:
    lines = [f"{organisation.name}"]
    if organisation.contact_email:
        lines.append(f"  contact: {organisation.contact_email}")
    lines += [f"  {u.display_name} <{u.email}>" for u in organisation.members if u.is_active_account]
    return "\n".join(lines)


def queue_for_transition(
    introduction: Introduction, source: IntroState | None, target: IntroState, note: str = ""
) -> list[OutboxMessage]:
    """The messages one transition sends, to the people it concerns."""
    startup, counterpart = introduction.startup, introduction.counterpart
    requester = startup if introduction.requesting_organisation_id == startup.id else counterpart
    answerer = counterpart if requester is startup else startup
    pair = f"{startup.name} ↔ {counterpart.name}"
    link = introduction_link(introduction.id)
    note_line = f"\n\nNote: {note}" if note else ""
    plan: list[tuple[list[str], str, str]] = []
    if target == IntroState.REQUESTED:
        plan.append(
            (
                staff_addresses(),
                f"New introduction request: {pair}",
                f"{requester.name} asks to be introduced to {answerer.name}. Review it: {link}",
            )
        )
    elif target == IntroState.WAITLISTED:
        plan.append(
            (
                member_addresses(requester),
                f"Introduction approved, waiting in line: {pair}",
                f"{answerer.name} has taken all its introductions this month; yours is next in line. "
                f"{link}{note_line}",
            )
        )
    elif target == IntroState.APPROVED:
        plan.append(
            (
                member_addresses(requester),
                f"Introduction approved: {pair}",
                f"The complex's staff approved your request; {answerer.name} now answers it. {link}"
                f"{note_line}",
            )
        )
        plan.append(
            (
                member_addresses(answerer),
                f"{requester.name} would like to meet you",
                f"{requester.name} asked to be introduced to {answerer.name}, and the complex's staff "
                f"approved it. Accept or decline: {link}",
            )
        )
    elif target == IntroState.REJECTED:
        plan.append(
            (
                member_addresses(requester),
                f"Introduction not approved: {pair}",
                f"The complex's staff did not approve this request. {link}{note_line}",
            )
        )
    elif target == IntroState.DECLINED:
        plan.append(
            (
                member_addresses(requester),
                f"Introduction declined: {pair}",
                f"{answerer.name} declined the introduction. {link}{note_line}",
            )
        )
    elif target == IntroState.INTRODUCED:
        for side, other in ((startup, counterpart), (counterpart, startup)):
            plan.append(
                (
                    member_addresses(side),
                    f"You are introduced: {pair}",
                    f"Both sides agreed. Here is how to reach {other.name}:\n\n{_contact_block(other)}"
                    f"\n\n{link}",
                )
            )
    elif target in (IntroState.WITHDRAWN, IntroState.EXPIRED):
        verb = "withdrawn" if target == IntroState.WITHDRAWN else "expired (no answer in time)"
        plan.append((staff_addresses(), f"Introduction {verb}: {pair}", f"{link}{note_line}"))
        plan.append((member_addresses(requester), f"Introduction {verb}: {pair}", f"{link}{note_line}"))
        if source == IntroState.APPROVED:
            plan.append((member_addresses(answerer), f"Introduction {verb}: {pair}", f"{link}{note_line}"))
    elif target in (IntroState.MET, IntroState.OUTCOME_RECORDED):
        outcome = f" Outcome: {introduction.outcome_label}." if introduction.outcome else ""
        plan.append(
            (
                staff_addresses(),
                f"Introduction {target.label.lower()}: {pair}",
                f"{pair}: {target.label.lower()}.{outcome} {link}{note_line}",
            )
        )
    messages = []
    seen: set[tuple[str, str]] = set()
    for recipients, subject, body in plan:
        for recipient in recipients:
            if (recipient, subject) not in seen:
                seen.add((recipient, subject))
                messages.append(queue(recipient, subject, body, introduction.id))
    return messages
