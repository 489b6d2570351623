"""`familyhub directory-import SOURCE`: import another Open Referral UK 3.0 directory.

SOURCE is the feed's API (its root or its /services URL), a JSON file of its pages, or a folder of
such files. Prints what changed (new, updated, unchanged, withdrawn) and what failed, naming the
record and the field. `--enqueue` hands the import to the background worker instead.
`--generate N FILE` writes a made-up feed of N services to FILE (tests, benchmarks).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyhub.directory import feedgen
from familyhub.directory.importing import start_import
from familyhub.directory.models import ImportRun, ImportStatus
from familyhub.directory.tasks import import_feed
from familyhub.places.models import Authority
from familyhub.services.selectors import deployment_authority


class Command(BaseCommand):
    help = "Import an Open Referral UK 3.0 feed (URL, file or folder) into the service directory"

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="The feed's URL, a JSON file of pages, or a folder")
        parser.add_argument("--name", default="", help="The feed's name (default: the source)")
        parser.add_argument("--authority", help="The council's ONS code (default: this one's)")
        parser.add_argument("--enqueue", action="store_true", help="Run on the background worker")
        parser.add_argument(
            "--generate",
            type=int,
            metavar="N",
            help="Write a made-up feed of N services to SOURCE (a file) and stop",
        )
        parser.add_argument("--per-page", type=int, default=500)

    def handle(self, *args, source: str, **options) -> None:
        if options["generate"]:
            self._generate(Path(source), options["generate"], options["per_page"])
            return
        authority = self._authority(options["authority"])
        run = start_import(authority_id=authority.pk, source=source, name=options["name"])
        if options["enqueue"]:
            result = import_feed.enqueue(run.pk)
            self.stdout.write(f"Queued import {run.public_id} (task {result.id}).")
            return
        started = time.perf_counter()
        import_feed.call(run.pk)
        run = ImportRun.objects.get(pk=run.pk)
        self._report(run, time.perf_counter() - started)
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.report.get("message", "The import failed"))

    def _authority(self, code: str | None) -> Authority:
        authority = Authority.objects.filter(code=code).first() if code else deployment_authority()
        if authority is None:
            raise CommandError("Say which council with --authority CODE (no single council here)")
        return authority

    def _generate(self, path: Path, count: int, per_page: int) -> None:
        path.write_text(json.dumps(feedgen.pages(feedgen.generate(count), per_page)))
        self.stdout.write(f"Wrote {count} services to {path}.")

    def _report(self, run: ImportRun, seconds: float) -> None:
        load = os.getloadavg()
        self.stdout.write(run.report.get("message", ""))
        self.stdout.write(
            f"new {run.new_count}, updated {run.updated_count}, unchanged {run.unchanged_count}, "
            f"withdrawn {run.withdrawn_count}, failed {run.failed_count} "
            f"in {seconds:.1f} s (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
        )
        for failure in run.report.get("failed", []):
            self.stdout.write(
                f"  failed: {failure['record']}: {failure['field']} {failure['message']}"
            )
        for item in run.report.get("updated", [])[:50]:
            self.stdout.write(f"  updated: {item['name']} ({', '.join(item['fields'])})")
        for name in run.report.get("withdrawn", [])[:50]:
            self.stdout.write(f"  withdrawn: {name}")
