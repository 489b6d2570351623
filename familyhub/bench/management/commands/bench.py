"""`familyhub bench NAME [options]`: runs one of the benchmarks in familyhub.bench."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.bench import births, matching, outcomes, pages, returns

Handler = Callable[[dict[str, Any], Any], None]

BENCHES: dict[str, tuple[str, Callable[[Any], None], Handler]] = {
    "births": (
        "N NEMS birth and newborn screening messages through the MESH folder, checked",
        births.add_arguments,
        births.run,
    ),
    "febrl": (
        "Pairwise precision, recall and F1 on FEBRL3 (dedupe) and FEBRL4 (linkage)",
        matching.add_febrl_arguments,
        matching.handle_febrl,
    ),
    "matching": (
        "Real-time search latency and batch dedupe on a synthetic register of N people",
        matching.add_matching_arguments,
        matching.handle_matching,
    ),
    "outcomes": (
        "Synthetic contacts, then outcome refresh time and dashboard page time",
        outcomes.add_arguments,
        outcomes.run,
    ),
    "returns": (
        "A month's CSDS on a synthetic health visiting register: seconds and peak memory by size",
        returns.add_arguments,
        returns.run,
    ),
    "pages": (
        "Worklist pages under N concurrent signed-in users (gunicorn, p95 and pages/s)",
        pages.add_arguments,
        pages.handle,
    ),
}


class Command(BaseCommand):
    help = "Run a benchmark: familyhub bench NAME --help lists its options."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="bench", metavar="NAME", required=True)
        for name, (help_text, add_arguments, _) in BENCHES.items():
            add_arguments(subparsers.add_parser(name, help=help_text, description=help_text))

    def handle(self, *args: object, **options: object) -> None:
        name = str(options.get("bench") or "")
        if name not in BENCHES:
            raise CommandError(f"No benchmark called {name!r}.")
        BENCHES[name][2](dict(options), self.stdout)
