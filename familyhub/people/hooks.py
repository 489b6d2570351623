"""What the register tells the parts above it (core.hooks: they register in AppConfig.ready()).

Data flows one way: people is the spine and must not import the parts that hang off it. A part
that keeps something derived from a person (a child health schedule, match keys) registers here:

    person_changed.register(my_refresh)        # my_refresh(person, changed_fields)
    person_merged.register(my_merge)           # my_merge(*, survivor, duplicate)
    person_unmerged.register(my_unmerge)       # my_unmerge(*, survivor, duplicate)

people.services and people.merging call them inside the change's own transaction, so a failing
reaction rolls the change back rather than leaving the two out of step.

A new or changed record whose NHS number is already on another live record is told on
`duplicate_suspected` (the matching part queues the pair for review):

    duplicate_suspected.register(my_queue)     # my_queue(person, others, *, by, reason, channel)

The register also asks a question it cannot answer itself: is this person already registered?
The matching part (above it) answers, registered on `duplicate_search`; `search_register` asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from familyhub.core.hooks import Hook
from familyhub.people.models import Person

# The fields a new record "changes": reactions treat a registration as every field being set.
CREATED = "created"

person_changed: Hook[Callable[[Person, frozenset[str]], None]] = Hook(
    "person_changed", "after a person is registered or their record changes"
)
person_merged: Hook[Callable[..., Any]] = Hook(
    "person_merged", "after a merge has moved every reference to the survivor"
)
person_unmerged: Hook[Callable[..., Any]] = Hook(
    "person_unmerged", "after an unmerge has put every reference back"
)


duplicate_suspected: Hook[Callable[..., Any]] = Hook(
    "duplicate_suspected",
    "after a record is saved with an NHS number another live record in the council has",
)


def same_nhs_number(
    nhs_number: str, *, authority_id: int, exclude_pk: int | None = None
) -> list[Person]:
    """The live (not merged-away) records in the council with this NHS number."""
    if not nhs_number:
        return []
    people = Person.objects.filter(
        nhs_number=nhs_number, authority_id=authority_id, merged_into__isnull=True
    )
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    return list(people.order_by("pk"))


def tell_if_duplicate_suspected(person: Person, *, by, channel: str = "page") -> list[Person]:
    """Tell the parts above when this record's NHS number is on another live record; those
    records, so the caller can say so."""
    others = same_nhs_number(
        person.nhs_number, authority_id=person.authority_id, exclude_pk=person.pk
    )
    if others:
        duplicate_suspected.call(
            person,
            others,
            by=by,
            reason="Same NHS number as a record already registered",
            channel=channel,
        )
    return others


def tell_person_changed(person: Person, fields: Iterable[str]) -> None:
    changed = frozenset(fields)
    if changed:
        person_changed.call(person, changed)


duplicate_search: Hook[Callable[..., list[Any]]] = Hook(
    "duplicate_search",
    "search_candidates(*, authority, given_name, family_name, date_of_birth, postcode, "
    "nhs_number, sex, limit) -> candidates with person_id, probability, score, fields",
)


def search_register(**query: Any) -> list[Any]:
    """Likely existing records for a new person's details, from the one registered search."""
    searches = list(duplicate_search)
    if len(searches) != 1:
        raise ImproperlyConfigured("Exactly one duplicate search must be registered (matching).")
    return searches[0](**query)
