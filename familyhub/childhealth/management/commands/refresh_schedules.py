"""`familyhub refresh-schedules`: bring every child's review schedule up to date (run nightly).

Adds the reviews that have come within the planning horizon and re-applies births, deaths,
moves and merges that reached the register without going through childhealth.services.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.childhealth.services import schedule_refresh_authority
from familyhub.places.models import Authority


class Command(BaseCommand):
    help = "Refresh every child's Healthy Child Programme and school nursing schedule."

    def handle(self, *args, **options) -> None:
        for authority in Authority.objects.order_by("code"):
            count = schedule_refresh_authority(authority)
            self.stdout.write(f"{authority.name}: {count} schedules refreshed.")
