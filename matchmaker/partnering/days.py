"""Setting up a partnering day: dates and slots, rooms, visitors, invited startups, availability,
preferences, and generating the schedule (a job with progress).

Each change is one transaction with its audit event. Views call these; the optimiser itself is the
pure `matchmaker.partnering.solver`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from matchmaker.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from matchmaker.extensions import db
from matchmaker.jobs import queue as jobs
from matchmaker.language.detect import written_language
from matchmaker.models import (
    AuditEvent,
    Introduction,
    IntroState,
    Match,
    Organisation,
    OrganisationKind,
    User,
    utcnow,
)
from matchmaker.models.partnering import (
    Building,
    Choice,
    DayState,
    InvitedBy,
    MeetingStatus,
    Participant,
    PartneringDate,
    PartneringDay,
    PartneringMeeting,
    PartneringRoom,
    PartneringSlot,
    Preference,
    Role,
    Unavailability,
)
from matchmaker.partnering import problem as P
from matchmaker.partnering.check import check_schedule
from matchmaker.partnering.grid import DateHours, parse_hhmm, slot_grid

NAME_MAX = 200
CHOICE_TO_PREF = {
    Choice.MUST.value: P.Pref.MUST,
    Choice.MEET.value: P.Pref.MEET,
    Choice.NEUTRAL.value: P.Pref.NEUTRAL,
    Choice.NO.value: P.Pref.NO,
}
# Introductions that staff approved (or that went further): both sides start at "must meet".
APPROVED_STATES = frozenset({IntroState.APPROVED, IntroState.ACCEPTED, IntroState.INTRODUCED, IntroState.MET})


def _audit(actor: User | None, action: str, subject_id: int | None, **details: Any) -> None:
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None, action=action, subject_id=subject_id, details=details
        )
    )


def require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff can change a partnering day."))


def get_day(day_id: int) -> PartneringDay:
    day = db.session.get(PartneringDay, day_id) if 0 < day_id < 2**31 else None
    if day is None:
        raise NotFound(_("There is no such partnering day."))
    return day


def list_days() -> list[PartneringDay]:
    return list(db.session.scalars(select(PartneringDay).order_by(PartneringDay.id.desc())))


# ----------------------------------------------------------------------------------------- set-up


@dataclass
class RoomInput:
    name: str
    capacity: int = 1
    building: str = Building.STARTUP.value
    video: bool = False


@dataclass
class DateInput:
    date: str  # YYYY-MM-DD
    starts: str = "09:00"
    ends: str = "17:00"
    breaks: Sequence[tuple[str, str]] = (("12:00", "13:00"),)


def _hours(dates: Sequence[DateInput], errors: dict[str, str]) -> list[DateHours]:
    from datetime import date as date_type

    hours: list[DateHours] = []
    for n, given in enumerate(dates):
        try:
            day = date_type.fromisoformat(given.date.strip())
            starts, ends = parse_hhmm(given.starts), parse_hhmm(given.ends)
            breaks = tuple((parse_hhmm(a), parse_hhmm(b)) for a, b in given.breaks)
        except ValueError:
            errors[f"dates-{n}"] = _("Write dates as YYYY-MM-DD and times as HH:MM.")
            continue
        if ends <= starts or any(b <= a for a, b in breaks):
            errors[f"dates-{n}"] = _("Each time range must end after it starts.")
            continue
        hours.append(DateHours(day, starts, ends, breaks))
    if not dates:
        errors["dates"] = _("A partnering day needs at least one date.")
    if len({h.date for h in hours}) != len(hours):
        errors["dates"] = _("Each date can appear only once.")
    return hours


def create_day(
    actor: User,
    name_en: str,
    name_ko: str,
    dates: Sequence[DateInput],
    rooms: Sequence[RoomInput],
    slot_minutes: int = 20,
    interpreters: int = 0,
    invite_top_n: int = 20,
    invite_min_score: float = 0.3,
    max_meetings_startup: int | None = 3,
) -> PartneringDay:
    """A new day in draft, with its slot grid and rooms (one transaction)."""
    require_staff(actor)
    errors: dict[str, str] = {}
    name_en, name_ko = (name_en or "").strip(), (name_ko or "").strip()
    if not name_en or not name_ko:
        errors["name"] = _("Give the day a name in English and in Korean.")
    if len(name_en) > NAME_MAX or len(name_ko) > NAME_MAX:
        errors["name"] = _("A name can be at most %(n)d characters.", n=NAME_MAX)
    if not 5 <= slot_minutes <= 240:
        errors["slot_minutes"] = _("A slot lasts between 5 and 240 minutes.")
    if interpreters < 0 or invite_top_n < 0 or not 0 <= invite_min_score <= 1:
        errors["numbers"] = _("Counts cannot be negative and the score is between 0 and 1.")
    hours = _hours(dates, errors)
    if not rooms or any(not r.name.strip() or r.capacity < 1 for r in rooms):
        errors["rooms"] = _("Add at least one room, each with a name and at least one table.")
    if any(r.building not in {b.value for b in Building} for r in rooms):
        errors["rooms"] = _("Choose the building of each room.")
    grid = slot_grid(hours, slot_minutes) if hours and "slot_minutes" not in errors else []
    if hours and not grid and "slot_minutes" not in errors:
        errors["dates"] = _("The opening hours leave no slot of that length.")
    if errors:
        raise ValidationError(errors)
    day = PartneringDay(
        name_en=name_en,
        name_ko=name_ko,
        slot_minutes=slot_minutes,
        interpreters=interpreters,
        invite_top_n=invite_top_n,
        invite_min_score=invite_min_score,
        max_meetings_startup=max_meetings_startup,
    )
    for h in hours:
        day.dates.append(
            PartneringDate(
                date=h.date,
                starts=h.starts,
                ends=h.ends,
                breaks=[[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in h.breaks],
            )
        )
    for g in grid:
        day.slots.append(PartneringSlot(position=g.position, starts_at=g.starts_at, ends_at=g.ends_at))
    for r in rooms:
        day.rooms.append(
            PartneringRoom(name=r.name.strip(), building=r.building, capacity=r.capacity, video=r.video)
        )
    db.session.add(day)
    db.session.flush()
    _audit(actor, "partnering.day_created", day.id, name=name_en, slots=len(grid), rooms=len(rooms))
    db.session.commit()
    return day


def _languages(organisation: Organisation) -> list[str]:
    """The languages the profile is written in (each text field read on its own); English if none."""
    found = {written_language(t) for t in (organisation.description, organisation.offers, organisation.seeks)}
    return [language for language in ("ko", "en") if language in found] or ["en"]


def _participant(day: PartneringDay, organisation: Organisation, role: Role, **values: Any) -> Participant:
    languages = _languages(organisation)
    participant = Participant(organisation_id=organisation.id, role=role.value, languages=languages, **values)
    day.participants.append(participant)
    return participant


def _existing(day: PartneringDay, organisation_id: int) -> Participant | None:
    return db.session.scalar(
        select(Participant).where(
            Participant.day_id == day.id, Participant.organisation_id == organisation_id
        )
    )


def add_participant(actor: User, day: PartneringDay, organisation_id: int) -> Participant:
    """Staff add a visiting partner or investor, or a startup, to the day."""
    require_staff(actor)
    organisation = db.session.get(Organisation, organisation_id) if 0 < organisation_id < 2**31 else None
    if organisation is None or organisation.deleted_at is not None:
        raise NotFound(_("There is no such organisation."))
    if _existing(day, organisation.id) is not None:
        raise ConflictError(_("%(name)s is already part of this day.", name=organisation.name))
    role = Role.STARTUP if organisation.kind == OrganisationKind.STARTUP else Role.VISITOR
    participant = _participant(day, organisation, role, invited_by=InvitedBy.STAFF.value)
    db.session.flush()
    prefill_preferences(day)
    _audit(actor, "partnering.participant_added", day.id, organisation=organisation.id, role=role.value)
    db.session.commit()
    return participant


def invite_from_matches(actor: User, day: PartneringDay) -> int:
    """Invite each visitor's top N startups by match score above the day's threshold; returns how many."""
    require_staff(actor)
    visitors = [p for p in day.participants if p.role == Role.VISITOR]
    if not visitors:
        raise ConflictError(_("Add the visitors first: startups are invited from their matches."))
    invited = 0
    present = {p.organisation_id for p in day.participants}
    for visitor in visitors:
        rows = db.session.execute(
            select(Match.startup_id, Match.score)
            .join(Organisation, Organisation.id == Match.startup_id)
            .where(
                Match.counterpart_id == visitor.organisation_id,
                Match.score >= day.invite_min_score,
                Organisation.deleted_at.is_(None),
            )
            .order_by(Match.score.desc(), Match.startup_id)
            .limit(day.invite_top_n)
        ).all()
        for startup_id, score in rows:
            if startup_id in present:
                continue
            organisation = db.session.get(Organisation, startup_id)
            if organisation is None:
                continue
            _participant(day, organisation, Role.STARTUP, invited_by=InvitedBy.MATCH.value, score=score)
            present.add(startup_id)
            invited += 1
    db.session.flush()
    prefill_preferences(day)
    _audit(actor, "partnering.invited", day.id, startups=invited)
    db.session.commit()
    return invited


def prefill_preferences(day: PartneringDay) -> None:
    """A preference row for every visitor-startup pair, pre-filled where nobody has chosen yet.

    Approved (or later) introductions: must meet on both sides. A match above the day's threshold:
    meet. Anything else: neutral. The caller commits.
    """
    visitors = [p for p in day.participants if p.role == Role.VISITOR]
    startups = [p for p in day.participants if p.role == Role.STARTUP]
    if not visitors or not startups:
        return
    organisation_ids = [p.organisation_id for p in visitors + startups]
    scores = {
        (s, c): score
        for s, c, score in db.session.execute(
            select(Match.startup_id, Match.counterpart_id, Match.score).where(
                Match.startup_id.in_(organisation_ids), Match.counterpart_id.in_(organisation_ids)
            )
        )
    }
    approved = {
        (s, c)
        for s, c in db.session.execute(
            select(Introduction.startup_id, Introduction.counterpart_id).where(
                Introduction.state.in_([s.value for s in APPROVED_STATES]),
                Introduction.startup_id.in_(organisation_ids),
            )
        )
    }
    existing = {
        (p.from_id, p.to_id): p
        for p in db.session.scalars(select(Preference).where(Preference.day_id == day.id))
    }
    for visitor in visitors:
        ranked = sorted(
            startups, key=lambda s: -scores.get((s.organisation_id, visitor.organisation_id), 0.0)
        )
        for rank, startup in enumerate(ranked, start=1):
            key = (startup.organisation_id, visitor.organisation_id)
            score = float(scores.get(key, 0.0))
            if key in approved:
                choice = Choice.MUST
            elif score >= day.invite_min_score:
                choice = Choice.MEET
            else:
                choice = Choice.NEUTRAL
            for source, target in ((visitor, startup), (startup, visitor)):
                row = existing.get((source.id, target.id))
                if row is None:
                    row = Preference(day_id=day.id, from_id=source.id, to_id=target.id)
                    db.session.add(row)
                    existing[(source.id, target.id)] = row
                    row.prefilled = True
                row.score = score
                row.rank = rank if source is visitor else None
                if row.prefilled:
                    row.choice = choice.value


# ----------------------------------------------------------------------------------------- people's say


def participant_for(user: User, day: PartneringDay, participant_id: int | None = None) -> Participant:
    """The participant a user may act for: their organisation's, or any one for staff."""
    if participant_id is not None:
        participant = db.session.get(Participant, participant_id) if 0 < participant_id < 2**31 else None
        if participant is None or participant.day_id != day.id:
            raise NotFound(_("There is no such participant."))
        if user.is_staff or participant.organisation_id == user.organisation_id:
            return participant
        raise PermissionDenied(_("You can only change your own organisation's answers."))
    own = _existing(day, user.organisation_id) if user.organisation_id else None
    if own is None:
        raise NotFound(_("Your organisation is not part of this partnering day."))
    return own


