"""familyhub hubs-reach --csv: the reach table (the unitary borough's table 3) from the record."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.core.exports import write_csv
from familyhub.hubs.selectors import ReachRow, reach_report
from familyhub.places.models import Authority

COLUMNS = [
    "centre",
    "locality",
    "reach_families",
    "reach_under_fives",
    "registration_rate",
    "engagement_rate",
]
EXTRA = ["registered", "engaged", "sessions", "outreach_sessions", "attendances"]


def _rate(value: float | None) -> str:
    # The source table leaves a rate blank when it is not known.
    return "" if value is None else f"{value:.2f}"


def reach_csv_rows(rows: list[ReachRow], *, extra: bool = False) -> list[list[str]]:
    out = []
    for row in rows:
        line = [
            row.name,
            row.locality,
            str(row.totals.families),
            str(row.totals.under_fives),
            _rate(row.totals.registration_rate),
            _rate(row.totals.engagement_rate),
        ]
        if extra:
            line += [
                str(row.totals.registered),
                str(row.totals.engaged),
                str(row.sessions),
                str(row.outreach_sessions),
                str(row.attendances),
            ]
        out.append(line)
    return out


class Command(BaseCommand):
    help = "Print the reach of every family hub (families, under-5s, registration, engagement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", action="store_true", help="CSV in the shape of table 3")
        parser.add_argument("--authority", default="", help="ONS code (default: the setting)")
        parser.add_argument("--as-of", default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--localities", action="store_true", help="one row per locality")
        parser.add_argument("--full", action="store_true", help="add counts beside the rates")

    def handle(self, *args, **options) -> None:
        code = options["authority"] or settings.FAMILYHUB_AUTHORITY_CODE
        authority = Authority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"--authority: no authority with code {code!r}")
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError(f"--as-of: {options['as_of']!r} is not YYYY-MM-DD") from error
        hubs, localities = reach_report(authority=authority, as_of=as_of)
        rows = localities if options["localities"] else hubs
        lines = reach_csv_rows(rows, extra=options["full"])
        header = COLUMNS + (EXTRA if options["full"] else [])
        if options["csv"]:
            write_csv(self.stdout, [header, *lines], lineterminator="\n")
            return
        widths = [
            max(len(h), *(len(r[i]) for r in lines)) if lines else len(h)
            for i, h in enumerate(header)
        ]
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for line in lines:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))
