"""`familyhub directory-sync [--enqueue]`: the council's services and family hub session series
into the service directory (they are kept in step on save; run this nightly and after bulk loads,
which send no signals)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.directory.sync import sync_all
from familyhub.directory.tasks import sync_directory


class Command(BaseCommand):
    help = "Bring the council's services and family hub sessions into the service directory"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Run on the background worker")

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            result = sync_directory.enqueue()
            self.stdout.write(f"Queued the directory sync (task {result.id}).")
            return
        counts = sync_all()
        self.stdout.write(
            f"Directory in step with {counts['services']} services and "
            f"{counts['sessions']} session series."
        )
