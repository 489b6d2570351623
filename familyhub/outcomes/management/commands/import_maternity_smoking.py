"""`familyhub import-maternity-smoking FILE --service "Maternity"`: import smoking status at
booking and at delivery from the maternity service's records (CSV or XLSX; the layout is in
familyhub/outcomes/maternity.py). Bad rows are listed by row and column; good rows are saved."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from familyhub.outcomes.management.commands._import_files import read_for_service, write_report
from familyhub.outcomes.maternity import import_rows


class Command(BaseCommand):
    help = "Import smoking status at booking and at delivery by mother."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--service", required=True, help="The service that holds the records")

    def handle(self, *args, **options) -> None:
        service, rows = read_for_service(Path(options["file"]), options["service"])
        report = import_rows(rows, authority_id=service.authority_id, service=service, by=None)
        write_report(
            self.stdout,
            report.problems,
            saved=report.saved,
            summary=f"{report.saved} pregnancies saved, {len(report.problems)} problems.",
        )
