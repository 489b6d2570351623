"""`familyhub bench NAME [options]`: runs a benchmark a part registered in core.bench."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.core import bench


class Command(BaseCommand):
    help = "Run a benchmark: familyhub bench NAME --help lists its options."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="bench", metavar="NAME", required=True)
        for name, entry in bench.benches().items():
            sub = subparsers.add_parser(name, help=entry.help, description=entry.help)
            if entry.add_arguments is not None:
                entry.add_arguments(sub)

    def handle(self, *args: object, **options: object) -> None:
        name = str(options.get("bench") or "")
        entry = bench.benches().get(name)
        if entry is None:
            raise CommandError(f"No benchmark called {name!r}.")
        entry.handler(dict(options), self.stdout)
