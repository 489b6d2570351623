"""`familyhub births-read [--enqueue] [--folder DIR]`: read the MESH inbox folder and apply
every stored message still waiting (those the HTTP endpoint took in as well)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from familyhub.births import mesh, services
from familyhub.births.tasks import read_births


class Command(BaseCommand):
    help = "Read NHS birth and newborn screening messages from the MESH folder and apply them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Leave it to the background worker"
        )
        parser.add_argument("--folder", help="Read this folder instead of FAMILYHUB_MESH_INBOX_DIR")

    def handle(self, *args: object, **options: object) -> None:
        if options.get("enqueue"):
            read_births.enqueue()
            self.stdout.write("Queued for the background worker.")
            return
        folder = Path(str(options["folder"])) if options.get("folder") else mesh.inbox()
        run = mesh.read_folder(folder)
        later = services.process_pending()
        statuses = dict(run.statuses)
        for status, count in later.items():
            statuses[status] = statuses.get(status, 0) + count
        shown = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        self.stdout.write(
            f"{folder}: {run.stored} new files stored, {run.already_stored} stored before, "
            f"{run.moved} moved to {mesh.PROCESSED}/. Messages: {shown or 'none waiting'}."
        )
