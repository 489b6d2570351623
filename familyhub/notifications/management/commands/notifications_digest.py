"""familyhub notifications-digest: the daily email of notifications (run once a day by the
council's scheduler, for example cron at 07:00). It also sends any "each" email that failed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.notifications import emails
from familyhub.notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = (
        "Email each user who chose a daily digest the notifications they have not read, and "
        "send any email for a single notification that failed earlier. Run once a day."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the background task instead (a task worker sends the emails)",
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if options["enqueue"]:
            result = send_daily_digests.enqueue()
            self.stdout.write(f"Daily notification emails queued (task {result.id}).")
            return
        digests = emails.send_digests()
        missed = emails.send_missed()
        self.stdout.write(
            f"Sent {digests} daily digest{'s' if digests != 1 else ''} and {missed} "
            f"earlier email{'s' if missed != 1 else ''} that had not gone."
        )
