"""familyhub verify-access-log: recompute the access log's keyed hash chain and compare it with
the chain head and every checkpoint; exit 1 at the first row that does not fit (changed, removed,
forged) and at any checkpoint the rows contradict (rows cut off the end, the log rewritten)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from familyhub.audit.log import verify


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n:,} {thing}s"


class Command(BaseCommand):
    help = "Check that no access-log row has been changed, removed or cut off the end."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--batch", type=int, default=5000, help="rows read at a time")
        parser.add_argument(
            "--checkpoints",
            default="",
            help="checkpoint directory, e.g. a copy kept elsewhere "
            "(default FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR)",
        )
        parser.add_argument(
            "--require-checkpoints",
            action="store_true",
            help="fail when there are no checkpoints (recommended in production)",
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        directory = options["checkpoints"] or settings.FAMILYHUB_ACCESS_LOG_CHECKPOINT_DIR
        result = verify(batch=options["batch"], checkpoint_dir=directory)
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        if not result.ok:
            listed = "\n".join(f"- {problem}" for problem in result.problems)
            raise CommandError(
                f"The access log has been tampered with ({_count(result.rows, 'row')} and "
                f"{_count(result.checkpoints, 'checkpoint')} checked):\n{listed}"
            )
        if options["require_checkpoints"] and not result.checkpoints:
            raise CommandError(
                f"No checkpoints were found in {directory}: without them rows cut off the end "
                "of the log cannot be detected."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {_count(result.rows, 'row')} checked against the keyed "
                f"chain, the chain head and {_count(result.checkpoints, 'checkpoint')}."
            )
        )
