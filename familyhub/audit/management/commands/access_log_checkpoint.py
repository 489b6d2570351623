"""familyhub access-log-checkpoint: write the access log head's seq and hash, signed, to the
checkpoint files outside the database (run daily; docs/ACCESS-LOG.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familyhub.audit.checkpoints import when, write_checkpoint
from familyhub.audit.tasks import write_access_log_checkpoint


class Command(BaseCommand):
    help = "Write a checkpoint of the access log's head, for verify-access-log to compare."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dir",
            default="",
            help="checkpoint directory (default FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR)",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the background task instead (a task worker writes the checkpoint)",
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if options["enqueue"]:
            result = write_access_log_checkpoint.enqueue()
            self.stdout.write(f"Checkpoint queued (task {result.id}).")
            return
        directory = options["dir"] or settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR
        try:
            checkpoint = write_checkpoint(directory)
        except OSError as error:
            raise CommandError(
                f"The checkpoint could not be written to {directory}: {error}. Check that "
                "FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR names a directory this user can write to."
            )
        self.stdout.write(
            f"Checkpoint of row {checkpoint.seq} written on {when(checkpoint.written_at)} "
            f"to {directory}/{checkpoint.file}, line {checkpoint.line}."
        )
