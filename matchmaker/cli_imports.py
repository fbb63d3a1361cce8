"""``flask import-organisations FILE [--dry-run]``: the staff import, from the command line."""

from __future__ import annotations

from pathlib import Path

import click

Line = tuple[int, str, str, str]


def _lines(file: Path, dry_run: bool) -> tuple[list[Line], dict[str, int]]:
    """Each row's (number, action, name, reasons or changes) and the counts, through the import service."""
    from matchmaker.organisations import imports

    data = file.read_bytes()
    if dry_run:
        content = imports.parse_file(data, file.name)
        plans = imports.plan_rows(content)
        lines = [
            (p.row, p.action, p.name, imports.reason_text(content, p.errors, "en") or ", ".join(p.changes))
            for p in plans
        ]
        return lines, {a: sum(p.action == a for p in plans) for a in imports.ACTION_LABELS}
    record = imports.create_import(None, file.name, data)
    # Here, not on the queue: the command prints the report, and a command may load the model.
    finished = imports.run_import(record.id)
    assert finished is not None
    record = finished
    lines = [
        (
            e["row"],
            e["action"],
            e["name"],
            imports.reason_text(record.content, e["errors"], "en") or ", ".join(e["changes"]),
        )
        for e in record.report
    ]
    counts = {"create": record.created, "update": record.updated}
    return lines, counts | {"unchanged": record.unchanged, "refused": record.refused}


@click.command("import-organisations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what each row would do; write nothing.")
@click.option("--quiet", is_flag=True, help="List only the refused rows, then the counts.")
def import_organisations_command(file: Path, dry_run: bool, quiet: bool) -> None:
    """Import organisations from a CSV or XLSX FILE (the staff page's columns, Korean or English)."""
    from flask_babel import force_locale

    from matchmaker.errors import ServiceError

    with force_locale("en"):  # like every command's output; the staff page speaks Korean too
        try:
            lines, counts = _lines(file, dry_run)
        except ServiceError as error:
            raise click.ClickException(error.message) from error
    for row, action, name, detail in lines:
        if not quiet or action == "refused":
            click.echo(f"  row {row:>5}  {action:<9}  {name}" + (f"  - {detail}" if detail else ""))
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{len(lines)} rows: {counts['create']} {verb} created, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged, {counts['refused']} refused."
        + (" Nothing was written (--dry-run)." if dry_run else "")
    )
