"""familyhub refresh-outcomes: recompute the outcome aggregates now (in this process)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familyhub.core import indicators as registry
from familyhub.outcomes.aggregation import refresh, steps
from familyhub.places.models import Authority


class Command(BaseCommand):
    help = "Recompute the outcome indicators' pre-aggregated figures."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--authority", default="", help="ONS code (default: this council)")
        parser.add_argument("--quarters", type=int, default=8, help="Quarters back (default 8)")
        parser.add_argument("--years", type=int, default=3, help="Years back (default 3)")
        parser.add_argument("--indicator", action="append", dest="keys", help="Only this key")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]

        code = options["authority"] or settings.FAMILYHUB_AUTHORITY_CODE
        authority = Authority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"--authority: there is no council with code {code}.")
        if options["quarters"] < 1 or options["years"] < 1:
            raise CommandError("--quarters and --years must be 1 or more.")

        unknown = [k for k in options["keys"] or [] if registry.get(k) is None]
        if unknown:
            raise CommandError(f"--indicator: no indicator with the key {', '.join(unknown)}.")
        total = steps(options["keys"], quarters=options["quarters"], years=options["years"])
        started = time.perf_counter()
        written = refresh(
            authority.pk, keys=options["keys"], quarters=options["quarters"], years=options["years"]
        )
        self.stdout.write(
            f"Refreshed {total} indicator periods ({written} figures) in "
            f"{time.perf_counter() - started:.1f} s."
        )
