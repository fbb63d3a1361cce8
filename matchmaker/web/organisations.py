"""Organisation pages: the directory, a profile, and creating or editing one."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.extensions import db
from matchmaker.i18n import current_language
from matchmaker.inputs import PAGE_MAX, whole_number
from matchmaker.matching.advice import advice_for, advice_status
from matchmaker.matching.makeup import score_makeup
from matchmaker.matching.pending import refresh_status
from matchmaker.matching.sectors import suggest_sectors
from matchmaker.models import Organisation, OrganisationKind, Role
from matchmaker.organisations import bilingual
from matchmaker.organisations import deletion as startup_deletion
from matchmaker.organisations import profiles as service
from matchmaker.organisations.contacts import may_see_contact
from matchmaker.schemas.profile import BILINGUAL_FIELDS
from matchmaker.web.helpers import render_failure, staff_required

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _get_or_404(organisation_id: int) -> Organisation:
    organisation = service.get_organisation(organisation_id)
    if organisation is None:
        abort(404, _("There is no such organisation."))
    return organisation


@bp.get("/")
@login_required
def directory() -> str:
    """Listed organisations for signed-in users, searchable by name and filtered by kind and sector."""
    query = service.DirectoryQuery(
        text=request.args.get("q", "").strip()[:100],
        kind=request.args.get("kind", ""),
        sector=request.args.get("sector", ""),
        include_hidden=request.args.get("hidden") == "1",
    )
    page = service.directory_page(
        current_user,
        query,
        page=whole_number(request.args.get("page", ""), 1, PAGE_MAX) or 1,
        per_page=current_app.config["DIRECTORY_PAGE_SIZE"],
    )
    return render_template("web/directory.html", page=page, query=query)


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int) -> str:
    organisation = _get_or_404(organisation_id)
    if not service.can_view(current_user, organisation):
        abort(404, _("There is no such organisation."))  # hidden profiles do not reveal they exist
    can_edit = service.can_edit(current_user, organisation)
    return render_template(
        "web/organisation.html",
        organisation=organisation,
        can_edit=can_edit,
        show_contact=may_see_contact(current_user, organisation),
        suggested_sectors=suggest_sectors(organisation) if can_edit else [],
        # how its score with each partner is made up: for the startup itself and for staff
        makeup=score_makeup(organisation) if can_edit else [],
        may_delete=startup_deletion.may_delete(current_user, organisation),
        advice=advice_for(current_user, organisation),  # a founder looking at a partner or investor
        # the versions the consistency check found not to say what their original says: for its editors
        mismatched=bilingual.mismatched_fields(organisation) if can_edit else [],
    )


def _form_context(organisation: Organisation | None, form: object) -> dict[str, object]:
    """What the profile form needs beside the values: which language each text's second box takes,
    and a romanisation to suggest for a Hangul name."""
    values = form if hasattr(form, "get") else {}
    reader = current_language()
    return {
        "slots": {f: bilingual.version_slot(organisation, values, f, reader) for f in BILINGUAL_FIELDS},  # type: ignore[arg-type]
        "name_suggestion": bilingual.suggested_name(organisation, values),  # type: ignore[arg-type]
    }


def _kind_for_new() -> str:
    if current_user.is_staff:
        kind = request.values.get("kind", OrganisationKind.STARTUP.value)
        return kind if kind in OrganisationKind.__members__.values() else OrganisationKind.STARTUP.value
    return OrganisationKind.STARTUP.value


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Response | str | tuple[str, int]:
    """Founders create their startup; staff create any kind of organisation."""
    if not current_user.is_staff and current_user.role != Role.FOUNDER:
        abort(403, _("Partner and investor profiles are created by the complex's staff."))
    if not current_user.is_staff and current_user.organisation_id is not None:
        return redirect(url_for("organisations.edit", organisation_id=current_user.organisation_id))
    kind = _kind_for_new()
    if request.method == "GET":
        return render_template(
            "web/organisation_form.html",
            kind=kind,
            form={},
            errors={},
            organisation=None,
            **_form_context(None, {}),
        )
    try:
        organisation = service.create_organisation(current_user, kind, request.form).organisation
    except ServiceError as error:
        return render_failure(
            "web/organisation_form.html",
            error,
            kind=kind,
            form=request.form,
            organisation=None,
            **_form_context(None, request.form),
        )
    flash(_("%(name)s is saved.", name=organisation.name), "success")
    _warn_mismatch(organisation)
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int) -> Response | str | tuple[str, int]:
    organisation = _get_or_404(organisation_id)
    if not service.can_edit(current_user, organisation):
        abort(403, _("You can only edit your own organisation's profile."))
    if request.method == "GET":
        form = _form_values(organisation)
        context = _form_context(organisation, form)
        if context["name_suggestion"] and not form.get(f"name_{context['slots']['name']}"):  # type: ignore[index]
            form["name_en"] = context["name_suggestion"]  # prefilled: the founder accepts or edits it
        return render_template(
            "web/organisation_form.html",
            kind=organisation.kind,
            form=form,
            errors={},
            organisation=organisation,
            **context,
        )
    try:
        service.update_organisation(current_user, organisation, request.form)
    except ServiceError as error:
        db.session.rollback()
        return render_failure(
            "web/organisation_form.html",
            error,
            kind=organisation.kind,
            form=request.form,
            organisation=organisation,
            **_form_context(organisation, request.form),
        )
    flash(_("The profile is saved."), "success")
    _warn_mismatch(organisation)
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


def _warn_mismatch(organisation: Organisation) -> None:
    """When the save's refresh already compared the two language versions (no job queue): say which do
    not say the same thing. With a queue the profile page says it once the worker has compared them."""
    mismatched = bilingual.mismatched_fields(organisation)
    if mismatched:
        flash(bilingual.mismatch_message(organisation, mismatched), "warning")


@bp.post("/<int:organisation_id>/request-version")
@staff_required
def request_version(organisation_id: int) -> Response:
    """Staff ask the organisation's members for its summary and description in the other language."""
    organisation = _get_or_404(organisation_id)
    language = request.form.get("language", "")
    if language not in ("ko", "en"):
        abort(400, _("Choose Korean or English."))
    sent = bilingual.request_version(current_user, organisation, language)
    if sent:
        flash(
            ngettext(
                "%(num)s member was asked for a version in %(language)s.",
                "%(num)s members were asked for a version in %(language)s.",
                sent,
                language=bilingual.LANGUAGE_NAMES[language],
            ),
            "success",
        )
    else:
        flash(_("This organisation has no member or contact address to ask."), "error")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/delete", methods=["GET", "POST"])
