"""`familyhub import people FILE.csv|FILE.xlsx`: import people from a file, with a progress bar.

Rows that fail the checks are not imported; they are written beside the file as
FILE-to-correct.csv with an 'errors' column, to be corrected and imported again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyhub.accounts.models import User
from familyhub.core.progress import terminal_progress
from familyhub.people import importing
from familyhub.people.selectors import registering_team
from familyhub.services.selectors import authority_of


class Command(BaseCommand):
    help = "Import people from a CSV (UTF-8) or .xlsx file: familyhub import people FILE"

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["people"], help="What the file holds")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="Use COLUMN for FIELD (for example --map family_name=Last). Repeatable.",
        )
        parser.add_argument("--user", help="Username recorded as the importer")
        parser.add_argument(
            "--check-only", action="store_true", help="Check the rows, import nothing"
        )

    def handle(self, *args, **options) -> None:

        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No such user: {options['user']}")
        try:
            rows = importing.read_rows(path.name, path.read_bytes())
            mapping = importing.auto_mapping(rows[0])
            for item in options["map"]:
                field, _, column = item.partition("=")
                if field not in importing.FIELDS:
                    raise CommandError(
                        f"--map {item}: unknown field {field!r}; fields: {', '.join(importing.FIELDS)}"
                    )
                mapping[field] = column
            person_import = importing.prepare_import(
                authority=authority_of(user),
                by=user,
                filename=path.name,
                data=path.read_bytes(),
                mapping=mapping,
            )
        except importing.ImportFileError as error:
            raise CommandError(f"{path.name}: {error}")
        total = len(person_import.rows) - 1
        bad = len(person_import.bad_rows)
        self.stdout.write(
            f"{path.name}: {total} rows, {total - bad} pass the checks, {bad} need correcting"
        )
        for row in person_import.bad_rows[:20]:
            problems = "; ".join(f"{k}: {v}" for k, v in row["errors"].items())
            self.stdout.write(f"  row {row['row']}: {problems}")
        if not options["check_only"]:
            done = importing.run_import(
                person_import,
                by=user,
                team=registering_team(user) if user else None,
                progress=lambda rows: terminal_progress(
                    rows, total=total - bad, desc="Importing", enabled=sys.stderr.isatty()
                ),
            )
            self.stdout.write(
                f"Imported {done.created_count} new people; linked {done.linked_count} already registered."
            )
        if person_import.bad_rows:
            out = path.with_name(f"{path.stem}-to-correct.csv")
            # With a byte order mark, as downloads have it, so Excel reads Zoë as Zoë.
            out.write_text(importing.bad_rows_csv(person_import, bom=True), encoding="utf-8")
            self.stdout.write(f"Rows to correct written to {out}")
