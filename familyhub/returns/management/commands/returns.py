"""`familyhub returns KIND --period P --out DIR`: generate a statutory return from the record.

    familyhub returns csds --month 2026-11 --out DIR
    familyhub returns ohid --period 2026/27-Q2 --out DIR
    familyhub returns sf --period 2026/27-Q2 --out DIR
    familyhub returns cin --period 2026/27 --out DIR

Writes the return's file and a failures CSV (child, record, field, message, link) into DIR, and
keeps the run for the returns page. Runs as the named user (--user, a commissioner/analyst: every
person read is logged against them), in the foreground with a progress bar.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from familyhub.accounts.roles import has_role
from familyhub.core.exports import write_csv
from familyhub.returns import services
from familyhub.returns.kinds import parse_period
from familyhub.returns.models import ReturnKind, ValidationFailure
from familyhub.returns.permissions import RETURNS_ROLES
from familyhub.services.selectors import authority_of


class Command(BaseCommand):
    help = "Generate a statutory return (csds, ohid, sf, cin) into a directory"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ReturnKind.values)
        parser.add_argument("--period", help="2026-11 (CSDS), 2026/27-Q2 (OHID, SF), 2026/27 (CIN)")
        parser.add_argument("--month", help="the CSDS month, as 2026-11 (same as --period)")
        parser.add_argument("--out", required=True, help="the directory to write the files into")
        parser.add_argument(
            "--user", required=True, help="the username of the commissioner/analyst generating it"
        )

    def handle(self, *args, **options) -> None:
        kind = options["kind"]
        text = options.get("period") or options.get("month") or ""
        try:
            period = parse_period(kind, text)
        except ValueError as error:
            raise CommandError(f"--period: {error}") from error
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None or not has_role(user, RETURNS_ROLES):
            raise CommandError("--user: give the username of a commissioner/analyst")
        authority = authority_of(user)
        if authority is None:
            raise CommandError("No council is set up yet")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        run = services.return_start(kind=kind, period=period, authority=authority, by=user)
        with tqdm(total=services.steps(run), disable=not self.stdout.isatty(), leave=False) as bar:
            run = services.return_generate(run, advance=bar.update)
        (out / run.file_name).write_bytes(bytes(run.file_bytes or b""))
        failures = out / f"{Path(run.file_name).stem}-failures.csv"
        with failures.open("w", newline="", encoding="utf-8") as handle:
            write_csv(handle, _failure_rows(run))
        self.stdout.write(
            f"{run}: {run.get_status_display()}; {run.failure_count} failures.\n"
            f"  {out / run.file_name}\n  {failures}"
        )


def _failure_rows(run):
    yield ["Team", "LocalPatientID", "Child", "Record", "Field", "Message", "Fix at"]
    rows = (
        ValidationFailure.objects.filter(run=run)
        .select_related("person", "team")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    for f in rows:
        child = f.person.display_name if f.person else ""
        team = f.team.name if f.team else ""
        yield [team, f.person_id or "", child, f.record, f.field, f.message, f.fix_url]
