"""Accounts: sign-up, sign-in, invitations, password changes and (de)activation."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from matchmaker.accounts.languages import language_for_role
from matchmaker.accounts.passwords import password_problem
from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import is_supported
from matchmaker.labels import label
from matchmaker.links import public_url_for, url_path
from matchmaker.mail import notifications
from matchmaker.models import (
    ApiToken,
    Organisation,
    OrganisationKind,
    Role,
    User,
    normalise_email,
    utcnow,
)

DISPLAY_NAME_MAX = 120
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITATION_SALT = "matchmaker.invitation"
RESET_SALT = "matchmaker.password-reset"


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the account, or None if it is gone or its sessions were ended since.

    ``session_id`` is ``User.get_id()``: "<id>.<session version>", from the session or remember cookie.
    """
    user_id, _dot, version = session_id.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 10 or len(version) > 10:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or (user.session_version or 0) != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere (sessions and remember cookies); the caller commits."""
    user.session_version = (user.session_version or 0) + 1


def get_account(user_id: int) -> User | None:
    """The account with this id, if any."""
    return db.session.get(User, user_id)


def all_accounts() -> list[User]:
    """Every account by role and e-mail address (the staff's account list)."""
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_identity(display_name: str, email: str, own: bool = True) -> dict[str, str]:
    """Name and address checks; ``own`` is False when staff fill them in for someone else."""
    errors: dict[str, str] = {}
    if not display_name.strip():
        errors["display_name"] = _("Enter your name.") if own else _("Enter the person's name.")
    elif len(display_name.strip()) > DISPLAY_NAME_MAX:
        errors["display_name"] = _("Use at most %(num)s characters.", num=DISPLAY_NAME_MAX)
    email = normalise_email(email)
    if not email:
        errors["email"] = _("Enter your e-mail address.") if own else _("Enter the person's e-mail address.")
    elif len(email) > 254 or not _EMAIL_RE.match(email):
        errors["email"] = _("Enter a valid e-mail address, like name@example.com.")
    return errors


def _check_new_password(password: str, confirm: str, email: str, field: str = "password") -> dict[str, str]:
    problem = password_problem(password, email)
    if problem:
        return {field: problem}
    if password != confirm:
        return {"confirm": _("The two passwords differ.")}
    return {}


def _insert_user(user: User) -> User:
    """Add a new account; a duplicate e-mail (even one racing us) is a conflict, not a crash."""
    with db.session.no_autoflush:  # the new user is not in the session yet; do not flush it half-built
        taken = find_by_email(user.email) is not None
    if taken:
        db.session.rollback()  # the new user may be pending through its organisation; drop it
        raise ConflictError(_("An account with this e-mail address already exists."))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ConflictError(_("An account with this e-mail address already exists.")) from exc
    return user


def register_founder(
    display_name: str, email: str, password: str, confirm: str, language: str | None = None
) -> User | None:
    """A founder signs up on their own; their startup is created next.

    ``language`` is the one the visitor asked for on the sign-up page (their choice, else their
    browser's); the account keeps it, so the mail that follows is already in that language.

    Either way a mail goes out: to the new founder, a link to sign in and describe the startup; when
    the address already has an account (None is returned), to its owner. The visitor is told to check
    the inbox in both cases, so the answer does not say which addresses have accounts.
    """
    errors = _check_identity(display_name, email) | _check_new_password(password, confirm, email)
    if errors:
        raise ValidationError(errors)
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=Role.FOUNDER.value)
    if language and is_supported(language):
        user.language = language
    user.set_password(password)
    try:
        user = _insert_user(user)
    except ConflictError:
        _mail_existing_owner(user.email)
        return None
    _mail_welcome(user)
    return user


def _mail_welcome(user: User) -> None:
    """The new founder's mail: a link to sign in and describe the startup. The page after sign-up says
    "check your inbox" to everyone, so only the mailbox tells a new account from a taken address."""
    message = notifications.queue_mail(
        notifications.Recipient(user.email, user.language),
        "signup_welcome",
        user=user,
        link=public_url_for("auth.login", next=url_path("organisations.create")),
    )
    db.session.commit()
    notifications.dispatch([message])


