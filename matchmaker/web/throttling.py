"""Throttling: which requests are counted, by what key, under which configured limit.

Limits are read from the configuration (``RATELIMIT_*``) at each request, so an installation or a test
can change them. Keys that hold an e-mail address or a token are hashed before they reach the storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from matchmaker.extensions import limiter
from matchmaker.models import normalise_email

MESSAGE = _l("Too many attempts in a short time. Please wait a little and try again.")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def client_address() -> str:
    """The network address the request came from (behind proxies: see MATCHMAKER_TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def submitted_account() -> str:
    """The e-mail address a sign-in or reset form names, normalised, hashed."""
    return "account:" + _digest(normalise_email(request.form.get("email", ""))[:254])


def signed_in_account() -> str:
    """The signed-in account, or the address for anonymous requests (they are refused anyway)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_address()


def api_token() -> str:
    """The bearer token of an API call, hashed; the address when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + _digest(token.strip())
    return client_address()


def _failed(response: Response) -> bool:
    # A refusal (wrong password, invalid form) counts; the 429 that ends a burst does not count again.
    return response.status_code >= 400 and response.status_code != 429


def throttle(
    setting: str,
    key: Callable[[], str],
    failures_only: bool = False,
    methods: tuple[str, ...] | None = ("POST",),
) -> Any:
    """A limit named by the configuration key ``setting``, counted per ``key``.

    ``failures_only``: only refused attempts count (wrong passwords), yet once the limit is reached
    every attempt is refused until the window passes, the right password too. ``methods=None``: all.
    """
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key,
        scope=setting.lower(),
        methods=list(methods) if methods else None,
        error_message=lambda: str(MESSAGE),
        deduct_when=_failed if failures_only else None,
        override_defaults=False,
    )
