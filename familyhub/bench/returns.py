"""`familyhub bench returns --children N [--sizes N,M] [--contacts-per-child K] [--json]`: a
month's CSDS on a synthetic health visiting register, its time and its memory as the register
grows.

Builds, in a council of its own (code BENCH-RETURNS, wiped and rebuilt each size), N children
born over the last five years, each on a health visiting caseload (an open allocation: CSDS
CYP101), with K reviews each over the year before the month (so about N*K/12 care contacts fall
in the bench month), a measurement at each 6-8 week and 2-year review. Then generates the CSDS
for the month as the task does, and reports the seconds, the rows per table and the peak of
Python memory (tracemalloc) while generating: flat as N grows means the month is streamed
(keyset pages of children, CSV tables written to files as they go). The stored zip itself is
held once at the end; its size is reported too.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.test.utils import override_settings

from familyhub.accounts.models import User
from familyhub.bench.outcomes import _FastLoad, _next_id, _reset_sequences, _Writer
from familyhub.childhealth.models import HealthVisitorAllocation, Measurement, Review, ReviewDue
from familyhub.people.identifiers import nhs_check_digit
from familyhub.people.models import Person
from familyhub.places.models import Authority
from familyhub.returns import services
from familyhub.returns.kinds import parse_period
from familyhub.returns.models import ReturnRun
from familyhub.services.models import Service, ServiceKind, Team

BENCH_CODE = "BENCH-RETURNS"
KINDS = ["new_birth", "six_eight_week", "twelve_month", "two_year"]


def add_arguments(parser: Any) -> None:
    parser.add_argument("--children", type=int, default=5_000, help="Children on the register")
    parser.add_argument(
        "--sizes", default="", help="Several register sizes, comma separated (default: --children)"
    )
    parser.add_argument("--contacts-per-child", type=int, default=4, help="Reviews a child a year")
    parser.add_argument("--month", default="2026-11", help="The CSDS month")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON")


def _wipe(authority: Authority) -> None:
    people = Person.objects.filter(authority=authority)
    for queryset in (
        ReturnRun.objects.filter(authority=authority),
        Measurement.objects.filter(person__in=people),
        Review.objects.filter(person__in=people),
        ReviewDue.objects.filter(person__in=people),
        HealthVisitorAllocation.objects.filter(person__in=people),
    ):
        queryset.delete() if queryset.model is ReturnRun else queryset._raw_delete(queryset.db)
    people._raw_delete(people.db)
    Team.objects.filter(service__authority=authority).delete()
    Service.objects.filter(authority=authority).delete()


def _nhs_number(serial: int) -> str:
    """A valid (modulus 11) NHS number from the test range 999: never a real person's."""
    while True:
        first_nine = f"999{serial % 1_000_000:06d}"
        digit = nhs_check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        serial += 1