@login_required
def delete(organisation_id: int) -> Response | str | tuple[str, int]:
    """A founder deletes their startup (PIPA) after confirming with their password."""
    organisation = _get_or_404(organisation_id)
    if not startup_deletion.may_delete(current_user, organisation):
        abort(403, _("Only the startup's own founders can delete it."))
    if request.method == "GET":
        return render_template("web/organisation_delete.html", organisation=organisation, errors={})
    try:
        startup_deletion.delete_startup(current_user, organisation, request.form.get("password", ""))
    except ServiceError as error:
        db.session.rollback()
        return render_failure("web/organisation_delete.html", error, organisation=organisation)
    flash(_("The startup is deleted."), "success")
    return redirect(url_for("dashboard.index"))


@bp.get("/<int:organisation_id>/matches-status")
@login_required
def matches_status(organisation_id: int) -> Response:
    """Whether the organisation's matches are being refreshed, and how far (polled by static/app.js)."""
    organisation = _get_or_404(organisation_id)
    if not service.can_edit(current_user, organisation):
        abort(404, _("There is no such organisation."))
    status = refresh_status(organisation.id)
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:organisation_id>/advice-status")
@login_required
def advice_progress(organisation_id: int) -> Response:
    """Whether the job worker is still computing "what would raise your match" with this partner or
    investor (polled by static/app.js, which shows the page again once it is stored)."""
    organisation = _get_or_404(organisation_id)
    if not service.can_view(current_user, organisation):
        abort(404, _("There is no such organisation."))
    status = advice_status(current_user, organisation)
    if status is None:
        abort(404, _("There is no such organisation."))
    response = jsonify(status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_values(organisation: Organisation) -> dict[str, object]:
    """The stored profile as the form shows it: empty strings for missing values, tags joined."""
    values = service.profile_values(organisation)
    form: dict[str, object] = {key: "" if value is None else value for key, value in values.items()}
    form["tags"] = ", ".join(values["tags"])
    form["is_complex_tenant"] = "on" if values["is_complex_tenant"] else ""
    form["registration_number"] = organisation.registration_number or ""
    return form
