"""Configuration: defaults here, secrets from ``instance/config.py`` or ``MATCHMAKER_*`` variables."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from matchmaker.engine.encoder import DEFAULT_MODEL

SECRET_FILE_NAME = "config.py"


def _variable(name: str) -> str:
    """The environment variable of setting ``name``: ``MATCHMAKER_<NAME>``, the prefix added once."""
    return name if name.startswith("MATCHMAKER_") else f"MATCHMAKER_{name}"


class Settings(BaseSettings):
    """Every setting: its name in ``app.config``, its type and its default, declared here once.

    Each is read from the environment once, as ``MATCHMAKER_<NAME>`` (``MATCHMAKER_LOG_LEVEL`` sets
    ``LOG_LEVEL``), and typed by pydantic: ``false`` is False, ``5`` is 5, ``maybe`` stops the start.
    The README's settings table is checked against this class (tests/services/test_settings.py).
    """

    model_config = SettingsConfigDict(
        alias_generator=_variable, populate_by_name=True, case_sensitive=True, extra="ignore"
    )

    SECRET_KEY: str | None = None  # generated into instance/config.py on first run
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_DURATION: timedelta = timedelta(days=30)
    # Secure cookies everywhere with MATCHMAKER_SECURE_COOKIES=1; requests that arrive over HTTPS get
    # them anyway (matchmaker.web.security).
    SESSION_COOKIE_SECURE: bool = Field(False, alias="MATCHMAKER_SECURE_COOKIES")
    REMEMBER_COOKIE_SECURE: bool = Field(False, alias="MATCHMAKER_SECURE_COOKIES")
    WTF_CSRF_TIME_LIMIT: int | None = None  # tied to the session instead, so long forms do not expire
    MAX_CONTENT_LENGTH: int = 2 * 1024 * 1024
    MATCHMAKER_JSON_MAX_BYTES: int = 256 * 1024  # an API body; the largest profile is a few kilobytes
    DIRECTORY_PAGE_SIZE: int = 20
    # Spreadsheet imports by staff: the complex's ~350 companies fit many times over.
    MATCHMAKER_IMPORT_MAX_BYTES: int = 2 * 1024 * 1024
    MATCHMAKER_IMPORT_MAX_ROWS: int = 2000
    INVITATION_MAX_AGE_SECONDS: int = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE_SECONDS: int = 30 * 60
    # A reset request is answered after this long, known address or not (longer than writing the mail).
    PASSWORD_RESET_ANSWER_SECONDS: float = 0.3
    # Throttling (Flask-Limiter): kept in Redis when MATCHMAKER_REDIS_URL is set, in memory otherwise.
    RATELIMIT_LOGIN_ACCOUNT: str = "20 per 15 minutes"  # failed sign-ins for one e-mail address
    RATELIMIT_LOGIN_ADDRESS: str = "100 per 15 minutes"  # failed sign-ins from one network address
    RATELIMIT_SIGNUP: str = "10 per hour"  # per network address
    RATELIMIT_PASSWORD_RESET: str = "10 per hour"  # reset requests per network address
    RATELIMIT_PASSWORD_RESET_ACCOUNT: str = "3 per hour"  # reset mails asked for one e-mail address
    RATELIMIT_INVITATIONS: str = "60 per hour"  # accounts created per staff member
    RATELIMIT_TOKEN_CREATION: str = "10 per hour"  # API tokens created per account
    RATELIMIT_API: str = "300 per minute"  # API calls per token
    MATCHMAKER_EMBEDDING_MODEL: str = DEFAULT_MODEL  # multilingual USE v3; "minilm" for all-MiniLM-L6-v2
    MATCHMAKER_TORCH_THREADS: int = 1
    # Whether the lexical component also counts glossary concepts (배터리 = battery) as features. Off:
    # bench/lexical_glossary.py found English nDCG@10 0.451 -> 0.446 with it (README "Matching"). "Shared
    # words" pair 배터리 with battery either way (display only).
    MATCHMAKER_LEXICAL_GLOSSARY: bool = False
    MATCHMAKER_KRW_PER_USD: float = 1400.0  # matching compares amounts in dollars at this rate
    MATCHMAKER_DEFAULT_CURRENCY: str = "KRW"  # amounts typed without ₩ or $ are won
    MATCHMAKER_MATCHES_KEPT: int = 200  # matches explained and stored per organisation at each refresh
    # Where a worker keeps the candidates' vectors and the fitted lexical index between restarts
    # (matching/kept.py); None: instance/cache.
    MATCHMAKER_CACHE_DIR: str | None = None
    MATCHMAKER_MATCH_ON_SAVE: bool = True  # saving a profile refreshes that organisation's matches at once
    # The job queue and throttling counts; None: jobs inline, counts in each process's memory.
    MATCHMAKER_REDIS_URL: str | None = None
    MATCHMAKER_JOB_QUEUE: str = "matchmaker"  # the RQ queue (one per installation sharing a Redis)
    # Seconds before each retry of a failed job; in the environment "10,60,300".
    MATCHMAKER_JOB_RETRY_INTERVALS: Annotated[list[int], NoDecode] = [10, 60, 300]
    MATCHMAKER_JOBS_INLINE: bool = False  # run jobs inline even with Redis set (it then only throttles)
    MATCHMAKER_TRUSTED_PROXIES: int = 0  # proxies in front whose X-Forwarded-* headers are believed
    MATCHMAKER_METRICS_TOKEN: str | None = None  # bearer token for /metrics from outside loopback
    # How much a job worker yields the CPU to the web processes (added to its nice value when it starts):
    # refreshes are background work, and a page or a save should not wait for a core behind them.
    MATCHMAKER_WORKER_NICE: int = 10
    MATCHMAKER_WORKER_HEARTBEAT_TTL: int = 45  # /readyz: seconds after a worker's last beat it counts as gone
    # Where people reach the site: every link in a mail or a stored message starts with it, never with
    # the Host a request claims (issue 20). `make run` and the demo serve here.
    MATCHMAKER_PUBLIC_URL: str = "http://127.0.0.1:5000"
    # Host names a request may name besides the public URL's (comma-separated; Flask's TRUSTED_HOSTS):
    # any other Host header is answered 400. The loopback names let local health checks in.
    MATCHMAKER_TRUSTED_HOSTS: str = "localhost,127.0.0.1"
    # `flask restore` on PostgreSQL gives up (rolled back) when a table stays locked this long.
    MATCHMAKER_RESTORE_LOCK_TIMEOUT_SECONDS: int = 15
    LOG_LEVEL: str = "INFO"  # the package's log level: DEBUG, INFO, WARNING, ERROR
    # Introductions (issue 4)
    MATCHMAKER_MAX_PENDING_REQUESTS: int = 5  # open requests a startup may have waiting at once
    INTRODUCTION_EXPIRY_DAYS: int = 14  # a request nobody answers for this long expires
    DIGEST_MAX_MATCHES: int = 5
    REVIEW_PAGE_SIZE: int = 10
    DASHBOARD_STUCK_DAYS: int = 7  # staff see open introductions unchanged for longer than this
    # Mail: every message is stored in the outbox and logged; it is sent over SMTP only when
    # MAIL_SERVER is configured (MATCHMAKER_MAIL_SERVER), so development needs no mail server.
    MAIL_SERVER: str | None = None
    MAIL_DEFAULT_SENDER: str = "matchmaker@gwangju-ai-complex.example"
    # Korean first: the language when neither the account nor the browser asks for another.
    BABEL_DEFAULT_LOCALE: str = "ko"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Seoul"  # dates are stored in UTC and shown in Gwangju's time

    @field_validator("MATCHMAKER_JOB_RETRY_INTERVALS", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("MATCHMAKER_JOB_RETRY_INTERVALS")
    @classmethod
    def _never_negative(cls, value: list[int]) -> list[int]:
        return [max(0, seconds) for seconds in value] or [0]


class DefaultConfig:
    """The settings' defaults as a Flask config object (``app.config.from_object``); read-only names."""


