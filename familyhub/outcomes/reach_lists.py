"""Families in greatest need of reaching (issue 17.2): lists a manager acts on.

Each list is a rule over the register. The page shows, for the council, how many people each
rule finds in each locality (counts: an internal page, no suppression), and by name only those
the manager may see (the access layer), each logged as shown. A rule that rests on data the
register does not hold says so in its note rather than guessing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from familyhub.access.layer import visible_among
from familyhub.childhealth.models import DueStatus, ReviewDue, ReviewKind
from familyhub.contacts.models import Contact
from familyhub.core.dates import add_months
from familyhub.hubs.models import Attendance, EntitlementFlag, EntitlementKind
from familyhub.people.models import Person, Registration
from familyhub.services.models import ServiceKind


@dataclass(frozen=True)
class ReachRule:
    key: str
    title: str
    note: str
    people: Callable[[int, datetime.date], QuerySet[Person]]


def _alive(authority_id: int) -> QuerySet[Person]:
    return Person.objects.filter(
        authority_id=authority_id,
        merged_into__isnull=True,
        date_of_death__isnull=True,
        is_unborn=False,
    )


def _at_hub() -> Q:
    return Q(
        Exists(
            Registration.objects.filter(
                person_id=OuterRef("pk"),
                service__kind=ServiceKind.FAMILY_HUB,
                ended_at__isnull=True,
            )
        )
    )


def under_fives_not_registered(authority_id: int, today: datetime.date) -> QuerySet[Person]:
    return _alive(authority_id).filter(date_of_birth__gt=add_months(today, -60)).exclude(_at_hub())


def registered_not_seen(authority_id: int, today: datetime.date) -> QuerySet[Person]:
    since = add_months(today, -6)
    came = Attendance.objects.filter(person_id=OuterRef("pk"), session__date__gte=since)
    seen = Contact.objects.filter(person_id=OuterRef("pk"), contact_on__gte=since)
    return _alive(authority_id).filter(_at_hub()).exclude(Exists(came)).exclude(Exists(seen))


def babies_without_new_birth_visit(authority_id: int, today: datetime.date) -> QuerySet[Person]:
    visit = ReviewDue.objects.filter(
        person_id=OuterRef("pk"), kind=ReviewKind.NEW_BIRTH, status=DueStatus.COMPLETED
    )
    return (
        _alive(authority_id)
        .filter(
            date_of_birth__lte=today - datetime.timedelta(days=14),
            date_of_birth__gt=add_months(today, -12),
        )
        .exclude(Exists(visit))
    )


def eligible_twos_not_seen(authority_id: int, today: datetime.date) -> QuerySet[Person]:
    eligible = EntitlementFlag.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        person_id=OuterRef("pk"),
        kind=EntitlementKind.TWO_YEAR_FUNDING,
        starts_on__lte=today,
    )
    came = Attendance.objects.filter(
        person_id=OuterRef("pk"), session__date__gte=add_months(today, -3)
    )
    return (
        _alive(authority_id)
        .filter(date_of_birth__lte=add_months(today, -24), date_of_birth__gt=add_months(today, -36))
        .filter(Exists(eligible))
        .exclude(Exists(came))
    )


RULES = [
    ReachRule(
        "under_fives_not_registered",
        "Children under 5 not registered at a family hub",
        "In the register, under 5 today, with no current family hub registration.",
        under_fives_not_registered,
    ),
    ReachRule(
        "registered_not_seen",
        "Registered at a family hub but not seen in 6 months",
        "No session attended and no contact recorded in the last 6 months.",
        registered_not_seen,
    ),
    ReachRule(
        "no_new_birth_visit",
        "Babies with no new birth visit",
        "Born 14 days to 12 months ago, with no completed new birth review.",
        babies_without_new_birth_visit,
    ),
    ReachRule(
        "eligible_twos_not_seen",
        "Eligible 2-year-olds not seen at a hub in 3 months",
        "Flagged for free early education for two-year-olds. Familyhub does not hold whether "
        "they take up a place, so this lists those the hubs have not seen in 3 months: a proxy.",
        eligible_twos_not_seen,
    ),
]


@dataclass
class ReachList:
    rule: ReachRule
    total: int
    by_locality: list[tuple[str, int]]
    named: list[Person]


def reach_lists(user, authority_id: int, *, limit: int = 100) -> list[ReachList]:
    today = timezone.localdate()
    lists = []
    for rule in RULES:
        people = rule.people(authority_id, today)
        localities = Counter(
            name or "No area recorded"
            for name in people.values_list("area__locality__name", flat=True)
        )
        ids = list(people.values_list("pk", flat=True))
        shown = visible_among(user, ids)
        named = list(
            Person.objects.filter(pk__in=shown).order_by("family_name", "given_name")[:limit]
        )
        lists.append(
            ReachList(
                rule=rule,
                total=len(ids),
                by_locality=sorted(localities.items()),
                named=named,
            )
        )
    return lists
