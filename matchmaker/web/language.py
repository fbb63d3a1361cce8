"""The language switch in the navigation: a plain POST form, so it works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.accounts.preferences import save_language
from matchmaker.i18n import SESSION_KEY, is_supported
from matchmaker.web.helpers import is_safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
def switch() -> Response:
    """Remember the chosen language (on the account when signed in) and go back to the same page."""
    language = request.form.get("language", "")
    if not is_supported(language):
        abort(400, _("Choose Korean or English."))
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        save_language(current_user, language)
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("dashboard.home"))
