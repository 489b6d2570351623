"""`familyhub import-maternity-smoking FILE --service "Maternity"`: import smoking status at
booking and at delivery from the maternity service's records (CSV or XLSX; the layout is in
familyhub/outcomes/maternity.py). Bad rows are listed by row and column; good rows are saved."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyhub.outcomes.maternity import import_rows
from familyhub.people.importing import ImportFileError, read_rows
from familyhub.services.models import Service


class Command(BaseCommand):
    help = "Import smoking status at booking and at delivery by mother."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--service", required=True, help="The service that holds the records")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        service = Service.objects.filter(name=options["service"]).first()
        if service is None:
            raise CommandError(f"No service named {options['service']!r}.")
        try:
            rows = read_rows(path.name, path.read_bytes())
        except (OSError, ImportFileError) as error:
            raise CommandError(f"{path}: {error}")
        report = import_rows(rows, authority_id=service.authority_id, service=service, by=None)
        for row, column, message in report.problems:
            self.stdout.write(f"row {row}, {column}: {message}")
        self.stdout.write(f"{report.saved} pregnancies saved, {len(report.problems)} problems.")
        if report.problems and not report.saved:
            raise CommandError("Nothing was saved.")
