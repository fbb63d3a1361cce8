"""Configuration: defaults here, secrets from ``instance/config.py`` or ``MATCHMAKER_*`` variables."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from matchmaker.engine.encoder import DEFAULT_MODEL

SECRET_FILE_NAME = "config.py"


class DefaultConfig:
    """Settings every installation starts from; none of them is secret."""

    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Secure cookies everywhere with MATCHMAKER_SECURE_COOKIES=1; requests that arrive over HTTPS get
    # them anyway (matchmaker.web.security).
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms do not expire
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MATCHMAKER_JSON_MAX_BYTES = 256 * 1024  # an API body; the largest profile is a few kilobytes
    DIRECTORY_PAGE_SIZE = 20
    # Spreadsheet imports by staff: the complex's ~350 companies fit many times over.
    MATCHMAKER_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    MATCHMAKER_IMPORT_MAX_ROWS = 2000
    INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE_SECONDS = 30 * 60
    # A reset request is answered after this long, known address or not (longer than writing the mail).
    PASSWORD_RESET_ANSWER_SECONDS = 0.3
    # Throttling (Flask-Limiter): kept in Redis when MATCHMAKER_REDIS_URL is set, in memory otherwise.
    RATELIMIT_LOGIN_ACCOUNT = "20 per 15 minutes"  # failed sign-ins for one e-mail address
    RATELIMIT_LOGIN_ADDRESS = "100 per 15 minutes"  # failed sign-ins from one network address
    RATELIMIT_SIGNUP = "10 per hour"  # per network address
    RATELIMIT_PASSWORD_RESET = "10 per hour"  # reset requests per network address
    RATELIMIT_PASSWORD_RESET_ACCOUNT = "3 per hour"  # reset mails asked for one e-mail address
    RATELIMIT_INVITATIONS = "60 per hour"  # accounts created per staff member
    RATELIMIT_TOKEN_CREATION = "10 per hour"  # API tokens created per account
    RATELIMIT_API = "300 per minute"  # API calls per token
    MATCHMAKER_EMBEDDING_MODEL = DEFAULT_MODEL  # multilingual USE v3; "minilm" for all-MiniLM-L6-v2
    MATCHMAKER_TORCH_THREADS = 1
    MATCHMAKER_KRW_PER_USD = 1400.0  # matching compares amounts in dollars at this rate
    MATCHMAKER_DEFAULT_CURRENCY = "KRW"  # amounts typed without ₩ or $ are won
    MATCHMAKER_MATCHES_KEPT = 200  # matches explained and stored per organisation at each refresh
    MATCHMAKER_MATCH_ON_SAVE = True  # saving a profile refreshes that organisation's matches at once
    MATCHMAKER_REDIS_URL: str | None = None  # where throttling counts live; None: each process's memory
    MATCHMAKER_TRUSTED_PROXIES = 0  # proxies in front whose X-Forwarded-* headers are believed
    # Where people reach the site: every link in a mail or a stored message starts with it, never with
    # the Host a request claims (issue 20). `make run` and the demo serve here.
    MATCHMAKER_PUBLIC_URL = "http://127.0.0.1:5000"
    # Host names a request may name besides the public URL's (comma-separated; Flask's TRUSTED_HOSTS):
    # any other Host header is answered 400. The loopback names let local health checks in.
    MATCHMAKER_TRUSTED_HOSTS = "localhost,127.0.0.1"
    # `flask restore` on PostgreSQL gives up (rolled back) when a table stays locked this long.
    MATCHMAKER_RESTORE_LOCK_TIMEOUT_SECONDS = 15
    LOG_LEVEL = "INFO"  # the package's log level (MATCHMAKER_LOG_LEVEL): DEBUG, INFO, WARNING, ERROR
    # Introductions (issue 4)
    MATCHMAKER_MAX_PENDING_REQUESTS = 5  # open requests a startup may have waiting at once
    INTRODUCTION_EXPIRY_DAYS = 14  # a request nobody answers for this long expires
    DIGEST_MAX_MATCHES = 5
    REVIEW_PAGE_SIZE = 10
    DASHBOARD_STUCK_DAYS = 7  # staff see open introductions unchanged for longer than this
    # Mail: every message is stored in the outbox and logged; it is sent over SMTP only when
    # MAIL_SERVER is configured (MATCHMAKER_MAIL_SERVER), so development needs no mail server.
    MAIL_SERVER: str | None = None
    MAIL_DEFAULT_SENDER = "matchmaker@gwangju-ai-complex.example"
    # Korean first: the language when neither the account nor the browser asks for another.
    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"  # dates are stored in UTC and shown in Gwangju's time


def ensure_secret_key(instance_path: Path) -> None:
    """Create ``instance/config.py`` with a random ``SECRET_KEY`` if it does not exist yet.

    The key is written once, readable only by its owner, and never committed (instance/ is ignored).
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / SECRET_FILE_NAME
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# Generated on first run. Keep it secret; it signs sessions and invitations.\n")
        handle.write(f"SECRET_KEY = {secrets.token_hex(32)!r}\n")


