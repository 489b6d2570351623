"""`familyhub bench births --messages N [--broken 0.1] [--json]`: N NEMS messages through the
MESH folder, end to end.

In a council of its own (code BENCH-BIRTHS, wiped first, so the bench never touches real data):
mothers on the register (bulk-created, with their match keys), then N messages written as files
to a temporary MESH inbox in the order NEMS might send them: birth notifications for those
mothers, newborn hearing, blood spot and NIPE outcomes for babies born earlier in the batch,
every kind of broken message (generator.BROKEN_KINDS, a --broken share), and some messages
delivered twice (the same file again). Then `mesh.read_folder` stores, applies and moves them
aside, timed.

Checks, not just times: every valid birth is one baby and one BirthNotification, every outcome
one NewbornOutcome, every re-delivery one stored message, and every broken message is queued
with the reason its kind expects. The load average is printed beside the figures: the machine
may be shared.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from familyhub.births import generator, mesh, nems
from familyhub.births.models import BirthNotification, MessageStatus, ReceivedMessage
from familyhub.childhealth.models import NewbornOutcome
from familyhub.childhealth.services import service_for
from familyhub.matching.keys import refresh_keys
from familyhub.people.models import Person
from familyhub.places.models import Area, Authority, Locality, PostcodeArea
from familyhub.services.models import ServiceKind, Team

BENCH_CODE = "BENCH-BIRTHS"
FAMILY_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Khan", "Ahmed", "Begum", "Okafor", "Nowak", "Kowalski", "Murphy", "Kelly", "Singh", "Ali",
]  # fmt: skip
MOTHER_NAMES = ["Sarah", "Emma", "Laura", "Aisha", "Fatima", "Zofia", "Chloe", "Jade", "Priya"]


def add_arguments(parser: Any) -> None:
    parser.add_argument("--messages", type=int, default=10_000, help="Messages to read")
    parser.add_argument("--broken", type=float, default=0.1, help="Share of broken messages")
    parser.add_argument("--redelivered", type=float, default=0.02, help="Share sent twice")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON")


def _wipe(authority: Authority) -> None:
    people = Person.objects.filter(authority=authority)
    BirthNotification.objects.filter(authority=authority).delete()
    ReceivedMessage.objects.filter(authority=authority).delete()
    NewbornOutcome.objects.filter(person__in=people).delete()
    for person in people.filter(merged_into__isnull=False):
        person.delete()
    people.delete()
    from familyhub.people.models import Household

    Household.objects.filter(authority=authority).delete()
    Team.objects.filter(service__authority=authority).delete()
    from familyhub.services.models import Service

    Service.objects.filter(authority=authority).delete()
    PostcodeArea.objects.filter(authority=authority).delete()
    Area.objects.filter(authority=authority).delete()
    Locality.objects.filter(authority=authority).delete()


def _council(rng: random.Random) -> tuple[Authority, list[str]]:
    authority, _ = Authority.objects.get_or_create(code=BENCH_CODE, defaults={"name": "Bench"})
    _wipe(authority)
    locality = Locality.objects.create(authority=authority, name="Bench locality")
    area = Area.objects.create(
        authority=authority, code="BENCHB01", name="Bench ward", locality=locality
    )
    postcodes = [f"RM{16 + i % 4} {i % 10}B{chr(65 + i % 26)}" for i in range(60)]
    PostcodeArea.objects.bulk_create(
        PostcodeArea(authority=authority, postcode=code, area=area) for code in postcodes
    )
    service = service_for(authority, ServiceKind.HEALTH_VISITING)
    Team.objects.create(name="Bench health visiting", service=service, locality=locality)
    return authority, postcodes


def _mothers(authority: Authority, count: int, postcodes: list[str], rng: random.Random):
    mothers = []
    for i in range(count):
        mothers.append(
            generator.Mother(
                given_name=rng.choice(MOTHER_NAMES),
                family_name=f"{rng.choice(FAMILY_NAMES)}{i}",
                date_of_birth=date(1980, 1, 1) + timedelta(days=rng.randrange(7000)),
                nhs_number=generator.nhs_number(rng),
                address_line1=f"{rng.randrange(1, 200)} Bench Road",
                town="Grays",
                postcode=rng.choice(postcodes),
            )
        )
    area = Area.objects.get(authority=authority, code="BENCHB01")
    created = Person.objects.bulk_create(
        Person(
            authority=authority,
            given_name=m.given_name,
            family_name=m.family_name,
            date_of_birth=m.date_of_birth,
            sex="F",
            nhs_number=m.nhs_number,
            nhs_number_status="02",
            address_line1=m.address_line1,
            town=m.town,
            postcode=m.postcode,
            area=area,
        )
        for m in mothers
    )
    refresh_keys([p.pk for p in created])
    return mothers


def _messages(count: int, mothers, rng: random.Random, broken_share: float, twice_share: float):
    """(file bytes in order, what is expected)."""
    broken_total = int(count * broken_share)
    twice_total = int(count * twice_share)
    valid_total = count - broken_total - twice_total
    births_total = int(valid_total * 0.6)
    out: list[bytes] = []
    babies: list[tuple[str, str, str, date]] = []
    births: list[bytes] = []
    expected: dict[str, Any] = {"births": 0, "outcomes": 0, "broken": {}, "redelivered": 0}
    today = timezone.localdate()
    for i in range(valid_total):
        if i < births_total and (i % 5 != 4 or not babies):
            mother = mothers[i % len(mothers)]
            born = today - timedelta(days=rng.randrange(0, 20))
            raw, number = generator.birth_for(mother, rng, born=born)
            data = json.loads(raw)
            baby = data["entry"][4]["resource"]
            babies.append((number, baby["name"][0]["given"][0], baby["name"][0]["family"], born))
            births.append(raw)
            out.append(raw)
            expected["births"] += 1
        else:
            number, given, family, born = rng.choice(babies)
            event = rng.choice(nems.OUTCOME_EVENTS)
            out.append(
                generator.outcome_message(
                    event,
                    child_nhs_number=number,
                    child_given=given,
                    child_family=family,
                    born=born,
                    record_id=f"bench-{len(out)}",
                    done_on=born + timedelta(days=1),
                    follow_up=rng.random() < 0.05,
                )
            )
            expected["outcomes"] += 1
    for j in range(broken_total):
        kind = generator.BROKEN_KINDS[j % len(generator.BROKEN_KINDS)]
        raw = generator.broken_message(kind, rng=rng, valid=rng.choice(births))
        if kind == "not_json":
            raw += f" {j}".encode()  # distinct bytes, so each is its own message
        out.insert(rng.randrange(len(out) // 2, len(out) + 1), raw)
        expected["broken"][kind] = expected["broken"].get(kind, 0) + 1
    for _ in range(twice_total):
        out.append(rng.choice(out[: len(out) // 2]))
        expected["redelivered"] += 1
    return out, expected


def _check(authority: Authority, expected: dict[str, Any]) -> dict[str, Any]:
    messages = ReceivedMessage.objects.filter(authority=authority)
    queued = messages.filter(status=MessageStatus.QUEUED)
    reasons: dict[str, int] = {}
    for reason in queued.values_list("reason", flat=True):
        reasons[reason] = reasons.get(reason, 0) + 1
    want: dict[str, int] = {}
    for kind, n in expected["broken"].items():
        reason = generator.EXPECTED_REASON[kind]
        want[reason] = want.get(reason, 0) + n
    births = BirthNotification.objects.filter(authority=authority)
    babies = births.values_list("baby_nhs_number", flat=True)
    return {
        "births_applied": births.count(),
        "births_expected": expected["births"],
        "babies_on_register": Person.objects.filter(
            authority=authority, nhs_number__in=list(babies)
        ).count(),
        "outcomes_applied": NewbornOutcome.objects.filter(person__authority=authority).count(),
        "outcomes_expected": expected["outcomes"],
        "queued_by_reason": reasons,
        "queued_expected": want,
        "still_unread": messages.filter(status=MessageStatus.RECEIVED).count(),
        "every_broken_queued_with_its_reason": reasons == want,
        "each_exactly_once": births.count() == expected["births"]
        and NewbornOutcome.objects.filter(person__authority=authority).count()
        == expected["outcomes"],
    }


def run(options: dict[str, Any], stdout) -> None:
    rng = random.Random(options["seed"])
    count = int(options["messages"])
    load_before = os.getloadavg()
    authority, postcodes = _council(rng)
    mothers = _mothers(authority, max(10, count // 3), postcodes, rng)
    files, expected = _messages(
        count, mothers, rng, float(options["broken"]), float(options["redelivered"])
    )
    with tempfile.TemporaryDirectory(prefix="bench-mesh-") as folder:
        inbox = Path(folder)
        for index, raw in enumerate(files):
            (inbox / f"{index:06d}.dat").write_bytes(raw)
        started = time.perf_counter()
        result = mesh.read_folder(inbox, authority=authority)
        seconds = time.perf_counter() - started
        left = len(mesh.waiting_files(inbox))
    figures = {
        "database": connection.vendor,
        "messages": len(files),
        "seconds": round(seconds, 2),
        "ms_per_message": round(seconds / max(1, len(files)) * 1000, 2),
        "stored": result.stored,
        "already_stored": result.already_stored,
        "moved_aside": result.moved,
        "files_left_in_inbox": left,
        "statuses": {str(k): v for k, v in result.statuses.items()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **_check(authority, expected),
    }
    if options.get("json"):
        stdout.write(json.dumps(figures, indent=2, default=str))
        return
    for key, value in figures.items():
        stdout.write(f"{key}: {value}")
