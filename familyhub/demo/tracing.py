"""Demo data for NHS number tracing: the NHS NUMBER STATUS of the register on day one, spread as a
council's would be (health visiting gets its numbers from birth notifications, so nearly all are
verified; family hubs and early help record what families tell them, so fewer), and a handful of
traces that found a differing number, waiting in the review list."""

from __future__ import annotations

import functools
import operator
import random
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from familyhub.access.layer import visible_people
from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.people.models import NhsNumberStatus, Person
from familyhub.tracing.models import Trace, TraceState
from familyhub.tracing.pds import PdsPatient
from familyhub.tracing.selectors import children_born_after
from familyhub.tracing.standin import made_up_number
from familyhub.tracing.work import Found, trace_apply

# The share of people whose number a trace (or the NHS) has verified, by age: babies' numbers
# come from their birth notification, older children's from what families and schools said.
VERIFIED_SHARE = ((5, 0.95), (12, 0.89), (18, 0.83))
ADULT_SHARE = 0.72
# Localities differ (a hub that traced its families last year, one that never has).
LOCALITY_SPREAD = 0.05
REVIEWS = 8


def _share(born, today, locality_id: int | None) -> float:
    age = (today - born).days // 365 if born else 99
    share = next((share for under, share in VERIFIED_SHARE if age < under), ADULT_SHARE)
    offset = ((locality_id or 0) * 37 % 11 - 5) / 5 * LOCALITY_SPREAD
    return min(0.99, max(0.5, share + offset))


@transaction.atomic
def _statuses(authority, rng: random.Random) -> int:
    """The status each record holds on day one, and the numbers birth notifications gave babies
    the register had none for. Set in bulk, like the synthetic register's other fields: these
    are what the register already knew, not changes anyone made today."""
    today = timezone.localdate()
    wanted: dict[str, list[int]] = defaultdict(list)
    numbers: dict[int, str] = {}
    people = Person.objects.filter(authority=authority, merged_into__isnull=True, is_unborn=False)
    rows = people.values_list("pk", "public_id", "nhs_number", "date_of_birth", "area__locality_id")
    for pk, public_id, number, born, locality_id in rows.iterator():
        share = _share(born, today, locality_id)
        if not number and born and (today - born).days < 5 * 365 and rng.random() < 0.85:
            number = numbers[pk] = made_up_number(f"demo-birth:{public_id}")
        status: str
        if number:
            status = (
                NhsNumberStatus.VERIFIED if rng.random() < share else NhsNumberStatus.NOT_TRACED
            )
        else:
            status = NhsNumberStatus.NO_MATCH if rng.random() < 0.3 else ""
        wanted[status].append(pk)
    for status, ids in wanted.items():
        for start in range(0, len(ids), 5000):
            Person.objects.filter(pk__in=ids[start : start + 5000]).update(nhs_number_status=status)
    for pk, number in numbers.items():
        Person.objects.filter(pk=pk).update(nhs_number=number)
    return sum(len(ids) for status, ids in wanted.items() if status == NhsNumberStatus.VERIFIED)


def _reviews(authority, rng: random.Random) -> int:
    """A few traces whose answer differs from the register, through the tracing part's own
    writes (logged), for the review list."""
    by = User.objects.filter(username=Role.HEALTH_VISITOR.value).first()
    leader = User.objects.filter(username=Role.TEAM_LEADER.value).first()
    # Children the demo's team leader and health visitor see, so both find them in the list.
    seen = [visible_people(user).values("pk") for user in (leader, by) if user is not None]
    candidates = list(
        Person.objects.filter(
            functools.reduce(operator.or_, [Q(pk__in=pks) for pks in seen], Q(pk__in=[])),
            authority=authority,
            nhs_number_status=NhsNumberStatus.NOT_TRACED,
            date_of_birth__gt=children_born_after(),
        )
        .exclude(nhs_number="")
        .order_by("pk")[:400]
    )
    made = 0
    for person in rng.sample(candidates, min(REVIEWS, len(candidates))):
        other = made_up_number(f"demo-review:{person.public_id}")
        patient = PdsPatient(
            nhs_number=other,
            verification="01",
            family_name=person.family_name,
            given_names=(person.given_name,),
            birth_date=person.date_of_birth.isoformat() if person.date_of_birth else "",
            gender="",
            postcode=person.postcode,
            restricted=False,
            score=1.0,
        )
        trace = Trace.objects.create(
            person=person, requested_by=by, register_number=person.nhs_number
        )
        trace_apply(
            trace,
            Found(
                TraceState.REVIEW,
                "search",
                patient,
                detail="PDS finds a different NHS number for these details",
            ),
            by=by,
        )
        made += 1
    return made


def load_demo(*, authority, rng: random.Random, stdout: Any) -> None:
    verified = _statuses(authority, rng)
    reviews = _reviews(authority, rng)
    stdout.write(f"  {verified} NHS numbers verified; {reviews} differing numbers to review.\n")
