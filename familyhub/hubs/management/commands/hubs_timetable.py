"""familyhub hubs-timetable --pdf timetable.pdf: the printable week's timetable as a file.

The page /hubs/timetable/print/ is the same timetable for a browser's Print. This command writes
the HTML, and turns it into a PDF with the machine's Chromium (no PDF library is used).
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from familyhub.hubs import selectors
from familyhub.places.models import Authority, Locality, Site


def render_timetable_document(
    *,
    authority: Authority,
    day: datetime.date,
    locality: Locality | None = None,
    site: Site | None = None,
) -> str:
    start = selectors.week_start(day)
    sessions = selectors.timetable_sessions(
        authority=authority,
        start=start,
        end=start + datetime.timedelta(days=6),
        locality=locality,
        site=site,
    )
    stylesheet_path = finders.find("govuk/familyhub.css")
    stylesheet = Path(str(stylesheet_path)).read_text(encoding="utf-8") if stylesheet_path else ""
    return render_to_string(
        "hubs/timetable_document.html",
        {
            "grid": selectors.timetable_grid(sessions, start=start),
            "start": start,
            "locality": locality,
            "site": site,
            "council_name": settings.FAMILYHUB_COUNCIL_NAME,
            "stylesheet": stylesheet.lstrip("\ufeff"),
            "printed": timezone.localdate(),
        },
    )


def chromium_path() -> str | None:
    configured = getattr(settings, "FAMILYHUB_CHROMIUM", "")
    for candidate in (configured, "/usr/bin/chromium", "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def html_to_pdf(html: str, pdf: Path) -> None:
    browser = chromium_path()
    if browser is None:
        raise CommandError("--pdf needs Chromium (/usr/bin/chromium); use --html and print it")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "timetable.html"
        source.write_text(html, encoding="utf-8")
        result = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={folder}/profile",
                f"--print-to-pdf={pdf}",
                source.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    if result.returncode != 0 or not pdf.exists():
        raise CommandError(f"Chromium could not print the PDF: {result.stderr.decode()[-300:]}")


class Command(BaseCommand):
    help = "Write a week's printable timetable as HTML or PDF (by locality or site)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", default="", help="any day of the week, YYYY-MM-DD")
        parser.add_argument("--locality", default="", help="locality name")
        parser.add_argument("--site", default="", help="site name")
        parser.add_argument("--authority", default="", help="ONS code (default: the setting)")
        parser.add_argument("--html", default="", help="write the HTML here")
        parser.add_argument("--pdf", default="", help="write a PDF here (uses Chromium)")

    def handle(self, *args, **options) -> None:
        code = options["authority"] or settings.FAMILYHUB_AUTHORITY_CODE
        authority = Authority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"--authority: no authority with code {code!r}")
        day = timezone.localdate()
        if options["week"]:
            try:
                day = datetime.date.fromisoformat(options["week"])
            except ValueError as error:
                raise CommandError(f"--week: {options['week']!r} is not YYYY-MM-DD") from error
        locality = site = None
        if options["locality"]:
            locality = Locality.objects.filter(
                authority=authority, name__iexact=options["locality"]
            ).first()
            if locality is None:
                raise CommandError(f"--locality: no locality called {options['locality']!r}")
        if options["site"]:
            site = Site.objects.filter(authority=authority, name__iexact=options["site"]).first()
            if site is None:
                raise CommandError(f"--site: no site called {options['site']!r}")
        if not options["html"] and not options["pdf"]:
            raise CommandError("Give --html PATH, --pdf PATH or both")
        html = render_timetable_document(authority=authority, day=day, locality=locality, site=site)
        if options["html"]:
            Path(options["html"]).write_text(html, encoding="utf-8")
            self.stdout.write(f"Wrote {options['html']}")
        if options["pdf"]:
            html_to_pdf(html, Path(options["pdf"]).resolve())
            self.stdout.write(f"Wrote {options['pdf']}")
