"""Small helpers shared by the page views: role checks, safe redirects, template globals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard, TypeVar
from urllib.parse import urlparse

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from matchmaker import money
from matchmaker.errors import ServiceError
from matchmaker.i18n import current_language
from matchmaker.language.detect import written_language
from matchmaker.models import OrganisationKind, Role, Sector, Stage
from matchmaker.schemas.profile import max_lengths
from matchmaker.web import explanations

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed-in users with one of ``roles`` pass; others get 403, anonymous users go to login."""
    allowed = {r.value for r in roles}

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403, _("Your role does not give access to this page."))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


staff_required = roles_required(Role.STAFF, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target:
        return False
    parsed = urlparse(target)
    return not parsed.scheme and not parsed.netloc and target.startswith("/") and not target.startswith("//")


def refuse(reason: str | ServiceError, target: str) -> Response:
    """A mistake made on a form that has no page of its own: say why on the page the person returns to."""
    if isinstance(reason, ServiceError):
        field_errors = getattr(reason, "errors", {})
        reason = " ".join(str(m) for m in field_errors.values()) if field_errors else reason.message
    flash(str(reason), "error")
    return redirect(target, 303)


def back_to(default: str) -> str:
    """The safe ``next`` target the form sent, else ``default``."""
    target = request.form.get("next")
    return target if is_safe_next(target) else default


def render_failure(template: str, error: ServiceError, **context: Any) -> tuple[str, int]:
    """Re-render a form with the service's message, field errors and the status that fits."""
    field_errors = getattr(error, "errors", {})
    return render_template(template, error=error.message, errors=field_errors, **context), error.status_code


def values_of(form: Any, name: str) -> list[str]:
    """Every value of a multi-valued form field, whether the form is a MultiDict or a plain dict."""
    if hasattr(form, "getlist"):
        return list(form.getlist(name))
    value = form.get(name) if form else None
    return list(value) if isinstance(value, list | tuple) else ([value] if value else [])


def template_globals() -> dict[str, Any]:
    return {
        "values_of": values_of,
        "SECTORS": list(Sector),
        "PROFILE_MAX": max_lengths(),
        "STAGES": list(Stage),
        "KINDS": list(OrganisationKind),
        "ROLES": list(Role),
        "DEFAULT_CURRENCY": money.default_currency(),
        "component_text": explanations.component_text,
        "hint_text": explanations.hint_text,
    }


def quoted_terms(terms: list[str] | tuple[str, ...] | set[str]) -> Markup:
    """Terms in quotes, each marked with the language it is written in, so that a glossary term in the
    other language reads as such (to screen readers, and to the browser walk's check) on a page."""
    parts = []
    for term in terms:
        language = written_language(term) or viewer_language()
        parts.append(Markup('“<span lang="{}">{}</span>”').format(language, term))
    return Markup(", ").join(parts)


def text_language(text: str | None) -> str:
    """The language a quoted text is written in, for its ``lang`` attribute: the page's when it cannot
    be told (a bare number or name), so that Korean quoted on an English page reads as Korean."""
    return str(written_language(text or "") or viewer_language())


def viewer_language() -> str:
    """The language the page is shown in ('ko' or 'en')."""
    return current_language()


def format_money_for_viewer(amount: int | None, currency: str | None) -> str:
    """An amount in the viewer's currency (won for Korean pages), the original in brackets."""
    return money.format_for_viewer(amount, currency, viewer_language(), money.krw_per_usd())