def build(children: int, per_child: int, month_start: date, rng: random.Random) -> dict[str, Any]:
    authority, _ = Authority.objects.get_or_create(code=BENCH_CODE, defaults={"name": "Bench"})
    with _FastLoad():
        _wipe(authority)
    hv = Service.objects.create(
        authority=authority, name="Bench health visiting", kind=ServiceKind.HEALTH_VISITING
    )
    team = Team.objects.create(name="Bench HV", service=hv)
    visitor, _ = User.objects.get_or_create(
        username="bench-returns-hv", defaults={"role": "health_visitor"}
    )
    started = time.perf_counter()
    first_birth = month_start - timedelta(days=5 * 365)
    # The year of reviews ends with the bench month, so about a twelfth of them fall in it.
    year_before = month_start + timedelta(days=30) - timedelta(days=365)
    person_id, due_id = _next_id(Person), _next_id(ReviewDue)
    writers = {
        model: _Writer(model, explicit_ids=model in (Person, ReviewDue))
        for model in (Person, HealthVisitorAllocation, ReviewDue, Review, Measurement)
    }
    batch: dict[Any, list[dict[str, Any]]] = {model: [] for model in writers}
    contacts = 0
    for i in range(children):
        pk = person_id + i
        born = first_birth + timedelta(days=rng.randrange(5 * 365 - 30))
        batch[Person].append(
            {
                "id": pk,
                "authority_id": authority.pk,
                "family_name": "Bench",
                "given_name": "Child",
                "date_of_birth": born,
                "sex": rng.choice("FM"),
                "nhs_number": _nhs_number(i),
                "nhs_number_status": "01",
                "postcode": "RM17 5DQ",
                "ethnicity": "W1",
            }
        )
        batch[HealthVisitorAllocation].append(
            {
                "person_id": pk,
                "owning_service_id": hv.pk,
                "category": "health",
                "practitioner_id": visitor.pk,
                "team_id": team.pk,
                "start": born,
            }
        )
        for _ in range(per_child):
            done = max(born, year_before) + timedelta(days=rng.randrange(365))
            if done > month_start + timedelta(days=29):
                continue
            kind = rng.choice(KINDS)
            batch[ReviewDue].append(
                {
                    "id": due_id,
                    "person_id": pk,
                    "owning_service_id": hv.pk,
                    "category": "health",
                    "authority_id": authority.pk,
                    "kind": kind,
                    "window_start": done,
                    "window_end": done,
                    "late_until": done,
                    "status": "completed",
                    "recorded": True,
                    "completed_on": done,
                }
            )
            batch[Review].append(
                {
                    "person_id": pk,
                    "owning_service_id": hv.pk,
                    "category": "health",
                    "due_id": due_id,
                    "kind": kind,
                    "done_on": done,
                    "place": "home",
                    "done_by_id": visitor.pk,
                    "outcome": "completed",
                    "breastfeeding": "partial" if kind == "six_eight_week" else "",
                }
            )
            if kind in ("six_eight_week", "two_year"):
                batch[Measurement].append(
                    {
                        "person_id": pk,
                        "owning_service_id": hv.pk,
                        "category": "health",
                        "measured_on": done,
                        "due_id": due_id,
                        "weight_kg": "5.200" if kind == "six_eight_week" else "12.500",
                        "height_cm": "58.0" if kind == "six_eight_week" else "88.0",
                    }
                )
            due_id += 1
            contacts += 1
        if len(batch[Review]) >= 20_000 or i == children - 1:
            with transaction.atomic():
                for model, rows in batch.items():
                    writers[model].write(rows)
                    rows.clear()
    _reset_sequences([Person, ReviewDue, Review, Measurement, HealthVisitorAllocation])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "authority": authority,
        "children": children,
        "reviews_in_the_year": contacts,
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def _officer() -> User:
    officer, _ = User.objects.get_or_create(
        username="bench-returns-officer", defaults={"role": "commissioner"}
    )
    return officer


def measure(children: int, options: dict[str, Any]) -> dict[str, Any]:
    period = parse_period("csds", options["month"])
    built = build(
        children, options["contacts_per_child"], period.start, random.Random(options["seed"])
    )
    authority = built.pop("authority")
    run = services.return_start(kind="csds", period=period, authority=authority, by=_officer())
    tracemalloc.start()
    started = time.perf_counter()
    with override_settings(FAMILYHUB_CSDS_ORG_ID=options.get("org") or "BENCH"):
        run = services.return_generate(run)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        **built,
        "database": connection.vendor,
        "generate_seconds": round(seconds, 2),
        "peak_python_mb": round(peak / 1_000_000, 1),
        "zip_mb": round(len(bytes(run.file_bytes or b"")) / 1_000_000, 2),
        "rows": {k: v for k, v in run.counts.items() if k.startswith("CYP")},
        "failures": run.failure_count,
    }


def run(options: dict[str, Any], stdout: Any) -> None:
    sizes = [int(s) for s in str(options.get("sizes") or "").split(",") if s.strip()] or [
        int(options["children"])
    ]
    results = [measure(size, options) for size in sizes]
    if options.get("json"):
        stdout.write(json.dumps(results, indent=2))
        return
    for r in results:
        stdout.write(
            f"{r['database']}: {r['children']} children, {r['rows'].get('CYP201CareContact', 0)} "
            f"care contacts in the month: CSDS generated in {r['generate_seconds']} s, peak Python "
            f"memory {r['peak_python_mb']} MB, zip {r['zip_mb']} MB, {r['failures']} failures "
            f"(build {r['build_seconds']} s)\n"
        )
