"""Reads that cross rows in the people part."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from familyhub.people.models import (
    Household,
    HouseholdMembership,
    MergeRecord,
    Person,
    PersonChange,
    Relationship,
)
from familyhub.services.models import Team
from familyhub.services.selectors import teams_of


def registering_team(user) -> Team | None:
    """The team a registration by this person is recorded against (its base and service): their
    first current team (reception staff belong to one hub's team)."""
    return teams_of(user).order_by("pk").first()


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
