"""`familyhub import-eyfsp FILE --year 2025 --service "Early years"`: import a council's Early
Years Foundation Stage Profile results by child (CSV or XLSX; the layout is in
familyhub/outcomes/eyfsp.py). Bad rows are listed by row and field; good rows are saved."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from familyhub.outcomes.eyfsp import import_rows
from familyhub.outcomes.management.commands._import_files import read_for_service, write_report


class Command(BaseCommand):
    help = "Import EYFSP results by child (GLD and each early learning goal)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True, help="The summer the year ends")
        parser.add_argument("--service", required=True, help="The service that holds the results")

    def handle(self, *args, **options) -> None:
        service, rows = read_for_service(Path(options["file"]), options["service"])
        report = import_rows(
            rows, authority_id=service.authority_id, year=options["year"], service=service, by=None
        )
        write_report(
            self.stdout,
            report.problems,
            saved=report.saved,
            summary=f"{report.saved} results saved, {len(report.problems)} problems.",
        )
