"""Flask commands: ``flask --app matchmaker <command>``."""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command of the project to ``app``."""
    app.cli.add_command(seed_demo_command)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database holds no organisation or account.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo partners, startups and one account per role (running it twice changes nothing)."""
    from matchmaker.services import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already holds data; demo data not loaded.")
        return
    report = demo.seed_demo()
    click.echo(
        f"Demo data: {report.organisations_created} organisations and "
        f"{report.accounts_created} accounts created (existing ones left as they were)."
    )
    click.echo("Demo accounts (sign in at http://127.0.0.1:5000/login):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.role.value:<9} {account.email:<30} password: {account.password}")
