"""Korean and English: the locale chosen for a request and the locale-aware formatting helpers.

Korean comes first: the complex's staff and most founders read Korean, so it is the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, TypeGuard

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    Domain,
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_timedelta,
    get_locale,
    gettext,
    refresh,
)
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from matchmaker.api_paths import is_api_request
from matchmaker.extensions import babel
from matchmaker.language.particles import resolve_particles
from matchmaker.models.base import utcnow

# The languages the interface speaks, each named in its own language for the switch.
LANGUAGES: dict[str, str] = {"ko": "한국어", "en": "English"}
SESSION_KEY = "language"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for the catalog but keep it as written (it is stored, then translated when shown)."""
    return message


# Texts stored in English in place of a deleted record, or as the note of a person's action, and shown
# in the reader's language wherever they appear (a page's {{ }}, a translated sentence's variable).
DELETED_STARTUP_NAME = N_("(deleted startup)")
DELETED_MEMBER_NAME = N_("(deleted member)")
NOTE_STARTUP_DELETED = N_("The startup was deleted by its founder.")
_STORED_TEXTS = frozenset({DELETED_STARTUP_NAME, DELETED_MEMBER_NAME, NOTE_STARTUP_DELETED})


def is_stored_text(value: Any) -> bool:
    """True for a text the app stores in English and shows translated (a Jinja test: ``is stored_text``)."""
    return value.__class__ is str and value in _STORED_TEXTS


def shown(value: Any) -> Any:
    """``value`` as a reader sees it: a stored placeholder or note in their language, anything else as is."""
    if value.__class__ is str and value in _STORED_TEXTS:
        return gettext(value)
    return value


# Titles and default explanations of the error statuses the app answers with; a view's own message
# (abort(404, "There is no such organisation.")) replaces the default explanation.
_HTTP_ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your account does not give access to this.")),
    404: (
        _l("Not found"),
        _l("There is nothing at this address. Check the link or go back to the start page."),
    ),
    405: (_l("Not allowed here"), _l("This address does not take that kind of request.")),
    409: (_l("Conflict"), _l("This clashes with a change made meanwhile. Reload the page and try again.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    422: (_l("Please check your input"), _l("Some of what you sent cannot be used.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error on our side stopped this page. It is logged; try again in a moment."),
    ),
}
CSRF_EXPIRED = _l("Your form expired or was sent from elsewhere. Reload the page and try again.")


def http_error_text(error: HTTPException) -> tuple[str, str]:
    """The title and explanation of an HTTP error, in the reader's language."""
    title, default = _HTTP_ERRORS.get(error.code or 500, (error.name, error.description))
    description = error.description or ""
    if error.code == 400 and "CSRF" in description:
        return str(title), str(CSRF_EXPIRED)
    is_default = description == type(error).description or not description
    return str(title), str(default) if is_default else description


def korean_particles(text: str) -> str:
    """``text`` with the fallback particles of a Korean translation resolved (이(가) → 이 or 가), in Korean.

    The Korean catalog writes "%(name)s이(가)" because it cannot know the name; once the name is in,
    the particle its final sound takes is chosen (볼트버스 진단이, NVIDIA가, HomeWatt과, 서울로).
    Markup stays markup; other languages are left as they are.
    """
    if not text or "(" not in text:
        return text
    locale = get_locale()
    if locale is None or locale.language != "ko":
        return text
    resolved = resolve_particles(str(text))
    return Markup(resolved) if isinstance(text, Markup) else resolved


class ParticleDomain(Domain):
    """Flask-Babel's translations with Korean particles resolved once the variables are interpolated.

    Every ``gettext``/``ngettext`` in Python (pages, mail, flashes, API messages, lazy strings) goes
    through the app's domain; templates interpolate after the call, so they get :func:`_resolving`.
    """

    def gettext(self, string: str, **variables: Any) -> str:
        return korean_particles(super().gettext(string, **_shown_all(variables)))

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        return korean_particles(super().ngettext(singular, plural, num, **_shown_all(variables)))

    def pgettext(self, context: str, string: str, **variables: Any) -> str:
        return korean_particles(super().pgettext(context, string, **_shown_all(variables)))

    def npgettext(self, context: str, singular: str, plural: str, num: int, **variables: Any) -> str:
        return korean_particles(super().npgettext(context, singular, plural, num, **_shown_all(variables)))


def _shown_all(variables: dict[str, Any]) -> dict[str, Any]:
    return {name: shown(value) for name, value in variables.items()} if variables else variables


def _resolving(translate: Any) -> Any:
    """A template's gettext callable that resolves particles after Jinja has put the variables in."""

    @pass_context
    def call(context: Context, *args: Any, **kwargs: Any) -> str:
        return korean_particles(translate(context, *args, **_shown_all(kwargs)))

    return call


