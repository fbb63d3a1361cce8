"""The match digest: each member gets their organisation's best matches they have not been sent yet.

"New" means: never mentioned in an earlier digest to this person (``DigestEntry``), not dismissed by
either side and not already part of an introduction. At most ``DIGEST_MAX_MATCHES`` per message.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail import notifications
from matchmaker.matching.reviews import excluded_for
from matchmaker.models import (
    DigestEntry,
    Introduction,
    Match,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    User,
    Visibility,
)


@dataclass
class DigestReport:
    messages: int = 0
    matches: int = 0


def new_matches_for(user: User, limit: int) -> list[Match]:
    """The user's organisation's best matches not yet sent to them, best first."""
    own = user.organisation
    if own is None:
        return []
    founder_view = own.kind == OrganisationKind.STARTUP
    own_col, other_col = (
        (Match.startup_id, Match.counterpart_id) if founder_view else (Match.counterpart_id, Match.startup_id)
    )
    sent = {
        (s, c)
        for s, c in db.session.execute(
            select(DigestEntry.startup_id, DigestEntry.counterpart_id).where(DigestEntry.user_id == user.id)
        )
    }
    introduced = {
        (s, c)
        for s, c in db.session.execute(
            select(Introduction.startup_id, Introduction.counterpart_id).where(
                (Introduction.startup_id if founder_view else Introduction.counterpart_id) == own.id
            )
        )
    }
    excluded = excluded_for(own.id)
    candidates = db.session.scalars(
        select(Match)
        .join(Organisation, Organisation.id == other_col)
        .where(own_col == own.id, Organisation.visibility == Visibility.LISTED.value)
        .order_by(Match.score.desc(), Match.id)
    )
    chosen: list[Match] = []
    for match in candidates:
        pair = (match.startup_id, match.counterpart_id)
        other_id = match.counterpart_id if founder_view else match.startup_id
        if pair in sent or pair in introduced or other_id in excluded:
            continue
        chosen.append(match)
        if len(chosen) >= limit:
            break
    return chosen


def send_digest(limit: int | None = None) -> DigestReport:
    """Write one digest per active member with new matches, and remember what each was sent."""
    limit = int(limit if limit is not None else current_app.config["DIGEST_MAX_MATCHES"])
    report = DigestReport()
    users = db.session.scalars(
        select(User)
        .where(User.organisation_id.is_not(None), User.is_active_account.is_(True))
        .order_by(User.id)
    ).all()
    for user in users:
        organisation = user.organisation
        if user.is_staff or organisation is None:
            continue
        matches = new_matches_for(user, limit)
        if not matches:
            continue
        founder_view = organisation.kind == OrganisationKind.STARTUP
        listed = []
        for match in matches:
            listed.append((match.counterpart if founder_view else match.startup, match.percent))
            db.session.add(
                DigestEntry(user_id=user.id, startup_id=match.startup_id, counterpart_id=match.counterpart_id)
            )
        recipient = notifications.Recipient.of(user)
        message: OutboxMessage = notifications.queue_mail(recipient, "digest", user=user, matches=listed)
        db.session.commit()  # one person at a time: a failure later does not resend earlier digests
        notifications.dispatch([message])
        report.messages += 1
        report.matches += len(matches)
    return report
