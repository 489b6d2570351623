"""`familyhub import-eyfsp FILE --year 2025 --service "Early years"`: import a council's Early
Years Foundation Stage Profile results by child (CSV or XLSX; the layout is in
familyhub/outcomes/eyfsp.py). Bad rows are listed by row and field; good rows are saved."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyhub.outcomes.eyfsp import import_rows
from familyhub.people.importing import ImportFileError, read_rows
from familyhub.services.models import Service


class Command(BaseCommand):
    help = "Import EYFSP results by child (GLD and each early learning goal)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True, help="The summer the year ends")
        parser.add_argument("--service", required=True, help="The service that holds the results")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        service = Service.objects.filter(name=options["service"]).first()
        if service is None:
            raise CommandError(f"No service named {options['service']!r}.")
        try:
            rows = read_rows(path.name, path.read_bytes())
        except (OSError, ImportFileError) as error:
            raise CommandError(f"{path}: {error}")
        report = import_rows(
            rows, authority_id=service.authority_id, year=options["year"], service=service, by=None
        )
        for row, field, message in report.problems:
            self.stdout.write(f"row {row}, {field}: {message}")
        self.stdout.write(f"{report.saved} results saved, {len(report.problems)} problems.")
        if report.problems and not report.saved:
            raise CommandError("Nothing was saved.")
