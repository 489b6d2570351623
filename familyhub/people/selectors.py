"""Reads that cross rows in the people part."""

from __future__ import annotations

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
from familyhub.places.models import Authority, Site
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


# Relationships stored both ways round (A sibling of B and B sibling of A).
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