def _mail_existing_owner(email: str) -> None:
    owner = find_by_email(email)
    if owner is None:  # the racing sign-up that took the address was rolled back since
        return
    message = notifications.queue_mail(
        notifications.Recipient.of(owner),
        "signup_taken",
        user=owner,
        login_link=public_url_for("auth.login"),
        reset_link=public_url_for("auth.request_password_reset"),
    )
    db.session.commit()
    notifications.dispatch([message])


@functools.cache
def _dummy_password_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None; never says which part was wrong.

    An unknown address (or an account without a password) costs a password hash all the same, so
    the answer takes as long as for a known one.
    """
    user = find_by_email(email) if len(email) <= 320 else None
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_password_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def sign_out_everywhere(user: User) -> None:
    """Signing out ends every session and remember cookie of the account, not just this one."""
    end_sessions(user)
    db.session.commit()


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.commit()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    if not user.check_password(current):
        raise ValidationError({"current_password": _("This is not your current password.")})
    errors = _check_new_password(new, confirm, user.email, field="new_password")
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    end_sessions(user)
    db.session.commit()


INVITABLE_BY = {
    Role.STAFF: {Role.PARTNER, Role.INVESTOR, Role.FOUNDER},
    Role.ADMIN: {Role.PARTNER, Role.INVESTOR, Role.FOUNDER, Role.STAFF, Role.ADMIN},
}
ROLE_FOR_KIND = {"startup": Role.FOUNDER, "partner": Role.PARTNER, "investor": Role.INVESTOR}
ROLE_KIND = {role: kind for kind, role in ROLE_FOR_KIND.items()}


def invite_user(
    inviter: User,
    display_name: str,
    email: str,
    role: str,
    organisation_id: int | None,
    language: str = "",
) -> User:
    """Staff create partner and investor accounts, admins staff accounts; the invitee sets a password.

    ``language`` ("ko" or "en") is the one the person reads, from the invitation on; left empty, a
    partner or investor gets their organisation's language and anyone else the app's (Korean).
    """
    errors = _check_identity(display_name, email, own=False)
    if language and not is_supported(language):
        errors["language"] = _("Choose Korean or English.")
    try:
        wanted = Role(role)
    except ValueError:
        wanted = None
        errors["role"] = _("Choose one of the listed roles.")
    if wanted is not None and wanted not in INVITABLE_BY.get(inviter.role_enum, set()):
        raise PermissionDenied(_("You may not create %(role)s accounts.", role=label(wanted)))
    organisation = None
    if wanted in {Role.FOUNDER, Role.PARTNER, Role.INVESTOR}:
        if organisation_id is None:
            errors["organisation_id"] = _("Choose the organisation this person belongs to.")
        else:
            organisation = db.session.get(Organisation, organisation_id)
            if organisation is None:
                errors["organisation_id"] = _("That organisation does not exist.")
            elif ROLE_FOR_KIND[organisation.kind] != wanted:
                errors["organisation_id"] = _(
                    "A %(role)s account must belong to a %(kind)s organisation.",
                    role=label(wanted),
                    kind=label(OrganisationKind(ROLE_KIND[wanted])),
                )
    if errors or wanted is None:
        raise ValidationError(errors)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=wanted.value,
        organisation=organisation,
        language=language or language_for_role(wanted, organisation),
    )
    return _insert_user(user)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _credential_fingerprint(user: User) -> str:
    # Binding a link to the password hash and session version makes it single-use: setting a
    # password, or ending the account's sessions, voids every link issued before.
    material = f"{user.password_hash or 'unset'}|{user.session_version or 0}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _link_messages(kind: str) -> tuple[str, str, str]:
    """What to say when a link has expired, is forged, or was used (whole sentences, for translators)."""
    if kind == "invitation":
        return (
            _("This invitation has expired. Ask the complex's staff for a new one."),
            _("This invitation link is not valid."),
            _("This invitation link was already used or is no longer valid."),
        )
    return (
        _("This password reset link has expired. Ask for a new one on the sign-in page."),
        _("This password reset link is not valid."),
        _("This password reset link was already used or is no longer valid."),
    )


def _user_for_link(token: str, salt: str, max_age: int, kind: str) -> User:
    """The account a signed link names, if the link is genuine, fresh and not used yet."""
    expired, forged, used = _link_messages(kind)
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise NotFound(expired) from exc
    except BadSignature as exc:
        raise NotFound(forged) from exc
    user_id = payload.get("uid") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or payload.get("pw") != _credential_fingerprint(user):
        raise NotFound(used)
    return user


def invitation_token(user: User) -> str:
    """A signed link token with which the invitee sets their first password (7 days, once)."""
    return _serializer(INVITATION_SALT).dumps({"uid": user.id, "pw": _credential_fingerprint(user)})


def send_invitation(user: User) -> str:
    """Mail the invitee a one-time set-password link (through the outbox) and return the link.

    Only accounts without a password are invited; one with a password resets it from the login page.
    """
    if user.has_password:
        raise ConflictError(
            _(
                "This account already has a password. Its owner can reset it with "
                "'Forgot your password?' on the sign-in page."
            )
        )
    link = public_url_for("auth.accept_invitation", token=invitation_token(user))
    recipient = notifications.Recipient.of(user)
    message = notifications.queue_mail(recipient, "invitation", secret=link, user=user, link=link)
    db.session.commit()
    notifications.dispatch([message])
    return link


def user_for_invitation(token: str) -> User:
    """The invited account, while it has no password yet; NotFound otherwise."""
    max_age = current_app.config["INVITATION_MAX_AGE_SECONDS"]
    user = _user_for_link(token, INVITATION_SALT, max_age, "invitation")
    if user.has_password:  # an invitation never replaces a password; that is what a reset is for
        raise NotFound(_link_messages("invitation")[2])
    return user


def _set_new_password(user: User, password: str, confirm: str) -> User:
    """Check and set a password from a link, ending every session of the account, in one transaction."""
    errors = _check_new_password(password, confirm, user.email)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    end_sessions(user)
    db.session.commit()
    return user


def accept_invitation(token: str, password: str, confirm: str) -> User:
    """Set the first password of an invited account."""
    return _set_new_password(user_for_invitation(token), password, confirm)


def password_reset_token(user: User) -> str:
    """A signed, short-lived, single-use token with which the account's owner sets a new password."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _credential_fingerprint(user)})


