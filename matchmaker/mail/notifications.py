"""E-mail: every message goes to the outbox table (and the log); SMTP only when MAIL_SERVER is set.

Messages are written in the same transaction as the change they report, so a rolled-back change
sends nothing; ``dispatch`` runs after the commit and is the only place that talks to a mail server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import get_translations
from flask_mail import Message
from sqlalchemy import select

from matchmaker.accounts.languages import contact_language, language_of_user
from matchmaker.extensions import db, mail
from matchmaker.i18n import language_of
from matchmaker.jobs import queue as jobs
from matchmaker.links import public_url_for
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
    """After the commit: log each message and, when a mail server is configured, send it.

    With a job queue the sending is a job (``send-outbox``), so a slow mail server never holds
    a request; without one it happens here, as before.
    """
    messages = list(messages)
    smtp = bool(current_app.config.get("MAIL_SERVER"))
    for message in messages:
        logger.info("mail to %s: %s", message.recipient, message.subject)
    if not smtp or not messages:
        return
    if jobs.queue_enabled():
        ids = [message.id for message in messages]
        jobs.enqueue("send-outbox", ids, description=f"send {len(ids)} outbox message(s)")
        return
    for message in messages:
        send_now(message)
    db.session.commit()


def send_now(message: OutboxMessage) -> bool:
    """Send one message over SMTP and mark it sent (the caller commits); False if the server failed."""
    try:
        mail.send(Message(subject=message.subject, recipients=[message.recipient], body=message.body))
    except Exception:  # a mail server that is down must not undo the change it reports
        logger.exception(
            "could not send mail %s to %s; it stays unsent in the outbox", message.id, message.recipient
        )
        return False
    message.sent_at = utcnow()
    return True


def outbox_page(page: int, per_page: int = 50) -> Pagination:
    """The newest messages first, for the staff outbox page."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def body_for(message: OutboxMessage, viewer: User) -> str:
    """The message as ``viewer`` may read it: with its secret only if they are its recipient."""
    if message.redacted_body is None or message.recipient == viewer.email:
        return message.body
    return message.redacted_body


@dataclass(frozen=True)
class Recipient:
    """An address and the language its mail is written in (None: the app's default, Korean)."""

    address: str
    language: str | None = None

    @classmethod
    def of(cls, user: User) -> Recipient:
        """A person, in the language they read (saved, else their role's and organisation's default).

        Never the language of the request that causes the mail: a Korean staff member approving a
        request writes to an English-reading partner in English.
        """
        return cls(user.email, language_of_user(user))


def member_recipients(organisation: Organisation) -> list[Recipient]:
    """Active members, each in their own language; the contact address when it has no account yet."""
    recipients = [Recipient.of(u) for u in organisation.members if u.is_active_account]
    if not recipients and organisation.contact_email:
        recipients = [Recipient(organisation.contact_email, contact_language(organisation))]
    return recipients


def staff_recipients() -> list[Recipient]:
    """Every active staff member and admin, each in their own language."""
    staff = db.session.scalars(
        select(User).where(User.role.in_([r.value for r in STAFF_ROLES]), User.is_active_account.is_(True))
    )
    return [Recipient.of(user) for user in staff]


def render_mail(template: str, language: str | None, **context: Any) -> tuple[str, str]:
    """Subject and body of ``mail/<template>.txt`` written in ``language``.

    The template sets ``subject``; everything it prints is the body.
    """
    with language_of(language):
        if context.get("note"):
            context = context | {"note": system_note(context["note"])}
        module = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(context)
        subject = vars(module)["subject"]  # a template's exported names live in its module's __dict__
        return str(subject).strip(), str(module).strip() + "\n"


def system_note(note: str) -> str:
    """A note in the current language when it is one the system writes (stored in English, N_-marked,
    e.g. "The startup was deleted by its founder."); a person's own note as they wrote it."""
    return str(get_translations().gettext(note))


def queue_mail(
    recipient: Recipient,
    template: str,
    introduction_id: int | None = None,
    secret: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Write ``mail/<template>.txt`` in the recipient's language into the outbox (the caller commits).

    ``secret``: a link in the mail that only its recipient may read in the outbox.
    """
    subject, body = render_mail(template, recipient.language, **context)
    return queue(recipient.address, subject, body, introduction_id, secret=secret)


def introduction_link(introduction_id: int) -> str:
    """The introduction's address under the public URL, from a request, a worker or a cron job alike."""
    return public_url_for("introductions.show", introduction_id=introduction_id)


def queue_for_transition(
    introduction: Introduction, source: IntroState | None, target: IntroState, note: str = ""
) -> list[OutboxMessage]:
    """The messages one transition sends, to the people it concerns, each in their own language."""
    startup, counterpart = introduction.startup, introduction.counterpart
    requester = startup if introduction.requesting_organisation_id == startup.id else counterpart
    answerer = counterpart if requester is startup else startup
    context: dict[str, Any] = {
        "pair": f"{startup.name} ↔ {counterpart.name}",
        "link": introduction_link(introduction.id),
        "note": note,
        "requester": requester,
        "answerer": answerer,
        "target": target.value,
        "outcome": introduction.outcome,
    }
    plan: list[tuple[list[Recipient], str, dict[str, Any]]] = []
    if target == IntroState.REQUESTED:
        plan.append((staff_recipients(), "request_new", {}))
    elif target == IntroState.WAITLISTED:
        plan.append((member_recipients(requester), "waitlisted", {}))
    elif target == IntroState.APPROVED:
        plan.append((member_recipients(requester), "approved", {}))
        plan.append((member_recipients(answerer), "approved_answerer", {}))
    elif target == IntroState.REJECTED:
        plan.append((member_recipients(requester), "rejected", {}))
    elif target == IntroState.DECLINED:
        plan.append((member_recipients(requester), "declined", {}))
    elif target == IntroState.INTRODUCED:
        for side, other in ((startup, counterpart), (counterpart, startup)):
            plan.append((member_recipients(side), "introduced", {"other": other}))
    elif target in (IntroState.WITHDRAWN, IntroState.EXPIRED):
        plan.append((staff_recipients(), "closed", {}))
        plan.append((member_recipients(requester), "closed", {}))
        if source == IntroState.APPROVED:
            plan.append((member_recipients(answerer), "closed", {}))
    elif target in (IntroState.MET, IntroState.OUTCOME_RECORDED):
        plan.append((staff_recipients(), "progress", {}))
    messages = []
    seen: set[tuple[str, str]] = set()
    for recipients, template, extra in plan:
        for recipient in recipients:
            if (recipient.address, template) not in seen:
                seen.add((recipient.address, template))
                messages.append(queue_mail(recipient, template, introduction.id, **context, **extra))
    return messages
