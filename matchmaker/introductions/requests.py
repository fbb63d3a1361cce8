"""Introductions as an explicit state machine: request, staff decision, answer, introduction, outcome.

::

    requested --approve--> approved (or waitlisted while the counterpart's monthly capacity is full)
    requested --reject---> rejected            waitlisted --release (system)--> approved
    approved  --accept---> accepted --introduce (system, same transaction)--> introduced
    approved  --decline--> declined
    introduced --mark_met--> met --record_outcome--> outcome_recorded (by either side or staff)
    requested | waitlisted | approved --withdraw--> withdrawn (by the requesting side)
    requested | approved --expire (system, no answer for 14 days)--> expired

Each transition is one transaction: a compare-and-set ``UPDATE ... WHERE state = <expected>`` whose row
count decides who won a race, an audit event, and the outbox messages. A transition the state does not
allow raises ``ConflictError`` (409) and changes nothing; a role that may not make it raises
``PermissionDenied`` (403). Views and the JSON API call only the public functions below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import CursorResult, Select, false, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.introductions import capacity
from matchmaker.introductions.texts import (
    NOTE_EXPIRED,
    NOTE_INTRODUCED,
    NOTE_RELEASED,
    REFUSED,
)
from matchmaker.labels import label
from matchmaker.mail import notifications
from matchmaker.models import (
    Dismissal,
    DismissalKind,
    Introduction,
    IntroductionEvent,
    IntroState,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    OutboxMessage,
    Outcome,
    Side,
    User,
    utcnow,
)
from matchmaker.models.introductions import CONTACT_STATES, NOTE_MAX, OPEN_STATES

S = IntroState
STAFF, REQUESTER, ANSWERER, PARTY, SYSTEM = "staff", "requester", "answerer", "party", "system"


@dataclass(frozen=True)
class Transition:
    """One edge of the state machine: from which states, to which, and who may take it."""

    sources: frozenset[IntroState]
    target: IntroState
    who: str


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(frozenset({S.REQUESTED}), S.APPROVED, STAFF),
    "waitlist": Transition(frozenset({S.REQUESTED}), S.WAITLISTED, STAFF),
    "reject": Transition(frozenset({S.REQUESTED, S.WAITLISTED}), S.REJECTED, STAFF),
    "release": Transition(frozenset({S.WAITLISTED}), S.APPROVED, SYSTEM),
    "accept": Transition(frozenset({S.APPROVED}), S.ACCEPTED, ANSWERER),
    "introduce": Transition(frozenset({S.ACCEPTED}), S.INTRODUCED, SYSTEM),
    "decline": Transition(frozenset({S.APPROVED}), S.DECLINED, ANSWERER),
    "withdraw": Transition(frozenset({S.REQUESTED, S.WAITLISTED, S.APPROVED}), S.WITHDRAWN, REQUESTER),
    "expire": Transition(frozenset({S.REQUESTED, S.APPROVED}), S.EXPIRED, SYSTEM),
    "mark_met": Transition(frozenset({S.INTRODUCED}), S.MET, PARTY),
    "record_outcome": Transition(frozenset({S.MET}), S.OUTCOME_RECORDED, PARTY),
}
# Actions a person can take from a page or the API (the others are taken by the system).
USER_ACTIONS = ("approve", "reject", "accept", "decline", "withdraw", "mark_met", "record_outcome")
MILESTONES = {
    S.APPROVED: "approved_at",
    S.ACCEPTED: "accepted_at",
    S.INTRODUCED: "introduced_at",
    S.MET: "met_at",
    S.OUTCOME_RECORDED: "outcome_at",
}
PENDING_STATES = capacity.PENDING_STATES
ID_MAX = 2**31 - 1  # ids are 32-bit integers; a larger one from a URL simply does not exist


def possible_id(value: int | None) -> bool:
    """Whether ``value`` could be a row id at all (PostgreSQL refuses to even compare larger ones)."""
    return value is not None and 0 < value <= ID_MAX


@dataclass
class BulkResult:
    """What a several-at-once staff decision did: which succeeded, which were refused and why."""

    done: list[Introduction] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


# --- who is who -------------------------------------------------------------------------------


def is_party(user: User, introduction: Introduction) -> bool:
    """A member of the startup or of the counterpart (staff are not parties)."""
    return not user.is_staff and user.organisation_id in (
        introduction.startup_id,
        introduction.counterpart_id,
    )


def _role_refusal(action: str, user: User | None, introduction: Introduction) -> str | None:
    """Why ``user`` may not take ``action`` on ``introduction``, or None if they may."""
    who = TRANSITIONS[action].who
    if who == SYSTEM:
        return None if user is None else _("Only the system does that.")
    if user is None:
        return _("Sign in first.")
    if who == STAFF:
        return None if user.is_staff else _("Only the complex's staff approve or reject introductions.")
    org = None if user.is_staff else user.organisation_id
    if who == REQUESTER and org != introduction.requesting_organisation_id:
        return _("Only the side that asked for this introduction can withdraw it.")
    if who == ANSWERER and org != introduction.answering_organisation_id:
        return _("Only the side that was asked answers this introduction.")
    if who == PARTY and not (user.is_staff or is_party(user, introduction)):
        return _("Only the two sides and the complex's staff record how an introduction went.")
    return None


def allowed_actions(user: User, introduction: Introduction) -> list[str]:
    """The user actions ``user`` may take now, for buttons (the services still check again)."""
    return [
        action
        for action in USER_ACTIONS
        if introduction.state_enum in TRANSITIONS[action].sources
        and _role_refusal(action, user, introduction) is None
    ]


def contacts_visible(user: User, introduction: Introduction) -> bool:
    """Staff always; the two sides only once they are introduced."""
    return user.is_staff or (is_party(user, introduction) and introduction.state_enum in CONTACT_STATES)


def contact_details(user: User, introduction: Introduction) -> dict[str, dict[str, Any]] | None:
    """Each side's contact address and members, keyed 'startup'/'counterpart'; None while hidden."""
    if not contacts_visible(user, introduction):
        return None
    return {
        key: {
            "organisation": org.name,
            "contact_email": org.contact_email,
            "people": [
                {"name": u.display_name, "email": u.email} for u in org.members if u.is_active_account
            ],
        }
        for key, org in (("startup", introduction.startup), ("counterpart", introduction.counterpart))
    }


