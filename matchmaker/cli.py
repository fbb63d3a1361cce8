"""Flask commands: ``flask --app matchmaker <command>``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext


def register_commands(app: Flask) -> None:
    """Attach every command of the project to ``app``."""
    app.cli.add_command(seed_demo_command)
    from matchmaker.cli_introductions import expire_introductions_command, send_digest_command

    app.cli.add_command(expire_introductions_command)
    app.cli.add_command(send_digest_command)
    app.cli.add_command(create_api_token_command)
    app.cli.add_command(embed_command)
    app.cli.add_command(rematch_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from matchmaker.cli_imports import import_organisations_command

    app.cli.add_command(import_organisations_command)
    from matchmaker.cli_learning import learn_space_command, learn_weights_command

    app.cli.add_command(learn_weights_command)
    app.cli.add_command(learn_space_command)
    from matchmaker.cli_jobs import jobs_group, worker_command

    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_group)
    app.cli.add_command(doctor_command)


@click.command("seed-demo")
@click.option(
    "--if-empty", is_flag=True, help="Only seed when the database holds no organisation or account."
)
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo partners, startups and one account per role (running it twice changes nothing)."""
    from matchmaker.organisations import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already holds data; demo data not loaded.")
        return
    report = demo.seed_demo()
    click.echo(
        f"Demo data: {report.organisations_created} organisations and "
        f"{report.accounts_created} accounts created (existing ones left as they were)."
    )
    if report.organisations_created:
        from matchmaker.matching import refresh as matching

        with click.progressbar(length=demo.startup_count(), label="Matching demo startups") as bar:
            matches = matching.rematch_all(progress=bar.update)
        click.echo(f"{matches} matches computed.")
    click.echo("Demo accounts (sign in on the app's /login page):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<9} {account.email:<30} password: {account.password}")


@click.command("embed")
def embed_command() -> None:
    """Embed every organisation's texts that are not stored yet (a restart re-embeds nothing)."""
    from sqlalchemy import func, select

    from matchmaker.extensions import db
    from matchmaker.matching import refresh as matching
    from matchmaker.models import Organisation

    total = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    with click.progressbar(length=total, label="Embedding profiles") as bar:
        embedded = matching.embed_all(progress=bar.update)
    click.echo(f"{embedded} new texts embedded for {total} organisations.")


@click.command("rematch")
@click.option(
    "--if-stale",
    is_flag=True,
    help="Only when some stored matches were computed by another model or engine version.",
)
def rematch_command(if_stale: bool) -> None:
    """Recompute every startup's matches with every listed partner and investor.

    After the embedding model changes, run it (``make run`` does, with --if-stale) so that no
    list mixes scores of two models.
    """
    from sqlalchemy import func, select

    from matchmaker.extensions import db
    from matchmaker.matching import refresh as matching
    from matchmaker.matching.embeddings import stored_encoder
    from matchmaker.models import Organisation
    from matchmaker.organisations import bilingual

    if if_stale:
        stale = matching.stale_matches()
        if not stale:
            click.echo("Every stored match comes from the current model; nothing to recompute.")
            return
        click.echo(f"{stale} stored matches come from another model or engine version; recomputing.")

    startups = db.session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.kind == "startup", Organisation.visibility == "listed")
    )
    with click.progressbar(length=startups or 0, label="Matching startups") as bar:
        total = matching.rematch_all(progress=bar.update)
    click.echo(f"{total} matches stored for {startups} startups.")
    aligned = bilingual.check_unaligned(stored_encoder())
    if aligned:
        click.echo(f"Language versions of {aligned} organisations compared and aligned.")


@click.command("create-api-token")
@click.argument("email")
@click.option("--name", required=True, help="What will use the token, e.g. 'CRM sync'.")
def create_api_token_command(email: str, name: str) -> None:
    """Issue an API token for the account with EMAIL and print it (the only time it is shown)."""
    from matchmaker.accounts import tokens as api_tokens
    from matchmaker.accounts import users as accounts
    from matchmaker.errors import ServiceError

    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account with the e-mail address {email}.")
    try:
        token, secret = api_tokens.create_token(user, name)
    except ServiceError as error:
        detail = "; ".join(getattr(error, "errors", {}).values()) or error.message
        raise click.ClickException(detail) from error
    click.echo(f"API token {token.name!r} for {user.email}. Store it now; it is shown only once:")
    click.echo(secret)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(target: Path) -> None:
    """Write the whole database to TARGET (SQLite: its backup API; PostgreSQL: pg_dump's custom format)."""
    from matchmaker.operations import backup

    try:
        backup.backup(target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target} ({target.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's contents.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in SOURCE."""
    from matchmaker.operations import backup

    if not yes:
        click.confirm("This replaces every row in the database with the backup's. Go on?", abort=True)
    try:
        backup.restore(source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {source}.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check what a production start needs (secret key, public URL, database, Redis, worker, mail)."""
    from matchmaker.operations.doctor import examine

    findings = examine()
    marks = {"ok": "ok     ", "warning": "warning", "error": "ERROR  "}
    for finding in findings:
        click.echo(f"{marks[finding.level]}  {finding.topic}: {finding.message}")
    errors = sum(finding.level == "error" for finding in findings)
    warnings = sum(finding.level == "warning" for finding in findings)
    click.echo(f"{errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)
