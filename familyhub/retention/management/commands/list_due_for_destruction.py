"""familyhub list-due-for-destruction: list the records whose retention period has ended, for
the information governance lead to approve or reject at /retention/ (run nightly)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from familyhub.retention.services import list_due
from familyhub.retention.tasks import finish_interrupted, list_records_due_for_destruction


class Command(BaseCommand):
    help = "List records due for destruction under the retention schedules (nothing is destroyed)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--enqueue", action="store_true", help="queue the background task")
        parser.add_argument("--on", default="", help="as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if options["enqueue"]:
            result = list_records_due_for_destruction.enqueue()
            self.stdout.write(f"Listing queued (task {result.id}).")
            return
        today = None
        if options["on"]:
            try:
                today = datetime.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date written YYYY-MM-DD, for example 2031-04-01")
        finished = finish_interrupted()
        if finished:
            self.stdout.write(f"Finished {finished} approved batch(es) left part-way.")
        batches = list_due(today)
        if not batches:
            self.stdout.write("Nothing is due for destruction.")
        for batch in batches:
            self.stdout.write(
                f"{batch.authority}: {batch.items.count()} records listed for the information "
                f"governance lead (batch {batch.public_id})."
            )
