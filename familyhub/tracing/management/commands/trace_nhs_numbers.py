"""familyhub trace-nhs-numbers: queue the trace of everyone without a verified NHS number (the
same background run as the button on /tracing/), for a council's scheduler (weekly, say)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from familyhub.places.models import Authority
from familyhub.tracing.services import run_start


class Command(BaseCommand):
    help = "Queue the trace of everyone in the council without a verified NHS number."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--authority", help="the council's code (default: the only one)")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        councils = Authority.objects.all()
        if options["authority"]:
            councils = councils.filter(code=options["authority"])
        if councils.count() != 1:
            raise CommandError("Name the council with --authority CODE.")
        try:
            run = run_start(authority=councils.get(), by=None)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write(f"Queued the trace of {run.total} people (run {run.public_id}).")
