from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.core.csvfiles import CsvError, Problems
from familyhub.places.models import Authority
from familyhub.places.postcode_lookup import load_postcode_lookup, write_demo_postcodes


class Command(BaseCommand):
    # A data load needs no URL or admin checks (and should not fail on an unrelated page).
    requires_system_checks: list[str] = []
    help = (
        "Load a postcode lookup shaped like the ONS National Statistics Postcode Lookup "
        "(columns pcds, osward or wd22cd, lat, long) into the council's postcode -> area table, "
        "replacing the rows it had. Load the reference data (wards) first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The lookup CSV (ONSPD column names)")
        parser.add_argument(
            "--write-demo",
            metavar="WARDS_CSV",
            help="Instead of loading, write the demo borough's synthetic lookup to FILE from a "
            "wards file such as familyhub/places/data/reference/thurrock_wards.csv",
        )

    def handle(self, *args: object, file: str, write_demo: str | None, **options: object) -> None:
        if write_demo:
            try:
                count = write_demo_postcodes(Path(write_demo), Path(file))
            except CsvError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Wrote {count} synthetic postcodes to {file}.")
            return
        authority = Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()
        if authority is None:
            raise CommandError(
                f"There is no council with code {settings.FAMILYHUB_AUTHORITY_CODE} yet: "
                "run `familyhub load-reference DIR` first."
            )
        problems = Problems()
        try:
            count = load_postcode_lookup(file, authority=authority, problems=problems)
        except CsvError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Loaded {count} postcodes for {authority.name}.")
        for line in problems.lines():
            self.stdout.write(line)