# --- reading ----------------------------------------------------------------------------------


def get_for_viewer(user: User, introduction_id: int) -> Introduction:
    """The introduction if ``user`` is staff or one of its sides; NotFound otherwise (no hint it exists)."""
    introduction = db.session.get(Introduction, introduction_id) if possible_id(introduction_id) else None
    if introduction is None or not (user.is_staff or is_party(user, introduction)):
        raise NotFound(_("There is no such introduction."))
    return introduction


def get_for_actor(user: User, introduction_id: int, action: str) -> Introduction:
    """The introduction if ``user`` may see it (else NotFound) and take ``action`` on it (else
    PermissionDenied), so a view refuses the wrong side (403) before reading the body (422)."""
    introduction = get_for_viewer(user, introduction_id)
    refusal = _role_refusal(action, user, introduction)
    if refusal:
        raise PermissionDenied(refusal)
    return introduction


def _viewer_statement(user: User, states: Iterable[str] | None) -> Select[tuple[Introduction]]:
    """Staff see every introduction, members those of their organisation; newest first."""
    statement = select(Introduction).order_by(Introduction.created_at.desc(), Introduction.id.desc())
    if not user.is_staff:
        org = user.organisation_id  # none: nothing (no row has a null side)
        statement = statement.where(or_(Introduction.startup_id == org, Introduction.counterpart_id == org))
    if states is not None:
        statement = statement.where(Introduction.state.in_(list(states)))
    return statement


def list_for_viewer(user: User, states: Iterable[str] | None = None) -> list[Introduction]:
    """Staff see every introduction, members those of their organisation; newest first."""
    if not user.is_staff and user.organisation_id is None:
        return []
    return list(db.session.scalars(_viewer_statement(user, states)))


def page_for_viewer(user: User, states: Iterable[str] | None, page: int, per_page: int) -> Pagination:
    """One page of ``list_for_viewer``, counted and cut in SQL; past the end, an empty page."""
    statement = _viewer_statement(user, states)
    if not user.is_staff and user.organisation_id is None:
        statement = statement.where(false())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def audit_log(user: User, introduction: Introduction) -> list[IntroductionEvent]:
    """Every transition with who, when, from, to and note; staff only."""
    if not user.is_staff:
        raise PermissionDenied(_("The audit log is for the complex's staff."))
    return list(introduction.events)