for _name, _field in Settings.model_fields.items():
    setattr(DefaultConfig, _name, _field.get_default(call_default_factory=True))


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


def environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings taken from the environment: ``DATABASE_URL`` and the ``MATCHMAKER_<NAME>`` variables
    `Settings` declares, typed by it; Flask-Mail's own ``MATCHMAKER_MAIL_*`` pass as JSON or text."""
    overrides: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    declared = {field.alias or name for name, field in Settings.model_fields.items()}
    overrides |= typed_settings({variable: v for variable, v in environ.items() if variable in declared})
    if overrides.get("SESSION_COOKIE_SECURE") is False:  # "0" forces nothing: HTTPS requests still get them
        del overrides["SESSION_COOKIE_SECURE"], overrides["REMEMBER_COOKIE_SECURE"]
    for variable, value in environ.items():
        if variable.startswith("MATCHMAKER_MAIL_") and variable not in declared:
            try:
                overrides[variable.removeprefix("MATCHMAKER_")] = json.loads(value)
            except ValueError:
                overrides[variable.removeprefix("MATCHMAKER_")] = value
    return overrides


class _GivenValues(Settings):
    """`Settings` typing only the values it is handed: it reads no environment of its own."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def typed_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (by variable or by setting name) validated by `Settings`: only those given, typed.

    Only ``values``: pydantic-settings would also read the process's environment, which gave a test
    app's configuration (and ``environment_overrides`` of any mapping) the ``MATCHMAKER_*`` variables
    of whoever ran it, and read the environment a second time at every start."""
    try:
        settings = _GivenValues.model_validate(dict(values))
    except PydanticValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]) if first["loc"] else "?"
        raise SettingError(f"{variable}={first.get('input')!r}: {first['msg']}") from error
    given = settings.model_fields_set
    return {name: getattr(settings, name) for name in Settings.model_fields if name in given}


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