class SettingError(ValueError):
    """An environment variable whose value cannot be its setting's type; the app refuses to start."""


def environment_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Settings taken from the environment: ``DATABASE_URL`` and ``MATCHMAKER_<NAME>`` variables.

    ``MATCHMAKER_<NAME>`` sets ``MATCHMAKER_<NAME>`` or else ``<NAME>`` (``MATCHMAKER_LOG_LEVEL``,
    ``MATCHMAKER_MAIL_PORT``), typed like its default in `DefaultConfig`: ``false`` is False, ``5`` is 5.
    """
    overrides: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    for variable, value in environ.items():
        if not variable.startswith("MATCHMAKER_") or variable == "MATCHMAKER_":
            continue
        name = variable.removeprefix("MATCHMAKER_")
        if name == "SECURE_COOKIES":
            if parse_bool(variable, value):
                overrides["SESSION_COOKIE_SECURE"] = overrides["REMEMBER_COOKIE_SECURE"] = True
        elif name == "SECRET_KEY":
            overrides[name] = value  # always text, even when it looks like a number
        else:
            unprefixed = hasattr(DefaultConfig, name) or name.startswith("MAIL_")  # ours or Flask-Mail's
            key = name if unprefixed and not hasattr(DefaultConfig, variable) else variable
            overrides[key] = typed_value(variable, value, key)
    return overrides


def typed_value(variable: str, value: str, key: str) -> Any:
    """``value`` as the type of setting ``key``'s default (text when it defaults to None); a setting
    without a default gets JSON if it parses (as Flask's ``from_prefixed_env`` does), else the text."""
    if not hasattr(DefaultConfig, key):
        try:
            return json.loads(value)
        except ValueError:
            return value
    default = getattr(DefaultConfig, key)
    if isinstance(default, bool):
        return parse_bool(variable, value)
    try:
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError as error:
        kind = type(default).__name__
        raise SettingError(f"{variable}={value!r} is not a valid {kind}") from error
    return value


def parse_bool(variable: str, value: str) -> bool:
    """How an environment variable says yes or no; anything else is refused, not read as yes."""
    answer = value.strip().lower()
    if answer in {"1", "true", "yes", "on"}:
        return True
    if answer in {"0", "false", "no", "off", ""}:
        return False
    raise SettingError(f"{variable}={value!r}: write true or false")


def public_url(value: str) -> str:
    """``MATCHMAKER_PUBLIC_URL`` checked: ``http(s)://host[:port][/path]``, without a trailing slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise SettingError(f"MATCHMAKER_PUBLIC_URL={value!r}: write it like https://matchmaker.example")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """The host names requests may carry: the public URL's and ``MATCHMAKER_TRUSTED_HOSTS``."""
    hosts = [urlsplit(public_url(config["MATCHMAKER_PUBLIC_URL"])).hostname or ""]
    hosts += [host.strip() for host in str(config["MATCHMAKER_TRUSTED_HOSTS"]).split(",") if host.strip()]
    return list(dict.fromkeys(hosts))


def normalise_database_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def sqlite_url(instance_path: Path) -> str:
    """The embedded default database a new installation gets."""
    return f"sqlite:///{instance_path / 'matchmaker.sqlite'}"
