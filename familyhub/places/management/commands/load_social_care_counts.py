from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.core.csvfiles import CsvError, Problems
from familyhub.places.models import Authority
from familyhub.places.social_care_counts import load_social_care_counts


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Load children in need and on child protection plans by area (columns area_code, "
        "children_in_need, child_protection_plans, optional as_at) for the needs analysis."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The counts CSV")

    def handle(self, *args: object, file: str, **options: object) -> None:
        authority = Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()
        if authority is None:
            raise CommandError(
                f"There is no council with code {settings.FAMILYHUB_AUTHORITY_CODE} yet: "
                "run `familyhub load-reference DIR` first."
            )
        problems = Problems()
        try:
            count = load_social_care_counts(file, authority=authority, problems=problems)
        except CsvError as error:
            raise CommandError(str(error)) from error
        for line in problems.lines():
            self.stdout.write(line)
        self.stdout.write(f"Loaded counts for {count} areas of {authority.name}.")
        if problems and not count:
            raise CommandError("Nothing was loaded.")
