"""familyhub verify-access-log: recompute the access log's hash chain; exit 1 at the first
row that does not fit (changed, removed, or cut off the end)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familyhub.access.log import verify


class Command(BaseCommand):
    help = "Check that no access-log row has been changed or removed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=5000, help="rows read at a time")

    def handle(self, *args, **options) -> None:
        result = verify(batch=options["batch"])
        if not result.ok:
            raise CommandError(
                f"Access log tampered with: row {result.first_bad_seq}: {result.problem} "
                f"({result.rows} rows checked)."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {result.rows} rows checked."))