def staff_queue(
    user: User, counterpart_id: int | None = None, sector: str | None = None, state: str = S.REQUESTED.value
) -> list[Introduction]:
    """Requests waiting for staff, oldest first, optionally for one partner/investor or startup sector."""
    if not user.is_staff:
        raise PermissionDenied(_("The queue is for the complex's staff."))
    statement = (
        select(Introduction)
        .where(Introduction.state == state)
        .order_by(Introduction.created_at, Introduction.id)
    )
    if counterpart_id:
        if not possible_id(counterpart_id):
            return []
        statement = statement.where(Introduction.counterpart_id == counterpart_id)
    if sector:
        statement = statement.where(
            select(OrganisationSector.organisation_id)
            .where(
                OrganisationSector.organisation_id == Introduction.startup_id,
                OrganisationSector.sector == sector,
            )
            .exists()
        )
    return list(db.session.scalars(statement))


# --- the transition machinery -----------------------------------------------------------------


def _clean_note(note: str | None, field_name: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({field_name: _("Use at most %(num)s characters.", num=NOTE_MAX)})
    return note


def _load(introduction_id: int) -> Introduction:
    introduction = None
    if possible_id(introduction_id):
        introduction = db.session.get(Introduction, introduction_id, populate_existing=True)
    if introduction is None:
        raise NotFound(_("There is no such introduction."))
    return introduction


def _refuse_state(introduction: Introduction, action: str) -> ConflictError:
    return ConflictError(str(REFUSED[action] % {"state": label(introduction.state_enum).lower()}))


def _check(action: str, user: User | None, introduction: Introduction) -> None:
    """Visibility (404), then role (403), then state (409): the order a person can make sense of."""
    if user is not None and not (user.is_staff or is_party(user, introduction)):
        raise NotFound(_("There is no such introduction."))
    refusal = _role_refusal(action, user, introduction)
    if refusal:
        raise PermissionDenied(refusal)
    if introduction.state_enum not in TRANSITIONS[action].sources:
        raise _refuse_state(introduction, action)


def _apply(
    introduction: Introduction,
    action: str,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
    **values: Any,
) -> list[OutboxMessage]:
    """Move one state inside the current transaction with a compare-and-set; the caller commits."""
    transition = TRANSITIONS[action]
    source = introduction.state_enum
    if source not in transition.sources:
        raise _refuse_state(introduction, action)
    now = now or utcnow()
    target = transition.target
    updates: dict[str, Any] = {"state": target.value, "state_changed_at": now, **values}
    milestone = MILESTONES.get(target)
    if milestone and getattr(introduction, milestone) is None:
        updates[milestone] = now
    if target not in OPEN_STATES:
        updates["open_pair"] = None
    try:
        # An UPDATE answers with a CursorResult (its rowcount); SQLAlchemy types execute() more loosely.
        result = cast(
            CursorResult[Any],
            db.session.execute(
                update(Introduction)
                .where(Introduction.id == introduction.id, Introduction.state == source.value)
                .values(**updates)
                .execution_options(synchronize_session=False)
            ),
        )
    except OperationalError as exc:  # SQLite: another writer got there first
        db.session.rollback()
        raise ConflictError(
            _("Someone changed this introduction at the same moment; reload and try again.")
        ) from exc
    if result.rowcount != 1:
        db.session.rollback()
        current = db.session.get(Introduction, introduction.id, populate_existing=True)
        now_state = label(current.state_enum).lower() if current else _("gone")
        raise ConflictError(
            _("Someone else changed this introduction at the same moment.")
            + " "
            + str(REFUSED[action] % {"state": now_state})
        )
    for key, value in updates.items():  # keep the loaded object in step without marking it dirty
        set_committed_value(introduction, key, value)
    db.session.add(
        IntroductionEvent(
            introduction_id=introduction.id,
            actor_id=actor.id if actor else None,
            from_state=source.value,
            to_state=target.value,
            note=note,
            created_at=now,
        )
    )
    return notifications.queue_for_transition(introduction, source, target, note)


def _commit(messages: Sequence[OutboxMessage]) -> None:
    """Commit the transition and only then let the mail go."""
    try:
        db.session.commit()
    except (IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise ConflictError(
            _("Someone changed this introduction at the same moment; reload and try again.")
        ) from exc
    notifications.dispatch(messages)


def _transition(
    action: str, actor: User, introduction_id: int, note: str | None, **values: Any
) -> Introduction:
    note = _clean_note(note)
    introduction = _load(introduction_id)
    _check(action, actor, introduction)
    messages = _apply(introduction, action, actor, note, **values)
    _commit(messages)
    return introduction


# --- public transitions -----------------------------------------------------------------------


def request_introduction(
    actor: User, other_id: int, message: str | None = "", for_startup_id: int | None = None
) -> Introduction:
    """A founder asks to meet a partner/investor, or a partner/investor asks to meet a startup; staff
    may ask on a startup's behalf (``for_startup_id``: a three-way match), through the same approval."""
    message = _clean_note(message, "message")
    own = actor.organisation
    if actor.is_staff and for_startup_id is not None:
        own = db.session.get(Organisation, for_startup_id) if possible_id(for_startup_id) else None
        if own is None or own.kind != OrganisationKind.STARTUP:
            raise NotFound(_("There is no such organisation."))
    elif actor.is_staff or own is None:
        raise PermissionDenied(_("Introductions are requested by a startup, a partner or an investor."))
    other = db.session.get(Organisation, other_id) if possible_id(other_id) else None
    if other is None or not (other.is_listed and other.id != own.id):
        raise NotFound(_("There is no such organisation."))
    if own.kind == OrganisationKind.STARTUP:
        if other.kind == OrganisationKind.STARTUP:
            raise ConflictError(
                _("Startups are introduced to partners and investors, not to other startups.")
            )
        startup, counterpart, side = own, other, Side.STARTUP
    else:
        if other.kind != OrganisationKind.STARTUP:
            raise ConflictError(_("Partners and investors are introduced to startups."))
        startup, counterpart, side = other, own, Side.COUNTERPART
    _refuse_dismissed(startup.id, counterpart.id)
    # Requests involving one startup go one at a time: the pending limit below stays exact, and two
    # requests for the same pair meet at the unique open_pair instead of deadlocking on foreign keys.
    capacity.lock_organisation(startup.id)
    if side == Side.STARTUP:
        _check_pending_limit(startup.id)
    introduction = Introduction(
        startup_id=startup.id,
        counterpart_id=counterpart.id,
        requested_by_id=actor.id,
        requested_by_side=side.value,
        state=S.REQUESTED.value,
        open_pair=f"{startup.id}:{counterpart.id}",
        message=message,
    )
    try:
        db.session.add(introduction)
        db.session.flush()
    except (IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise _already_open(startup, counterpart) from exc
    db.session.add(
        IntroductionEvent(
            introduction_id=introduction.id,
            actor_id=actor.id,
            from_state=None,
            to_state=S.REQUESTED.value,
            note=message,
        )
    )
    messages = notifications.queue_for_transition(introduction, None, S.REQUESTED, message)
    try:
        db.session.commit()
    except (IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise _already_open(startup, counterpart) from exc
    notifications.dispatch(messages)
    return introduction


def _already_open(startup: Organisation, counterpart: Organisation) -> ConflictError:
    return ConflictError(
        _(
            "An introduction between %(startup)s and %(other)s is already open.",
            startup=startup.name,
            other=counterpart.name,
        )
    )


def _refuse_dismissed(startup_id: int, counterpart_id: int) -> None:
    dismissal = db.session.scalar(
        select(Dismissal).where(
            or_(
                (Dismissal.organisation_id == startup_id) & (Dismissal.other_id == counterpart_id),
                (Dismissal.organisation_id == counterpart_id) & (Dismissal.other_id == startup_id),
            )
        )
    )
    if dismissal is not None:
        raise ConflictError(
            _(
                "%(name)s marked this pair as “%(why)s”; it is not introduced again.",
                name=dismissal.organisation.name,
                why=label(DismissalKind(dismissal.kind)).lower(),
            )
        )


def _check_pending_limit(startup_id: int) -> None:
    pending = capacity.pending_requests(startup_id)
    limit = capacity.max_pending_requests()
    if pending >= limit:
        db.session.rollback()
        raise ConflictError(
            _(
                "Your startup already has %(pending)s requests waiting (at most %(limit)s). "
                "Withdraw one or wait for an answer before asking again.",
                pending=pending,
                limit=limit,
            )
        )


def approve(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """Staff approve a request; it waits in line (waitlisted) when the counterpart's month is full."""
    note = _clean_note(note)
    introduction = _load(introduction_id)
    _check("approve", actor, introduction)
    counterpart = capacity.lock_organisation(introduction.counterpart_id)
    now = utcnow()
    room = capacity.free_capacity(counterpart, now) if counterpart else None
    action = "waitlist" if room == 0 else "approve"
    messages = _apply(introduction, action, actor, note, now=now, staff_note=note)
    _commit(messages)
    return introduction


def reject(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """Staff turn a request down, with a note the requester reads."""
    return _transition("reject", actor, introduction_id, note, staff_note=_clean_note(note))


def accept(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """The side that was asked agrees; both sides are introduced at once and see each other's contacts."""
    note = _clean_note(note)
    introduction = _load(introduction_id)
    _check("accept", actor, introduction)
    messages = _apply(introduction, "accept", actor, note, answer_note=note)
    messages += _apply(introduction, "introduce", None, NOTE_INTRODUCED)
    _commit(messages)
    return introduction


def decline(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """The side that was asked says no; the counterpart's capacity unit goes back to the line."""
    introduction = _transition("decline", actor, introduction_id, note, answer_note=_clean_note(note))
    release_waitlisted(introduction.counterpart_id)
    return introduction


def withdraw(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """The requesting side takes its request back, any time before the introduction is made."""
    introduction = _transition("withdraw", actor, introduction_id, note)
    release_waitlisted(introduction.counterpart_id)
    return introduction


def mark_met(actor: User, introduction_id: int, note: str | None = "") -> Introduction:
    """Either side (or staff) says the two have met."""
    return _transition("mark_met", actor, introduction_id, note)


def record_outcome(actor: User, introduction_id: int, outcome: str, note: str | None = "") -> Introduction:
    """Either side (or staff) records what came of the meeting."""
    if outcome not in Outcome.__members__.values():
        raise ValidationError({"outcome": _("Choose pilot, investment, collaboration or no fit.")})
    return _transition(
        "record_outcome", actor, introduction_id, note, outcome=outcome, outcome_note=_clean_note(note)
    )


def decide_many(
    actor: User, introduction_ids: Iterable[int], decision: str, note: str | None = ""
) -> BulkResult:
    """Staff approve or reject several requests; each is its own transaction, refusals are reported."""
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": _("Choose approve or reject.")})
    if not actor.is_staff:
        raise PermissionDenied(_("Only the complex's staff approve or reject introductions."))
    result = BulkResult()
    for introduction_id in dict.fromkeys(introduction_ids):
        try:
            done = (approve if decision == "approve" else reject)(actor, introduction_id, note)
        except (ConflictError, NotFound) as error:
            result.refused.append((introduction_id, error.message))
        else:
            result.done.append(done)
    return result


# --- the scheduler's side ---------------------------------------------------------------------


def release_waitlisted(counterpart_id: int, now: datetime | None = None) -> list[Introduction]:
    """Move waiting introductions to approved, oldest first, while the counterpart has room."""
    now = now or utcnow()
    released: list[Introduction] = []
    counterpart = capacity.lock_organisation(counterpart_id)
    if counterpart is None:
        db.session.rollback()
        return released
    waiting = db.session.scalars(
        select(Introduction)
        .where(Introduction.counterpart_id == counterpart_id, Introduction.state == S.WAITLISTED.value)
        .order_by(Introduction.state_changed_at, Introduction.id)
    ).all()
    messages: list[OutboxMessage] = []
    room = capacity.free_capacity(counterpart, now)
    for introduction in waiting:
        if room is not None and room <= 0:
            break
        messages += _apply(introduction, "release", None, NOTE_RELEASED, now=now)
        released.append(introduction)
        room = None if room is None else room - 1
    _commit(messages)
    return released


def expire_stale(now: datetime | None = None) -> int:
    """Expire requests left unanswered too long, then release waiting lines (a new month frees room)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["INTRODUCTION_EXPIRY_DAYS"])
    stale_ids = db.session.scalars(
        select(Introduction.id).where(
            Introduction.state.in_([s.value for s in TRANSITIONS["expire"].sources]),
            Introduction.state_changed_at <= cutoff,
        )
    ).all()
    expired = 0
    for introduction_id in stale_ids:
        introduction = _load(introduction_id)
        try:
            messages = _apply(introduction, "expire", None, NOTE_EXPIRED, now=now)
            _commit(messages)
        except ConflictError:  # answered while we were looking: good, nothing to expire
            continue
        expired += 1
    waiting_for = db.session.scalars(
        select(Introduction.counterpart_id).where(Introduction.state == S.WAITLISTED.value).distinct()
    ).all()
    for counterpart_id in waiting_for:
        release_waitlisted(counterpart_id, now)
    return expired
