"""Korean and English: the locale chosen for a request and the locale-aware formatting helpers.

Korean comes first: the complex's staff and most founders read Korean, so it is the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_timedelta,
    get_locale,
)

# The languages the interface speaks, each named in its own language for the switch.
LANGUAGES: dict[str, str] = {"ko": "한국어", "en": "English"}
SESSION_KEY = "language"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for the catalog but keep it as written (it is stored, then translated when shown)."""
    return message


def is_supported(language: str | None) -> bool:
    """True when ``language`` is one of the interface's languages."""
    return language in LANGUAGES


def select_locale() -> str:
    """The signed-in person's saved choice, else the visitor's choice, else Accept-Language, else Korean.

    The JSON API answers in the language its caller's Accept-Language asks for.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    from matchmaker.api.core import is_api_request

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


def format_moment(value: datetime | None, style: str = "medium") -> str:
    """A date and time in the complex's time zone, written the reader's way."""
    return "—" if value is None else format_datetime(value, format=style)


def format_age(value: timedelta | datetime | None) -> str:
    """How long ago or how long: "3일", "3 days"."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        from matchmaker.models.base import utcnow

        value = utcnow() - value
    return format_timedelta(value, threshold=1.1)


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
        number=format_number,
        share=format_share,
        day=format_day,
        moment=format_moment,
        age=format_age,
    )

    @app.context_processor
    def language_globals() -> dict[str, Any]:
        return {"LANGUAGES": LANGUAGES, "current_language": current_language}
