"""Staff pages: import organisations from a spreadsheet (upload, preview, confirm, report) and exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.errors import ServiceError
from matchmaker.i18n import current_language
from matchmaker.models import ImportStatus, OrganisationImport
from matchmaker.organisations import exports, imports
from matchmaker.organisations.spreadsheets import ExportFile
from matchmaker.web.helpers import staff_required

bp = Blueprint("imports", __name__, url_prefix="/staff")


def _download(file: ExportFile) -> Response:
    response = Response(file.content, mimetype=file.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _get_or_404(import_id: int) -> OrganisationImport:
    record = imports.find_import(import_id)
    if record is None:
        abort(404, _("There is no such import."))
    return record


def _index(error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "staff/imports.html",
        recent=imports.recent_imports(),
        status_labels=imports.STATUS_LABELS,
        action_labels=imports.ACTION_LABELS,
        error=error,
    )
    return page, status


@bp.get("/imports")
@staff_required
def index() -> tuple[str, int]:
    """Upload form, the template, exports and the latest imports."""
    return _index()


@bp.post("/imports")
@staff_required
def upload() -> Response | tuple[str, int]:
    """Read the file and show its preview; nothing is saved to any profile yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _index(_("Choose a CSV or XLSX file to upload."), 400)
    try:
        record = imports.create_import(current_user, upload.filename, upload.read())
    except ServiceError as error:
        return _index(error.message, error.status_code)
    return redirect(url_for("imports.show", import_id=record.id), 303)


@bp.get("/imports/<int:import_id>")
@staff_required
def show(import_id: int) -> str:
    """Before confirmation, every row as it will be saved with its errors; afterwards, the report."""
    record = _get_or_404(import_id)
    plans = imports.plan_rows(record.content) if record.status == ImportStatus.PREVIEWED else []
    return render_template(
        "staff/import.html",
        record=record,
        plans=plans,
        counts={a: sum(p.action == a for p in plans) for a in imports.ACTION_LABELS},
        action_labels=imports.ACTION_LABELS,
        status_labels=imports.STATUS_LABELS,
        column_title=lambda key: imports.column_title(record.content, key),
        reasons=lambda errors: imports.reasons(record.content, errors, current_language()),
    )


@bp.post("/imports/<int:import_id>/run")
@staff_required
def run(import_id: int) -> Response:
    """Staff confirm the preview: the import runs and its report follows."""
    record = _get_or_404(import_id)
    try:
        ref = imports.confirm_import(current_user, record)
    except ServiceError as error:
        flash(error.message, "info" if error.status_code == 409 else "error")
    else:
        if ref.deferred:
            flash(_("The import runs in the background; this page shows how far it got."), "info")
        elif ref.state == "failed":  # recorded on the import as failed; staff see it on its page
            flash(
                _("The import stopped with an error; it is recorded on this page. Run it again to resume."),
                "error",
            )
        else:
            flash(_("The import is done."), "success")
    return redirect(url_for("imports.show", import_id=record.id), 303)


@bp.get("/imports/<int:import_id>/status")
@staff_required
def status(import_id: int) -> Response:
    """How far a running import got (polled by static/app.js, which shows the report once done)."""
    response = jsonify(imports.import_progress(_get_or_404(import_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/imports/<int:import_id>/report.csv")
@staff_required
def report(import_id: int) -> Response:
    """The per-row report, in the reader's language."""
    return _download(imports.report_file(_get_or_404(import_id), current_language()))


@bp.get("/imports/template.<fmt>")
@staff_required
def template(fmt: str) -> Response:
    """An import file with every column (Korean and English headers) and an example row."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return _download(imports.template_file(fmt))


@bp.get("/exports/<dataset>.<fmt>")
@staff_required
def export(dataset: str, fmt: str) -> Response:
    """Organisations, matches or introductions as CSV (UTF-8 with BOM) or XLSX.

    ``?for=people`` (the default): in the reader's language and Korea time; ``?for=import``: the stored
    codes and UTC times, the organisations file ready to import again.
    """
    audience = request.args.get("for", exports.PEOPLE)
    try:
        return _download(exports.export(current_user, dataset, fmt, audience))
    except ServiceError as error:
        abort(error.status_code, error.message)
