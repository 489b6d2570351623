"""Demo data of the directory: the council's services and the hubs' session series synced in, a
small voluntary sector directory imported from an Open Referral UK feed (made up by
directory.feedgen, some of it stale or incomplete so the editors' worklist has work), and a few
signposts by the family support worker so the signposting figures show."""

from __future__ import annotations

import datetime
import json
import random
import tempfile
from pathlib import Path
from typing import TextIO

from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.directory import feedgen
from familyhub.directory.importing import run_import, start_import
from familyhub.directory.models import DirectoryService
from familyhub.directory.permissions import signposting_teams
from familyhub.directory.services import signpost_create
from familyhub.directory.sync import sync_all
from familyhub.people.models import Person
from familyhub.places.models import Authority

FEED_NAME = "Thurrock voluntary sector directory (demo)"
FEED_SIZE = 60


def _feed() -> list[dict]:
    services = feedgen.generate(FEED_SIZE, feed="demo-vcs")
    for index, service in enumerate(services):
        if index % 6 == 0:
            service["assured_date"] = "2024-06-01"  # stale: on the editors' worklist
        if index % 10 == 3:
            service.pop("schedules")  # incomplete: "when it runs" is missing
            service["description"] = "Call for details."
    return services


def load_demo(*, authority: Authority, rng: random.Random, stdout: TextIO) -> None:
    counts = sync_all(authority)
    stdout.write(
        f"Directory: {counts['services']} council services and {counts['sessions']} session series.\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vcs.json"
        path.write_text(json.dumps(feedgen.pages(_feed(), 25)))
        run = run_import(start_import(authority_id=authority.pk, source=str(path), name=FEED_NAME))
    stdout.write(f"Directory: imported {run.new_count} voluntary sector services.\n")
    _signposts(authority, rng)


def _signposts(authority: Authority, rng: random.Random) -> None:
    worker = User.objects.filter(username=Role.FAMILY_SUPPORT_WORKER.value).first()
    if worker is None:
        return
    teams = list(signposting_teams(worker, authority.pk))
    imported = list(
        DirectoryService.objects.filter(feed__isnull=False).prefetch_related("terms")[:30]
    )
    people = list(
        Person.objects.filter(authority=authority, area__isnull=False).order_by("pk")[:400]
    )
    if not teams or not imported or not people:
        return
    today = timezone.localdate()
    for person in rng.sample(people, min(24, len(people))):
        entry = rng.choice(imported)
        signpost_create(
            person=person,
            by=worker,
            team=teams[0],
            entry=entry,
            need=entry.terms.first(),
            given_on=today - datetime.timedelta(days=rng.randint(0, 80)),
            notes="Gave the family the details.",
        )
