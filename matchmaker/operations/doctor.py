"""``flask doctor``: what a production start needs, checked before the first user finds out.

Each finding is an error (the service would misbehave: links with the wrong host, mail never sent,
jobs never run) or a warning (it works, but not as a production service should). The command exits 1
when there is an error, so a deployment script can stop on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from matchmaker.operations import health


@dataclass(frozen=True)
class Finding:
    """One thing checked: ``ok``, ``warning`` or ``error``, and what to do about it."""

    level: str
    topic: str
    message: str


def examine() -> list[Finding]:
    """Every check, in the order a person would fix them."""
    config = current_app.config
    findings: list[Finding] = []

    def add(level: str, topic: str, message: str) -> None:
        findings.append(Finding(level, topic, message))

    secret = str(config.get("SECRET_KEY") or "")
    if len(secret) < 32:
        add("error", "secret key", "SECRET_KEY is shorter than 32 characters; set MATCHMAKER_SECRET_KEY.")
    else:
        add("ok", "secret key", "set")

    public_url = str(config.get("MATCHMAKER_PUBLIC_URL") or "")
    parts = urlsplit(public_url)
    if not public_url or not parts.netloc or parts.hostname in {"127.0.0.1", "localhost", "::1"}:
        add(
            "error",
            "public URL",
            f"MATCHMAKER_PUBLIC_URL is {public_url or 'not set'}: links in mail (invitations, password "
            "resets) need the address people reach the service at, e.g. https://matchmaker.example.kr",
        )
    elif parts.scheme != "https":
        add("warning", "public URL", f"{public_url} is not https: cookies would cross the network in clear.")
    else:
        add("ok", "public URL", public_url)

    database_url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if database_url.startswith("sqlite"):
        add(
            "warning",
            "database",
            "SQLite: fine for one machine and a few users; use PostgreSQL (DATABASE_URL).",
        )
    for check in (health.check_database(), health.check_migrations()):
        if check.ok:
            add("ok", check.name, "answers" if check.name == "database" else "current")
        else:
            hint = "run `flask db upgrade`" if check.name == "migrations" else "check DATABASE_URL"
            add("error", check.name, f"{check.detail}; {hint}")

    if not config.get("MATCHMAKER_REDIS_URL"):
        add(
            "warning",
            "redis",
            "MATCHMAKER_REDIS_URL is not set: matching runs inside web requests and throttling counts "
            "are per process.",
        )
    else:
        redis = health.check_redis()
        if redis is not None and not redis.ok:
            add("error", "redis", f"{config['MATCHMAKER_REDIS_URL']} does not answer ({redis.detail}).")
        else:
            add("ok", "redis", "answers")
            worker = health.check_worker()
            if worker is not None and not worker.ok:
                add(
                    "warning",
                    "worker",
                    f"{worker.detail}; start `flask worker` (deploy/matchmaker-worker.service).",
                )
            elif worker is not None:
                add("ok", "worker", worker.detail)

    if not config.get("MAIL_SERVER"):
        add(
            "error",
            "mail",
            "MATCHMAKER_MAIL_SERVER is not set: mail stays in the outbox and nobody receives it.",
        )
    else:
        add("ok", "mail", str(config["MAIL_SERVER"]))

    if not config.get("SESSION_COOKIE_SECURE"):
        add(
            "warning",
            "cookies",
            "MATCHMAKER_SECURE_COOKIES is off: behind TLS, set it to 1 (and MATCHMAKER_TRUSTED_PROXIES=1 "
            "behind nginx).",
        )
    else:
        add("ok", "cookies", "Secure")
    return findings