def request_password_reset(email: str) -> None:
    """Mail a reset link to the address if an active account has it; say nothing either way.

    Takes PASSWORD_RESET_ANSWER_SECONDS whichever it is, so that the time says nothing either: writing
    and sending the mail would otherwise tell a known address from an unknown one.
    """
    started = time.perf_counter()
    try:
        _mail_reset_link(email)
    finally:
        floor = float(current_app.config["PASSWORD_RESET_ANSWER_SECONDS"])
        time.sleep(max(0.0, floor - (time.perf_counter() - started)))


def _mail_reset_link(email: str) -> None:
    user = find_by_email(email) if len(email) <= 254 else None
    if user is None or not user.is_active:
        return
    link = public_url_for("auth.reset_password", token=password_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 60
    message = notifications.queue_mail(
        notifications.Recipient.of(user),
        "password_reset",
        secret=link,
        user=user,
        link=link,
        minutes=minutes,
    )
    db.session.commit()
    notifications.dispatch([message])


def user_for_password_reset(token: str) -> User:
    """The account a reset link is for, while the link is fresh and unused; NotFound otherwise."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    return _user_for_link(token, RESET_SALT, max_age, "password reset")


def reset_password(token: str, password: str, confirm: str) -> User:
    """Set a new password from a reset link and sign the account out everywhere."""
    return _set_new_password(user_for_password_reset(token), password, confirm)


def set_active(actor: User, user: User, active: bool) -> None:
    """Admins switch accounts on and off; nobody switches off themselves."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins manage accounts."))
    if actor.id == user.id:
        raise ConflictError(_("You cannot deactivate your own account."))
    user.is_active_account = active
    if not active:
        end_sessions(user)
        # Like its sessions, the account's API tokens end for good: reactivating does not revive them.
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.commit()
