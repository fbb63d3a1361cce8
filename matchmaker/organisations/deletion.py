"""A founder deletes their startup (Korea's PIPA): its data goes, the introductions' audit trail stays.

The organisation's row is kept, emptied, hidden and marked deleted, so that past introductions and
their events still name a side ("(deleted startup)") and staff see when it happened. Open requests are
withdrawn, matches, dismissals and the marks of matches seen are deleted, and its members leave it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from matchmaker.errors import ConflictError, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.i18n import DELETED_STARTUP_NAME, NOTE_STARTUP_DELETED
from matchmaker.introductions import requests as introductions
from matchmaker.mail import notifications
from matchmaker.models import (
    Dismissal,
    Introduction,
    Match,
    Organisation,
    OrganisationKind,
    User,
    Visibility,
    utcnow,
)
from matchmaker.models.introductions import DigestEntry
from matchmaker.models.matches import SeenMatch
from matchmaker.organisations.profiles import lock_for_edit


def may_delete(user: User, organisation: Organisation) -> bool:
    """Only a founder who is a member of the startup deletes it; staff hide profiles instead."""
    return (
        organisation.kind == OrganisationKind.STARTUP
        and not organisation.is_deleted
        and not user.is_staff
        and user.organisation_id == organisation.id
    )


def delete_startup(actor: User, organisation: Organisation, password: str) -> None:
    """Delete ``organisation``'s data after ``actor`` confirmed with their password; one transaction."""
    if organisation.is_deleted:
        raise ConflictError(_("This startup is already deleted."))
    if not may_delete(actor, organisation):
        raise PermissionDenied(_("Only the startup's own founders can delete it."))
    if not actor.check_password(password):
        raise ValidationError({"password": _("This is not your current password.")})
    introductions_service_lock(organisation)
    messages = []
    counterparts: set[int] = set()
    open_ones = db.session.scalars(
        select(Introduction).where(
            Introduction.startup_id == organisation.id,
            # Requests not yet answered: those the requester could still withdraw.
            Introduction.state.in_([s.value for s in introductions.TRANSITIONS["withdraw"].sources]),
        )
    ).all()
    for introduction in open_ones:
        # The service's own transition step (compare-and-set plus its audit event) inside this transaction.
        messages += introductions._apply(introduction, "withdraw", actor, NOTE_STARTUP_DELETED)
        counterparts.add(introduction.counterpart_id)
    pair = or_(Match.startup_id == organisation.id, Match.counterpart_id == organisation.id)
    db.session.execute(delete(Match).where(pair))
    db.session.execute(
        delete(SeenMatch).where(
            or_(SeenMatch.startup_id == organisation.id, SeenMatch.counterpart_id == organisation.id)
        )
    )
    db.session.execute(
        delete(DigestEntry).where(
            or_(DigestEntry.startup_id == organisation.id, DigestEntry.counterpart_id == organisation.id)
        )
    )
    db.session.execute(
        delete(Dismissal).where(
            or_(Dismissal.organisation_id == organisation.id, Dismissal.other_id == organisation.id)
        )
    )
    _empty(organisation)
    for member in list(organisation.members):
        member.organisation = None
    db.session.commit()

    notifications.dispatch(messages)
    for counterpart_id in counterparts:  # a withdrawn approval frees a unit of that month
        introductions.release_waitlisted(counterpart_id)


def introductions_service_lock(organisation: Organisation) -> None:
    """Hold the startup's row so that no edit or request slips in while it is being deleted."""

    lock_for_edit(organisation)


def _empty(organisation: Organisation) -> None:
    organisation.name = DELETED_STARTUP_NAME
    organisation.slug = f"deleted-{organisation.id}"
    for field in ("description", "offers", "seeks", "location", "website", "contact_email"):
        setattr(organisation, field, "")
    organisation.tags = []
    organisation.sectors = []
    organisation.stage = None
    organisation.raising_amount = None
    organisation.team_size = None
    organisation.is_complex_tenant = False
    organisation.visibility = Visibility.HIDDEN.value
    organisation.deleted_at = utcnow()