def _editable(day: PartneringDay) -> None:
    if day.state == DayState.CLOSED:
        raise ConflictError(_("This partnering day is closed."))


def set_availability(actor: User, participant: Participant, unavailable_slot_ids: Iterable[int]) -> None:
    """Replace the slots the participant cannot make."""
    day = participant.day
    _editable(day)
    valid = {s.id for s in day.slots}
    chosen = {int(s) for s in unavailable_slot_ids}
    if not chosen <= valid:
        raise ValidationError({"slots": _("Choose slots of this day.")})
    db.session.execute(delete(Unavailability).where(Unavailability.participant_id == participant.id))
    for slot_id in sorted(chosen):
        db.session.add(Unavailability(participant_id=participant.id, slot_id=slot_id))
    _audit(actor, "partnering.availability", participant.id, unavailable=len(chosen))
    db.session.commit()


def set_preferences(actor: User, participant: Participant, choices: dict[int, str]) -> None:
    """Set must-meet / meet / neutral / no towards participants of the other role (by participant id)."""
    _editable(participant.day)
    allowed = {c.value for c in Choice}
    rows = {
        p.to_id: p for p in db.session.scalars(select(Preference).where(Preference.from_id == participant.id))
    }
    for other_id, choice in choices.items():
        if choice not in allowed:
            raise ValidationError({"choice": _("Choose must meet, meet, neutral or no.")})
        row = rows.get(other_id)
        if row is None:
            raise NotFound(_("There is no such participant."))
        row.choice, row.prefilled = choice, False
    _audit(actor, "partnering.preferences", participant.id, changed=len(choices))
    db.session.commit()


