from __future__ import annotations

import argparse
import datetime
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from familyhub.demo import synth
from familyhub.matching.keys import refresh_all_keys
from familyhub.places.models import Authority


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if not 0 <= share < 1:
        raise argparse.ArgumentTypeError("must be a share from 0 up to 1, for example 0.05")
    return share


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-01") from None


class Command(BaseCommand):
    # A generator of invented people needs no URL or admin checks; skipping them saves start-up.
    requires_system_checks: list[str] = []
    help = (
        "Make a synthetic population of households in the borough's areas, with a share of "
        "near-duplicate registrations labelled with the true person. With --out, write a CSV; "
        "otherwise add the people to the database. The same seed gives the same people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=_count,
            required=True,
            help="How many records, duplicates included",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--duplicates",
            type=_share,
            default=0.05,
            help="Share of records that are near-duplicates (default 0.05)",
        )
        parser.add_argument("--out", help="Write a CSV here instead of filling the database")
        parser.add_argument(
            "--truth-out",
            help="Write (person_id, true_person_id) pairs for the near-duplicates here",
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            help=f"Ages are as on this date (default: {synth.DEFAULT_AS_OF} for a file, today for the database)",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")
        parser.add_argument(
            "--skip-match-keys",
            action="store_true",
            help="Do not rebuild the duplicate search's match keys after filling the database",
        )

    def handle(self, *args: object, **options: object) -> None:
        people = int(options["people"])  # type: ignore[call-overload]
        seed = int(options["seed"])  # type: ignore[call-overload]
        rate = float(options["duplicates"])  # type: ignore[arg-type]
        out = options.get("out")
        truth_out = options.get("truth_out")
        as_of: datetime.date | None = options.get("as_of")  # type: ignore[assignment]
        show = not options["no_progress"] and sys.stderr.isatty()
        authority = self._authority()
        if out:
            areas = self._areas(authority)
            bar = None
            if show:
                from tqdm import tqdm

                bar = tqdm(total=people, desc="People", unit=" people", leave=False)
            stats = synth.write_csv(
                str(out),
                people,
                seed=seed,
                duplicate_rate=rate,
                areas=areas,
                as_of=as_of,  # type: ignore[arg-type]
                progress=bar.update if bar is not None else None,
            )
            if bar is not None:
                bar.close()
            self.stdout.write(f"Wrote {stats} to {out}.")
            if truth_out:
                count = synth.write_truth(str(truth_out), stats.truth)
                self.stdout.write(f"Wrote {count} duplicate pairs to {truth_out}.")
            return
        if authority is None:
            raise CommandError(
                f"There is no council with code {settings.FAMILYHUB_AUTHORITY_CODE} in the database: "
                "run `familyhub load-reference DIR` (and `familyhub load-postcodes FILE`) first, "
                "or use --out FILE to write a CSV."
            )
        stats = synth.fill_database(
            people,
            authority=authority,
            seed=seed,
            duplicate_rate=rate,
            as_of=as_of,
            progress=show,  # type: ignore[arg-type]
        )
        self.stdout.write(f"Added {stats} to the database.")
        if not options["skip_match_keys"]:
            self._refresh_match_keys()
        if truth_out:
            count = synth.write_truth(str(truth_out), stats.truth)
            self.stdout.write(f"Wrote {count} duplicate pairs (database ids) to {truth_out}.")

    def _refresh_match_keys(self) -> None:
        # The duplicate search reads precomputed keys; a batch load refreshes them once.
        self.stdout.write("Refreshing the match keys...")
        refresh_all_keys(stdout=self.stdout)

    def _authority(self):  # type: ignore[no-untyped-def]

        try:
            return Authority.objects.filter(code=settings.FAMILYHUB_AUTHORITY_CODE).first()
        except DatabaseError:
            return None  # not migrated: a file can still be made

    def _areas(self, authority) -> list[synth.SynthArea] | None:  # type: ignore[no-untyped-def]
        if authority is None:
            return None
        try:
            return synth.areas_from_database(authority) or None
        except DatabaseError:
            return None