def install_particles(app: Flask) -> None:
    """Resolve Korean particles in every translated text (the app's Babel domain and its templates), and
    show stored placeholders in the reader's language in every page."""
    babel.domain_instance = ParticleDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    app.jinja_env.finalize = shown
    app.jinja_env.tests["stored_text"] = is_stored_text
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        installed = app.jinja_env.globals.get(name)
        if installed is not None and not getattr(installed, "resolves_particles", False):
            wrapped = _resolving(installed)
            wrapped.resolves_particles = True
            app.jinja_env.globals[name] = wrapped


def is_supported(language: str | None) -> TypeGuard[str]:
    """True when ``language`` is one of the interface's languages."""
    return language in LANGUAGES


def select_locale() -> str:
    """The signed-in person's saved choice, else the visitor's choice, else Accept-Language, else Korean.

    The JSON API answers in the language its caller's Accept-Language asks for.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if not is_api_request():
        from flask_login import current_user

        saved = getattr(current_user, "language", None) if current_user.is_authenticated else None
        if is_supported(saved):
            return saved
        if is_supported(session.get(SESSION_KEY)):
            return session[SESSION_KEY]
    return request.accept_languages.best_match(list(LANGUAGES)) or default


def current_language() -> str:
    """The two-letter language of the current request, for ``<html lang>``."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def language_of(language: str | None) -> Iterator[None]:
    """Render inside this block in ``language`` (e.g. a mail in its recipient's language)."""
    chosen = language if is_supported(language) else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(chosen):
        yield


def format_number(value: int | float | None) -> str:
    """1,234 or 1,234.5 the way the reader's locale writes numbers."""
    return "—" if value is None else format_decimal(value)


def format_share(value: float | None) -> str:
    """A fraction (0.25) as a percentage in the reader's locale."""
    return "—" if value is None else format_percent(value)


def format_day(value: date | datetime | None, style: str = "medium") -> str:
    """A calendar day: "2026. 11. 24." in Korean, "Nov 24, 2026" in English."""
    return "—" if value is None else format_date(value, format=style)


# A 24-hour clock in both languages: Babel's Korean short and medium formats write "PM" for 오후.
_MOMENT_PATTERNS = {"ko": "yyyy. M. d. HH:mm", "en": "d MMM yyyy, HH:mm"}


def format_moment(value: datetime | None, style: str = "medium") -> str:
    """A date and time in the complex's time zone (Asia/Seoul), written the reader's way."""
    if value is None:
        return "—"
    pattern = _MOMENT_PATTERNS.get(current_language())
    return format_datetime(value, format=pattern) if pattern else format_datetime(value, format=style)


# The unit a waiting time is told in: the largest of which a whole one has passed, except that days run
# up to two months ("9일", not "1주"). (name, seconds in one, told from this many seconds on)
_AGE_UNITS = (
    ("year", 365 * 86400, 365 * 86400),
    ("month", 30 * 86400, 60 * 86400),
    ("day", 86400, 86400),
    ("hour", 3600, 3600),
    ("minute", 60, 60),
    ("second", 1, 0),
)


def format_age(value: timedelta | datetime | None) -> str:
    """How long ago or how long, in whole human units: "2분", "3시간", "2일"; "2 minutes", "9 days"."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = utcnow() - value
    seconds = max(value.total_seconds(), 0.0)
    for unit, size, start in _AGE_UNITS:
        if seconds >= start:
            whole = timedelta(seconds=int(seconds // size) * size)
            return format_timedelta(whole, granularity=unit, threshold=float("inf"))
    raise AssertionError("the last unit starts at zero")


def format_month(value: date | datetime) -> str:
    """A calendar month: "2026년 11월", "Nov 2026"."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", value, locale=get_locale())


def register_template_helpers(app: Flask) -> None:
    """Jinja filters and globals for locale-aware output and the language switch."""
    from matchmaker import labels

    app.jinja_env.filters.update(
        label=labels.label,
        sector_label=labels.sector_label,
        stage_label=labels.stage_label,
        state_label=labels.state_label,
        outcome_label=labels.outcome_label,
        dismissal_label=labels.dismissal_label,
        kind_label=labels.kind_label,
        number=format_number,
        share=format_share,
        day=format_day,
        moment=format_moment,
        age=format_age,
        month_label=format_month,
    )

    @app.before_request
    def choose_language_afresh() -> None:
        # Flask-Babel keeps the locale on ``g``; where an app context outlives one request (tests, a
        # CLI command serving several), each request must still choose its own language.
        refresh()

    @app.context_processor
    def language_globals() -> dict[str, Any]:
        return {
            "LANGUAGES": LANGUAGES,
            "current_language": current_language,
            "KIND_PLURALS": labels.KIND_PLURALS,
            "COMPONENT_LABELS": labels.COMPONENT_LABELS,
        }
