"""Reads that cross rows in the people part."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from familyhub.people.models import (
    Household,
    HouseholdMembership,
    MergeRecord,
    Person,
    PersonChange,
    Relationship,
)
from familyhub.people.nicknames import are_variants
from familyhub.places.models import Authority, Site
from familyhub.places.postcodes import normalise_postcode
from familyhub.services.models import Service


def authority_of(user=None) -> Authority:
    """The authority a person works for: their team's service's, else the deployment's own
    (one per deployment; the code comes from settings)."""
    if user is not None and getattr(user, "is_authenticated", False):
        from familyhub.services.selectors import services_of

        service = services_of(user).select_related("authority").order_by("pk").first()
        if service is not None:
            return service.authority
    authority, _ = Authority.objects.get_or_create(
        code=settings.FAMILYHUB_AUTHORITY_CODE, defaults={"name": settings.FAMILYHUB_AUTHORITY_CODE}
    )
    return authority


def registering_unit(user) -> tuple[Site | None, Service | None]:
    """The site and service a registration by this person is recorded against: their first
    current team's base and service (reception staff belong to one hub's team)."""
    from familyhub.services.selectors import teams_of

    team = teams_of(user).order_by("pk").first()
    if team is None:
        return None, None
    return team.base, team.service


def current_household(person: Person) -> Household | None:
    membership = (
        HouseholdMembership.objects.filter(person=person, end__isnull=True)
        .select_related("household")
        .order_by("-start", "-pk")
        .first()
    )
    return membership.household if membership else None


def household_members(household: Household) -> QuerySet[HouseholdMembership]:
    return (
        household.memberships.filter(end__isnull=True)
        .select_related("person")
        .order_by("person__date_of_birth")
    )


def household_sizes(person_ids: list[int]) -> dict[int, int]:
    """Size of each person's current household, in one query."""
    rows = (
        HouseholdMembership.objects.filter(person_id__in=person_ids, end__isnull=True)
        .values("person_id")
        .annotate(size=Count("household__memberships", filter=Q(household__memberships__end=None)))
    )
    return {row["person_id"]: row["size"] for row in rows}


def relationships_of(person: Person) -> QuerySet[Relationship]:
    return Relationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person", "relative"
    )


def changes_of(person: Person) -> QuerySet[PersonChange]:
    return person.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def merges_of(person: Person) -> QuerySet[MergeRecord]:
    return MergeRecord.objects.filter(Q(survivor=person) | Q(duplicate=person)).select_related(
        "survivor", "duplicate", "merged_by"
    )


def postcode_district(postcode: str) -> str:
    """The outward code only ('RM17 5DQ' -> 'RM17'): enough to tell families apart, no more."""
    return (postcode or "").split(" ")[0]


# --- interim candidate search (used only until familyhub.matching.search lands) ---------------


@dataclass
class InterimCandidate:
    person_id: int
    public_id: object
    score: float
    probability: float
    fields: dict[str, str]


_WEIGHTS = {
    # agree, close, differ (log2 odds, rough; the matching part trains the real ones)
    "nhs_number": (12.0, 0.0, -8.0),
    "date_of_birth": (6.0, 3.0, -6.0),
    "family_name": (5.0, 3.0, -2.0),
    "given_name": (5.0, 3.5, -4.0),
    "postcode": (4.0, 2.0, -1.0),
    "sex": (0.5, 0.0, -3.0),
}


def interim_search_candidates(
    *,
    authority,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: datetime.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    limit: int = 10,
) -> list[InterimCandidate]:
    """Indexed blocking on NHS number, surname + date of birth, surname + postcode and date of
    birth + postcode, then a simple weighted score in Python over the few rows found."""
    postcode = normalise_postcode(postcode) or ""
    blocks = Q(pk__in=[])
    if nhs_number:
        blocks |= Q(nhs_number=nhs_number)
    if family_name and date_of_birth:
        blocks |= Q(family_name__iexact=family_name, date_of_birth=date_of_birth)
    if family_name and postcode:
        blocks |= Q(family_name__iexact=family_name, postcode=postcode)
    if date_of_birth and postcode:
        blocks |= Q(date_of_birth=date_of_birth, postcode=postcode)
    if given_name and date_of_birth:
        blocks |= Q(given_name__iexact=given_name, date_of_birth=date_of_birth)
    if date_of_birth:
        swapped = _swap_day_month(date_of_birth)
        if swapped and family_name:
            blocks |= Q(family_name__iexact=family_name, date_of_birth=swapped)
    rows = Person.objects.filter(blocks, authority=authority, merged_into__isnull=True)[:200]
    query = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "postcode": postcode,
        "nhs_number": nhs_number,
        "sex": sex,
    }
    found = []
    for person in rows:
        fields = {
            name: _compare(name, value, getattr(person, name)) for name, value in query.items()
        }
        score = 0.0
        for name, verdict in fields.items():
            agree, close, differ = _WEIGHTS[name]
            score += {"agree": agree, "close": close, "differ": differ}.get(verdict, 0.0)
        probability = 1 / (1 + math.pow(2, -(score - 8)))
        found.append(InterimCandidate(person.pk, person.public_id, score, probability, fields))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


def _swap_day_month(day: datetime.date) -> datetime.date | None:
    try:
        return day.replace(day=day.month, month=day.day) if day.day <= 12 else None
    except ValueError:
        return None


def _compare(name: str, wanted, stored) -> str:
    if wanted in (None, "") or stored in (None, ""):
        return "missing"
    if name == "date_of_birth":
        if wanted == stored:
            return "agree"
        if _swap_day_month(wanted) == stored or (
            wanted.year == stored.year
            and (wanted.month == stored.month or wanted.day == stored.day)
        ):
            return "close"
        return "differ"
    a, b = str(wanted).strip().lower(), str(stored).strip().lower()
    if a == b:
        return "agree"
    if name == "given_name" and are_variants(a, b):
        return "close"
    if name in ("given_name", "family_name") and (a[:3] == b[:3] or _one_edit(a, b)):
        return "close"
    if name == "postcode" and a.split(" ")[0] == b.split(" ")[0]:
        return "close"
    return "differ"


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


SYMMETRIC_KINDS = frozenset({"sibling", "half_sibling", "partner"})


@dataclass
class FamilyLine:
    other: Person
    kind_label: str
    outgoing: bool  # True: "this person is the <kind> of other"; False: "other is their <kind>"
    parental_responsibility: bool


def family_lines(person: Person) -> list[FamilyLine]:
    """A person's relationships read from their side, each symmetric one (siblings, partners)
    once although it is stored both ways."""
    lines: list[FamilyLine] = []
    seen: set[tuple[int, str, bool]] = set()
    for rel in relationships_of(person).filter(end__isnull=True).order_by("pk"):
        outgoing = rel.person_id == person.pk
        other = rel.relative if outgoing else rel.person
        # A merge can leave two rows saying the same thing; symmetric ones are stored both ways.
        key = (other.pk, rel.kind, outgoing or rel.kind in SYMMETRIC_KINDS)
        if key in seen:
            continue
        seen.add(key)
        lines.append(
            FamilyLine(
                other=other,
                kind_label=rel.get_kind_display().lower(),
                outgoing=outgoing,
                parental_responsibility=rel.parental_responsibility,
            )
        )
    return lines


def change_label(field: str) -> str:
    """A PersonChange's field as people read it ("given_name" -> "Given name")."""
    try:
        return str(getattr(Person._meta.get_field(field), "verbose_name", field)).capitalize()
    except Exception:  # merge, record, contact:mobile...: already words
        return field.replace("_", " ").capitalize()
