"""Keep a child's review schedule and growth centiles in step with the register (people.hooks,
registered in ChildhealthConfig.ready())."""

from __future__ import annotations

from familyhub.childhealth.services import measurements_recompute, schedule_refresh
from familyhub.people.hooks import CREATED
from familyhub.people.models import Person

# What a schedule is computed from: dates of birth and delivery, birth, death, where they live.
SCHEDULE_FIELDS = frozenset(
    {CREATED, "date_of_birth", "expected_date_of_delivery", "is_unborn", "date_of_death", "area"}
)
# What growth centiles are worked out from: age, gestation (from the expected date) and sex.
GROWTH_FIELDS = frozenset({"date_of_birth", "expected_date_of_delivery", "sex"})


def refresh_schedule_on_change(person: Person, changed: frozenset[str]) -> None:
    """Everything child health derives from the register: the schedule and growth centiles."""
    if changed & SCHEDULE_FIELDS:
        schedule_refresh(person)
    if changed & GROWTH_FIELDS:
        measurements_recompute(person)


def refresh_schedule_after_merge(*, survivor: Person, duplicate: Person) -> None:
    """Schedules and centiles follow merges: the survivor's are worked out again once every row
    has moved (its date of birth and sex may differ from the duplicate's)."""
    schedule_refresh(survivor)
    measurements_recompute(survivor)


def refresh_schedules_after_unmerge(*, survivor: Person, duplicate: Person) -> None:
    for person in (survivor, duplicate):
        schedule_refresh(person)
        measurements_recompute(person)
