"""Partnering-day pages: staff set up, generate, edit and publish; participants give their availability
and preferences, read their agenda, download calendar files and mark attendance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import Response as HttpResponse
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.extensions import db
from matchmaker.inputs import whole_number
from matchmaker.models import Organisation, OrganisationKind
from matchmaker.models.partnering import Building, Choice, DayState, MeetingStatus, Participant, Role
from matchmaker.organisations import spreadsheets
from matchmaker.partnering import agendas, days, meetings, outcomes
from matchmaker.partnering.labels import BUILDINGS, CHOICES, PRESENCE, STATES
from matchmaker.web.helpers import back_to, refuse, staff_required

bp = Blueprint("partnering", __name__, url_prefix="/partnering")


@bp.app_context_processor
def labels() -> dict[str, Any]:
    return {"LABELS": STATES, "CHOICES": CHOICES, "PRESENCE": PRESENCE, "BUILDINGS": BUILDINGS}


def _fail(error: ServiceError, target: str) -> Response:
    if error.status_code in (403, 404):
        abort(error.status_code, error.message)
    return refuse(error, back_to(target))


def _number(name: str) -> int:
    value = whole_number(request.form.get(name, ""), minimum=1)
    if value is None:
        abort(400, _("A number is missing or not a whole number."))
    return value


def _day_or_404(day_id: int) -> Any:
    try:
        return days.get_day(day_id)
    except ServiceError as error:
        abort(404, error.message)


# ----------------------------------------------------------------------------------------- staff


@bp.get("/")
@login_required
def index() -> str:
    if current_user.is_staff:
        listed = days.list_days()
    else:
        mine = db.session.scalars(
            select(Participant).where(Participant.organisation_id == current_user.organisation_id)
        ).all()
        listed = [p.day for p in mine if p.day.state not in (DayState.PROVISIONAL, DayState.REVIEWED)]
    return render_template("partnering/index.html", days=listed, buildings=list(Building))


@bp.post("/new")
@staff_required
def create() -> Response:
    form = request.form
    dates = [
        days.DateInput(
            d.strip(),
            form.get("starts", "09:00"),
            form.get("ends", "17:00"),
            [(form.get("break_start", "12:00"), form.get("break_end", "13:00"))]
            if form.get("break_start")
            else [],
        )
        for d in form.get("dates", "").replace(",", " ").split()
    ]
    rooms = []
    for line in form.get("rooms", "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        capacity = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        building = parts[2] if len(parts) > 2 and parts[2] else Building.STARTUP.value
        video = len(parts) > 3 and parts[3].lower() in {"video", "yes", "화상"}
        rooms.append(days.RoomInput(parts[0], capacity, building, video))
    try:
        day = days.create_day(
            current_user,
            form.get("name_en", ""),
            form.get("name_ko", ""),
            dates,
            rooms,
            slot_minutes=int(form.get("slot_minutes") or 20),
            interpreters=int(form.get("interpreters") or 0),
            invite_top_n=int(form.get("invite_top_n") or 20),
            invite_min_score=float(form.get("invite_min_score") or 0.3),
        )
    except ValueError:
        return refuse(_("A number is missing or not a whole number."), url_for("partnering.index"))
    except ServiceError as error:
        return _fail(error, url_for("partnering.index"))
    flash(_("The partnering day is set up. Add the visitors next."), "success")
    return redirect(url_for("partnering.day", day_id=day.id), 303)


@bp.get("/<int:day_id>")
@staff_required
def day(day_id: int) -> str:
    the_day = _day_or_404(day_id)
    participants = {p.id: p for p in the_day.participants}
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.deleted_at.is_(None)).order_by(Organisation.name)
    ).all()
    present = {p.organisation_id for p in the_day.participants}
    live = [m for m in the_day.meetings if m.status != MeetingStatus.CANCELLED]
    grid: dict[tuple[int, int], list[Any]] = {(m.slot_id, m.room_id): [] for m in live}
    for m in live:
        grid[(m.slot_id, m.room_id)].append(m)
    return render_template(
        "partnering/day.html",
        day=the_day,
        participants=participants,
        visitors=[p for p in the_day.participants if p.role == Role.VISITOR],
        startups=[p for p in the_day.participants if p.role == Role.STARTUP],
        candidates=[o for o in organisations if o.id not in present],
        STARTUP=OrganisationKind.STARTUP,
        grid=grid,
        slot_label=agendas.slot_label,
        live=live,
    )


@bp.post("/<int:day_id>/participants")
@staff_required
def add_participant(day_id: int) -> Response:
    the_day = _day_or_404(day_id)
    try:
        participant = days.add_participant(current_user, the_day, _number("organisation_id"))
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("%(name)s is part of the day.", name=participant.organisation.name), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/invite")
@staff_required
def invite(day_id: int) -> Response:
    the_day = _day_or_404(day_id)
    try:
        count = days.invite_from_matches(current_user, the_day)
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("%(n)d startups invited from the visitors' matches.", n=count), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/generate")
@staff_required
def generate(day_id: int) -> Response:
    the_day = _day_or_404(day_id)
    try:
        ref = days.start_generation(current_user, the_day, request.form.get("fill") == "1")
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    if getattr(ref, "state", "") == "finished":
        flash(_("The schedule is generated. Review it, then publish."), "success")
    else:
        flash(_("The schedule is being generated; this page shows it when the job is done."), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/meetings/<int:meeting_id>/move")
@staff_required
def move(meeting_id: int) -> Response:
    try:
        meeting = meetings.move_meeting(current_user, meeting_id, _number("slot_id"), _number("room_id"))
    except ServiceError as error:
        return _fail(error, url_for("partnering.index"))
    flash(_("The meeting is moved and locked there."), "success")
    return redirect(url_for("partnering.day", day_id=meeting.day_id), 303)


@bp.post("/meetings/<int:meeting_id>/lock")
@staff_required
def lock(meeting_id: int) -> Response:
    try:
        meeting = meetings.set_locked(current_user, meeting_id, request.form.get("locked") == "1")
    except ServiceError as error:
        return _fail(error, url_for("partnering.index"))
    return redirect(url_for("partnering.day", day_id=meeting.day_id), 303)


@bp.post("/meetings/<int:meeting_id>/remove")
@staff_required
def remove(meeting_id: int) -> Response:
    try:
        day_id = agendas.get_meeting(meeting_id).day_id
        meetings.remove_meeting(current_user, meeting_id)
    except ServiceError as error:
        return _fail(error, url_for("partnering.index"))
    flash(_("The meeting is removed."), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/meetings")
@staff_required
def add_meeting(day_id: int) -> Response:
    try:
        meetings.add_meeting(
            current_user,
            day_id,
            _number("visitor_id"),
            _number("startup_id"),
            _number("slot_id"),
            _number("room_id"),
        )
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("The meeting is added and locked."), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/publish")
@staff_required
def publish(day_id: int) -> Response:
    try:
        count = meetings.publish(current_user, day_id)
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("Published: %(n)d meetings; every participant gets their agenda.", n=count), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/review")
@staff_required
def review(day_id: int) -> Response:
    try:
        meetings.mark_reviewed(current_user, day_id)
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("The schedule is marked reviewed; it can be published."), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.post("/<int:day_id>/close")
@staff_required
def close(day_id: int) -> Response:
    try:
        meetings.close_day(current_user, day_id)
    except ServiceError as error:
        return _fail(error, url_for("partnering.day", day_id=day_id))
    flash(_("The day is closed. Participants can still mark their meetings."), "success")
    return redirect(url_for("partnering.day", day_id=day_id), 303)


@bp.get("/<int:day_id>/print")
@staff_required
def print_rooms(day_id: int) -> str:
    the_day = _day_or_404(day_id)
    live = [m for m in the_day.meetings if m.status != MeetingStatus.CANCELLED]
    by_room = {
        r.id: sorted((m for m in live if m.room_id == r.id), key=lambda m: m.slot.starts_at)
        for r in the_day.rooms
    }
    return render_template(
        "partnering/print.html", day=the_day, by_room=by_room, slot_label=agendas.slot_label
    )


@bp.get("/<int:day_id>/export.<fmt>")
@staff_required
def export(day_id: int, fmt: str) -> Response:
    """The schedule as CSV or XLSX in the reader's language, every cell formula-safe."""
    if fmt not in spreadsheets.FORMATS:
        abort(404)
    headers, rows = outcomes.export_table(_day_or_404(day_id))
    file = spreadsheets.table_file(fmt, f"partnering-day-{day_id}", headers, rows)
    response = HttpResponse(file.content, mimetype=file.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:day_id>/report")
@staff_required
def report(day_id: int) -> str:
    the_day = _day_or_404(day_id)
    return render_template("partnering/report.html", day=the_day, report=outcomes.report(the_day))


# ----------------------------------------------------------------------------------------- participants


def _participant(day_id: int) -> tuple[Any, Participant]:
    the_day = _day_or_404(day_id)
    wanted = request.values.get("participant", type=int)
    try:
        return the_day, days.participant_for(current_user, the_day, wanted)
    except ServiceError as error:
        abort(error.status_code, error.message)


@bp.get("/<int:day_id>/me")
@login_required
def me(day_id: int) -> str:
    the_day, participant = _participant(day_id)
    unavailable = {u.slot_id for u in participant.unavailable}
    return render_template(
        "partnering/me.html",
        day=the_day,
        participant=participant,
        unavailable=unavailable,
        ranked=days.ranked_preferences(participant),
        choices=list(Choice),
        slot_label=agendas.slot_label,
    )


@bp.post("/<int:day_id>/me")
@login_required
def save_me(day_id: int) -> Response:
    the_day, participant = _participant(day_id)
    target = url_for("partnering.me", day_id=day_id, participant=participant.id)
    try:
        slots = [int(s) for s in request.form.getlist("unavailable")]
        days.set_availability(current_user, participant, slots)
        choices = {
            int(key.split("-", 1)[1]): value
            for key, value in request.form.items()
            if key.startswith("choice-") and key.split("-", 1)[1].isdigit()
        }
        if choices:
            days.set_preferences(current_user, participant, choices)
        days.set_needs(
            current_user,
            participant,
            request.form.get("needs_interpreter") == "1",
            request.form.get("remote") == "1",
        )
    except ValueError:
        return refuse(_("Choose slots of this day."), target)
    except ServiceError as error:
        return _fail(error, target)
    flash(_("Saved. The schedule will use your answers."), "success")
    return redirect(target, 303)


@bp.get("/<int:day_id>/agenda")
@login_required
def agenda(day_id: int) -> str:
    the_day, participant = _participant(day_id)
    items = agendas.agenda(participant, include_provisional=current_user.is_staff)
    marks = {
        (a.meeting_id): a
        for item in items
        for a in item.meeting.attendance
        if a.participant_id == participant.id
    }
    return render_template(
        "partnering/agenda.html",
        day=the_day,
        participant=participant,
        items=items,
        marks=marks,
        feed_url=agendas.feed_link(participant.id),
    )


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int) -> Response:
    try:
        data = agendas.ics_for_meeting(current_user, meeting_id)
    except ServiceError as error:
        abort(error.status_code, error.message)
    return HttpResponse(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=meeting-{meeting_id}.ics"},
    )


@bp.get("/feed/<token>.ics")
def feed(token: str) -> Response:
    """A personal calendar feed: the link itself is the key (calendar apps cannot sign in)."""
    participant = agendas.participant_of_token(token)
    if participant is None:
        abort(404)
    language = request.args.get("lang") or None
    return HttpResponse(agendas.feed_for(participant, language), mimetype="text/calendar")


@bp.post("/meetings/<int:meeting_id>/attendance")
@login_required
def attendance(meeting_id: int) -> Response:
    try:
        meeting = outcomes.record_attendance(
            current_user,
            meeting_id,
            request.form.get("presence", ""),
            request.form.get("follow_up") == "1",
            request.form.get("participant", type=int),
        )
    except ServiceError as error:
        return _fail(error, url_for("partnering.index"))
    flash(_("Thank you: the meeting is marked."), "success")
    return redirect(back_to(url_for("partnering.agenda", day_id=meeting.day_id)), 303)
