"""Keep a child's review schedule in step with the register (people.hooks)."""

from __future__ import annotations

from familyhub.people.hooks import CREATED
from familyhub.people.models import Person

# What a schedule is computed from: dates of birth and delivery, birth, death, where they live.
SCHEDULE_FIELDS = frozenset(
    {CREATED, "date_of_birth", "expected_date_of_delivery", "is_unborn", "date_of_death", "area"}
)


def refresh_schedule_on_change(person: Person, changed: frozenset[str]) -> None:
    if changed & SCHEDULE_FIELDS:
        from familyhub.childhealth.services import schedule_refresh

        schedule_refresh(person)
