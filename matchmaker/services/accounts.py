"""Accounts: sign-up, sign-in, invitations, password changes and (de)activation."""

from __future__ import annotations

import hashlib
import re

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.labels import label
from matchmaker.models import Organisation, OrganisationKind, Role, User, normalise_email, utcnow
from matchmaker.services.errors import ConflictError, NotFound, PermissionDenied, ValidationError

PASSWORD_MIN = 10
PASSWORD_MAX = 200
DISPLAY_NAME_MAX = 120
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVITATION_SALT = "matchmaker.invitation"


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the account, or None if it no longer exists."""
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None


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


def _check_new_password(password: str, confirm: str, field: str = "password") -> dict[str, str]:
    if len(password) < PASSWORD_MIN:
        return {field: _("Use at least %(num)s characters.", num=PASSWORD_MIN)}
    if len(password) > PASSWORD_MAX:
        return {field: _("Use at most %(num)s characters.", num=PASSWORD_MAX)}
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


def register_founder(display_name: str, email: str, password: str, confirm: str) -> User:
    """A founder signs up on their own; their startup is created next."""
    errors = _check_identity(display_name, email) | _check_new_password(password, confirm)
    if errors:
        raise ValidationError(errors)
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=Role.FOUNDER.value)
    user.set_password(password)
    return _insert_user(user)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None; never says which part was wrong."""
    user = find_by_email(email)
    if user is None or not user.check_password(password) or not user.is_active:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.commit()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    if not user.check_password(current):
        raise ValidationError({"current_password": _("This is not your current password.")})
    errors = _check_new_password(new, confirm, field="new_password")
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    db.session.commit()


INVITABLE_BY = {
    Role.STAFF: {Role.PARTNER, Role.INVESTOR, Role.FOUNDER},
    Role.ADMIN: {Role.PARTNER, Role.INVESTOR, Role.FOUNDER, Role.STAFF, Role.ADMIN},
}
ROLE_FOR_KIND = {"startup": Role.FOUNDER, "partner": Role.PARTNER, "investor": Role.INVESTOR}
ROLE_KIND = {role: kind for kind, role in ROLE_FOR_KIND.items()}


def invite_user(inviter: User, display_name: str, email: str, role: str, organisation_id: int | None) -> User:
    """Staff create partner and investor accounts, admins staff accounts; the invitee sets a password."""
    errors = _check_identity(display_name, email, own=False)
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
    if errors:
        raise ValidationError(errors)
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        role=wanted.value,
        organisation=organisation,
    )
    return _insert_user(user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _password_fingerprint(user: User) -> str:
    # Binding the token to the current hash makes it single-use: setting a password voids it.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def invitation_token(user: User) -> str:
    """A signed link token with which the invitee sets their password (valid for 7 days, once)."""
    return _serializer().dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def send_invitation(user: User) -> str:
    """Mail the invitee a one-time set-password link (through the outbox) and return the link."""
    from flask import url_for

    from matchmaker.services import notifications

    link = url_for("auth.accept_invitation", token=invitation_token(user), _external=True)
    recipient = notifications.Recipient(user.email, user.language)
    message = notifications.queue_mail(recipient, "invitation", user=user, link=link)
    db.session.commit()
    notifications.dispatch([message])
    return link


def user_for_invitation(token: str) -> User:
    max_age = current_app.config["INVITATION_MAX_AGE_SECONDS"]
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise NotFound(_("This invitation has expired. Ask the complex's staff for a new one.")) from exc
    except BadSignature as exc:
        raise NotFound(_("This invitation link is not valid.")) from exc
    user = db.session.get(User, payload.get("uid"))
    if user is None or payload.get("pw") != _password_fingerprint(user):
        raise NotFound(_("This invitation link was already used or is no longer valid."))
    return user


def accept_invitation(token: str, password: str, confirm: str) -> User:
    user = user_for_invitation(token)
    errors = _check_new_password(password, confirm)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    db.session.commit()
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    """Admins switch accounts on and off; nobody switches off themselves."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins manage accounts."))
    if actor.id == user.id:
        raise ConflictError(_("You cannot deactivate your own account."))
    user.is_active_account = active
    db.session.commit()
