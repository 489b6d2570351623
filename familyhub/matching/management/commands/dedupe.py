"""`familyhub dedupe`: find likely duplicates in the register and queue them for review; or, with
--input, measure the same engine on a labelled CSV."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyhub.matching import dedupe
from familyhub.matching.batch import InputError


def _share(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CommandError(f"--threshold: '{value}' is not a number.") from None
    if not 0 < number < 1:
        raise CommandError("--threshold must be a probability between 0 and 1, e.g. 0.8.")
    return number


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a whole number.") from None
    if number < 0:
        raise CommandError("The number must be 0 or more.")
    return number


class Command(BaseCommand):
    help = (
        "Find likely duplicate people across the register and put them in the review queue "
        "(training the match model first). With --input FILE.csv --truth COLUMN, run the same "
        "engine on a CSV with the synthetic generator's columns and report pairwise precision, "
        "recall and F1, seconds and peak memory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", help="A CSV with the synthetic generator's columns")
        parser.add_argument("--truth", help="The CSV column holding the true person")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")
        parser.add_argument(
            "--threshold", type=_share, help="Link pairs at or above this probability"
        )
        parser.add_argument(
            "--simulate-review",
            type=_count,
            default=0,
            metavar="N",
            help="Answer N review-queue pairs from the truth column, retrain, report F1 before and after",
        )
        parser.add_argument(
            "--no-train", action="store_true", help="Register: keep the current model"
        )
        parser.add_argument("--threads", type=_count, default=2)
        parser.add_argument(
            "--trainer",
            choices=("splink", "engine"),
            default="splink",
            help="Who estimates the model's m and u: Splink 5 (default) or the batch engine's "
            "own counts",
        )
        parser.add_argument(
            "--scorer",
            choices=("splink", "engine"),
            default="splink",
            help="Who scores the candidate pairs: Splink's predict() (default) or the batch "
            "engine's own DuckDB scorer (same results, faster)",
        )

    def handle(self, *args: object, **options: object) -> None:

        path = options.get("input")
        truth = options.get("truth")
        if options["simulate_review"] and not (path and truth):
            raise CommandError("--simulate-review needs --input and --truth.")
        if truth and not path:
            raise CommandError("--truth needs --input.")
        threads = max(1, int(options["threads"]))  # type: ignore[call-overload]
        if path:
            if not Path(str(path)).is_file():
                raise CommandError(f"--input: no file at {path}.")
            try:
                report = dedupe.run_file(
                    str(path),
                    truth=str(truth) if truth else None,
                    threshold=options.get("threshold"),  # type: ignore[arg-type]
                    simulate_review=int(options["simulate_review"]),  # type: ignore[call-overload]
                    threads=threads,
                    trainer=str(options["trainer"]),
                    scorer=str(options["scorer"]),
                )
            except InputError as exc:
                raise CommandError(str(exc)) from None
        else:
            report = dedupe.run_register(
                train=not options["no_train"],
                threshold=options.get("threshold"),  # type: ignore[arg-type]
                threads=threads,
                trainer=str(options["trainer"]),
                scorer=str(options["scorer"]),
            )
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        self._plain(report)

    def _plain(self, report: dict) -> None:
        write = self.stdout.write
        write(
            f"Records: {report['records']:,}; candidate pairs: {report.get('candidate_pairs', 0):,}"
        )
        problems = report.get("problems") or {}
        if problems.get("count"):
            count = problems["count"]
            write(f"{count:,} value{'s' if count != 1 else ''} in the file could not be used:")
            for item in problems["rows"][:20]:
                field = f", column '{item['field']}'" if item["field"] else ""
                write(f"  row {item['row']}{field}: {item['problem']}")
            if count > 20:
                write(f"  ... and {count - 20:,} more (--json lists the first 1,000).")
        if "trainer" in report:
            write(f"Trained by {report['trainer']}, scored by {report.get('scorer', 'engine')}")
        if "metrics" in report:
            m = report["metrics"]
            write(f"Pairwise precision {m['precision']}, recall {m['recall']}, F1 {m['f1']}")
        if "queued" in report:
            write(
                f"Added {report['queued']:,} pairs to the review queue; {report['pending']:,} wait for review."
            )
        if "review" in report:
            r = report["review"]
            write(
                f"After {r['labelled_pairs']} reviewed pairs: F1 {r['f1_before']} -> "
                f"{r['f1_after_retraining']} (retrained) -> {r['f1_after_retraining_and_decisions']} "
                "(with the decisions applied)"
            )
        write(
            f"{report['seconds']} s, peak memory {report.get('peak_memory_mb', '?')} MB (max RSS)"
        )