def set_needs(actor: User, participant: Participant, needs_interpreter: bool, remote: bool) -> None:
    _editable(participant.day)
    participant.needs_interpreter, participant.remote = needs_interpreter, remote
    _audit(actor, "partnering.needs", participant.id, interpreter=needs_interpreter, remote=remote)
    db.session.commit()


def ranked_preferences(participant: Participant) -> list[tuple[Preference, Participant]]:
    """The participant's list: the other side's participants, best match first."""
    rows = db.session.execute(
        select(Preference, Participant)
        .join(Participant, Participant.id == Preference.to_id)
        .where(Preference.from_id == participant.id)
        .order_by(Preference.score.desc(), Participant.id)
    ).all()
    return [(pref, other) for pref, other in rows]


# ----------------------------------------------------------------------------------------- the problem


@dataclass
class DayProblem:
    problem: P.Problem
    slot_by_position: dict[int, PartneringSlot]
    position_by_slot: dict[int, int]


def _languages_for_solver(participant: Participant) -> frozenset[str]:
    languages = frozenset(participant.languages or ["en"])
    # Someone who asks for an interpreter is treated as sharing no language with the other side.
    if participant.needs_interpreter:
        return frozenset({f"only-{participant.id}"})
    return languages


def build_problem(day: PartneringDay, fill_unbooked_only: bool = False) -> DayProblem:
    """The pure scheduling problem of the day's rows."""
    slot_by_position = {s.position: s for s in day.slots}
    position_by_slot = {s.id: s.position for s in day.slots}
    unavailable: dict[int, set[int]] = {}
    for row in db.session.scalars(
        select(Unavailability).join(Participant).where(Participant.day_id == day.id)
    ):
        unavailable.setdefault(row.participant_id, set()).add(position_by_slot[row.slot_id])

    def person(p: Participant, default_max: int | None) -> P.Person:
        return P.Person(
            p.id,
            frozenset(unavailable.get(p.id, set())),
            p.max_meetings if p.max_meetings is not None else default_max,
            _languages_for_solver(p),
            p.remote,
        )

    visitors = tuple(person(p, day.max_meetings_visitor) for p in day.participants if p.role == Role.VISITOR)
    startups = tuple(person(p, day.max_meetings_startup) for p in day.participants if p.role == Role.STARTUP)
    roles = {p.id: p.role for p in day.participants}
    prefs = {
        (p.from_id, p.to_id): p
        for p in db.session.scalars(select(Preference).where(Preference.day_id == day.id))
    }
    pairs = []
    for v in visitors:
        for s in startups:
            mine, theirs = prefs.get((v.id, s.id)), prefs.get((s.id, v.id))
            if mine is None and theirs is None:
                continue
            pairs.append(
                P.PairPreference(
                    v.id,
                    s.id,
                    CHOICE_TO_PREF[mine.choice] if mine else P.Pref.NEUTRAL,
                    CHOICE_TO_PREF[theirs.choice] if theirs else P.Pref.NEUTRAL,
                    float((mine or theirs).score),  # type: ignore[union-attr]
                )
            )
    rooms = tuple(P.Room(r.id, r.capacity, r.video) for r in day.rooms)
    interpreters = tuple(P.Interpreter(k) for k in range(1, day.interpreters + 1))
    live = [m for m in day.meetings if m.status != MeetingStatus.CANCELLED and roles.get(m.visitor_id)]

    def as_meeting(m: PartneringMeeting) -> P.Meeting:
        return P.Meeting(
            m.visitor_id, m.startup_id, position_by_slot[m.slot_id], m.room_id, False, m.interpreter, m.locked
        )

    problem = P.Problem(
        tuple(sorted(slot_by_position)),
        rooms,
        visitors,
        startups,
        tuple(pairs),
        interpreters,
        locked=tuple(as_meeting(m) for m in live if m.locked),
        existing=tuple(as_meeting(m) for m in live),
        fill_unbooked_only=fill_unbooked_only,
    )
    return DayProblem(problem, slot_by_position, position_by_slot)


