from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familyhub.core.csvfiles import CsvError, Problems
from familyhub.places.models import Authority
from familyhub.services.reference import load_reference


class Command(BaseCommand):
    help = "Load a borough's wards, centres and services from CSV files (shaped like ../shared/reference/thurrock_*.csv)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "directory",
            help="A folder holding *wards*.csv, *centres*.csv and optionally *services*.csv",
        )
        parser.add_argument("--authority-name", default=settings.FAMILYHUB_COUNCIL_NAME)

    def handle(self, *args, directory: str, authority_name: str, **options) -> None:
        authority, _ = Authority.objects.get_or_create(
            code=settings.FAMILYHUB_AUTHORITY_CODE, defaults={"name": authority_name}
        )
        problems = Problems()
        try:
            report = load_reference(directory, authority=authority, problems=problems)
        except CsvError as error:
            raise CommandError(f"Nothing was loaded. {error}")
        self.stdout.write(
            f"Loaded {report.areas} areas, {report.sites} sites and {report.services} services "
            f"in {len({a.locality_id for a in authority.areas.all()})} localities."
        )
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        for line in problems.lines():
            self.stdout.write(line)
