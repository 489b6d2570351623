"""`familyhub import-area-figures FILE`: import published public health figures by ward or LSOA
from a Fingertips indicator file (CSV or XLSX; the layout is in familyhub/outcomes/area_figures.py):
smoking at delivery, smoking in early pregnancy, under 18 conceptions. Bad rows are listed by row
and column; good rows are saved (importing the same file again replaces its figures). Run
`familyhub refresh-outcomes` afterwards to see them on the outcomes pages."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyhub.outcomes.area_figures import import_rows
from familyhub.outcomes.management.commands._import_files import read_file, write_report
from familyhub.places.models import Authority


class Command(BaseCommand):
    help = "Import Fingertips figures by ward or LSOA (smoking in pregnancy, teenage conceptions)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--authority", help="The council's ONS code (needed only if there are several)"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        councils = Authority.objects.all()
        if options["authority"]:
            councils = councils.filter(code=options["authority"])
        if councils.count() != 1:
            raise CommandError(
                "Name the council with --authority and its ONS code"
                if councils.exists()
                else "No such council: give --authority with its ONS code."
            )
        rows = read_file(path)
        report = import_rows(rows, authority=councils.get(), source=path.name)
        write_report(
            self.stdout,
            report.problems,
            saved=report.saved,
            summary=f"{report.saved} figures saved, {report.left_out} rows for other places or "
            f"breakdowns left out, {len(report.problems)} problems.",
        )