# ----------------------------------------------------------------------------------------- generation


def start_generation(actor: User, day: PartneringDay, fill_unbooked_only: bool = False) -> Any:
    """Queue the generation job (inline without a queue); returns its job reference."""

    require_staff(actor)
    _editable(day)
    if day.state == DayState.PUBLISHED and not fill_unbooked_only:
        raise ConflictError(
            _("The schedule is published: only unbooked slots can be filled, so nobody's meeting moves.")
        )
    if not any(p.role == Role.VISITOR for p in day.participants):
        raise ConflictError(_("Add the visitors and invite startups before generating a schedule."))
    return jobs.enqueue(
        "generate-partnering",
        day.id,
        actor.id,
        fill_unbooked_only,
        description=f"generate the schedule of partnering day {day.id}",
        unique_id=f"partnering-day-{day.id}",
    )


def generate(
    day_id: int,
    actor_id: int | None,
    fill_unbooked_only: bool = False,
    time_limit: float = 20.0,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Solve the day and store the result (one transaction). Used by the job and by tests."""

    day = get_day(day_id)
    actor = db.session.get(User, actor_id) if actor_id else None
    built = build_problem(day, fill_unbooked_only)
    # OR-Tools (and the pandas it imports) cost 0.35 s at every process start; only this job solves.
    from matchmaker.partnering.solver import solve

    schedule = solve(built.problem, time_limit=time_limit, workers=2, progress=progress)
    # Only kept meetings that staff placed against a rule can break one; the summary says which.
    violations = check_schedule(built.problem, schedule.meetings)
    kept = {(m.visitor, m.startup) for m in built.problem.kept}
    # Unkept, uncancelled meetings are replaced; published ones that disappear are cancelled.
    new_pairs = {(m.visitor, m.startup): m for m in schedule.meetings}
    for row in list(day.meetings):
        if row.status == MeetingStatus.CANCELLED or (row.visitor_id, row.startup_id) in kept:
            continue
        planned = new_pairs.get((row.visitor_id, row.startup_id))
        if planned is not None:
            slot = built.slot_by_position[planned.slot]
            if row.slot_id != slot.id or row.room_id != planned.room:
                row.slot_id, row.room_id = slot.id, planned.room
                if row.was_published:
                    row.sequence += 1
            row.interpreter = planned.interpreter
            kept.add((row.visitor_id, row.startup_id))
        elif row.was_published:
            row.status, row.sequence = MeetingStatus.CANCELLED.value, row.sequence + 1
        else:
            db.session.delete(row)
    for m in schedule.meetings:
        if (m.visitor, m.startup) in kept:
            continue
        day.meetings.append(
            PartneringMeeting(
                visitor_id=m.visitor,
                startup_id=m.startup,
                slot_id=built.slot_by_position[m.slot].id,
                room_id=m.room,
                interpreter=m.interpreter,
                status=MeetingStatus.PROVISIONAL.value,
            )
        )
    if day.state in (DayState.DRAFT, DayState.REVIEWED):
        day.state = DayState.PROVISIONAL.value  # a new schedule is reviewed again
    summary = {
        "status": schedule.status,
        "meetings": len(schedule.meetings),
        "welfare": schedule.welfare,
        "bound": schedule.bound,
        "seconds": round(schedule.seconds, 2),
        "violations": [v.detail for v in violations],
        "fill_unbooked_only": fill_unbooked_only,
        "at": utcnow().isoformat(),
    }
    day.last_solve = summary
    _audit(actor, "partnering.generated", day.id, **{k: v for k, v in summary.items() if k != "violations"})
    db.session.commit()
    return summary
