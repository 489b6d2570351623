"""`familyhub load-continuum --families-first [--authority CODE]`: give a council its own
continuum of need in the Families First Partnership shape (universal, early help, Family Help,
child protection), to edit in the admin. A council with levels of its own is left as it is."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familyhub.places.models import Authority
from familyhub.referrals.continuum import load_families_first


class Command(BaseCommand):
    help = "Load the Families First continuum of need (Family Help) for a council."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--families-first", action="store_true", required=True)
        parser.add_argument("--authority", help="The council's code (default: every council)")

    def handle(self, *args, **options) -> None:
        councils = Authority.objects.order_by("code")
        if options["authority"]:
            councils = councils.filter(code=options["authority"])
            if not councils.exists():
                raise CommandError(f"No council with the code {options['authority']}.")
        for authority in councils:
            made = load_families_first(authority)
            if made:
                self.stdout.write(f"{authority.name}: {made} levels of the Families First shape.")
            else:
                self.stdout.write(f"{authority.name}: has its own continuum; left as it is.")
