"""Scheduler commands for introductions: ``expire-introductions`` and ``send-digest``."""

from __future__ import annotations

import click


@click.command("expire-introductions")
def expire_introductions_command() -> None:
    """Expire requests nobody answered for 14 days and release introductions waiting for capacity.

    Meant for a daily scheduler (cron, systemd timer); running it twice does nothing new.
    """
    from matchmaker.introductions.requests import expire_stale

    expired = expire_stale()
    click.echo(f"{expired} introduction{'' if expired == 1 else 's'} expired.")


@click.command("send-digest")
@click.option(
    "--limit",
    type=click.IntRange(1, 50),
    default=None,
    help="Matches per message (default DIGEST_MAX_MATCHES).",
)
def send_digest_command(limit: int | None) -> None:
    """Send each member their best new matches (only ones not sent before)."""
    from matchmaker.matching.digest import send_digest

    report = send_digest(limit)
    plural = "" if report.messages == 1 else "s"
    click.echo(f"{report.messages} digest{plural} with {report.matches} matches written.")
