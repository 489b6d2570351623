"""Making Every Contact Count checks: does a prompt apply to a family?

A prompt (contacts.models.Prompt, data a council edits) names a check. A check is a function of
(person, household members, today) -> bool, "this prompt applies to this family", registered on
the `prompt_checks` hook under its name by the part that holds what it needs to know:

    # familyhub/childhealth/prompts.py
    from familyhub.contacts.checks import register_check

    @register_check("two_year_review_due", "A child's 2-year health review is due or overdue")
    def two_year_review_due(person, members, today) -> bool: ...

Contacts registers here the checks the register itself can answer: a child aged 2 (funded
childcare), a child under 5 (immunisations), an adult in the household (adult learning and
employment support), nobody in the household registered at a family hub, and "always" for what
the register does not hold (smoking, GP, dentist). `members` always holds the person too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from familyhub.core.dates import whole_months
from familyhub.core.hooks import Hook
from familyhub.people.models import Person, Registration
from familyhub.places.models import SiteKind
from familyhub.services.models import ServiceKind

Applies = Callable[[Person, Sequence[Person], datetime.date], bool]


@dataclass(frozen=True)
class PromptCheck:
    name: str
    label: str  # what the admin shows: "A child in the household is aged 2"
    applies: Applies


prompt_checks: Hook[PromptCheck] = Hook(
    "prompt_checks", "Making Every Contact Count checks, by name: does a prompt apply to a family"
)


def register_check(name: str, label: str) -> Callable[[Applies], Applies]:
    """Register a function as the check `name` (a decorator; registering again replaces it)."""

    def register(function: Applies) -> Applies:
        prompt_checks.register(PromptCheck(name, label, function), key=name)
        return function

    return register


def check_choices() -> list[tuple[str, str]]:
    return [(name, check.label) for name, check in prompt_checks.items()]


# --- the checks the register answers ---------------------------------------------------------


def _months(person: Person, today: datetime.date) -> int | None:
    if person.is_unborn or person.date_of_birth is None or person.date_of_death is not None:
        return None
    if person.date_of_birth > today:
        return None
    return whole_months(person.date_of_birth, today)


def _anyone_aged(members: Iterable[Person], today: datetime.date, low: int, high: int) -> bool:
    """Someone aged from `low` months to under `high` months."""
    return any(
        (months := _months(member, today)) is not None and low <= months < high
        for member in members
    )


@register_check("always", "Always (the register does not hold the answer)")
def always(person: Person, members: Sequence[Person], today: datetime.date) -> bool:
    return True


@register_check("child_aged_two", "A child in the household is aged 2")
def child_aged_two(person: Person, members: Sequence[Person], today: datetime.date) -> bool:
    return _anyone_aged(members, today, 24, 36)


@register_check("child_under_five", "A child in the household is under 5")
def child_under_five(person: Person, members: Sequence[Person], today: datetime.date) -> bool:
    return _anyone_aged(members, today, 0, 60)


@register_check("adult_in_household", "There is an adult (18 or over) in the household")
def adult_in_household(person: Person, members: Sequence[Person], today: datetime.date) -> bool:
    return _anyone_aged(members, today, 18 * 12, 200 * 12)


@register_check(
    "not_registered_at_family_hub", "Nobody in the household is registered at a family hub"
)
def not_registered_at_family_hub(
    person: Person, members: Sequence[Person], today: datetime.date
) -> bool:
    hub = (
        Q(service__kind=ServiceKind.FAMILY_HUB)
        | Q(team__service__kind=ServiceKind.FAMILY_HUB)
        | Q(site__kind=SiteKind.FAMILY_HUB)
    )
    return not Registration.objects.filter(
        hub, person_id__in=[m.pk for m in members] or [person.pk], ended_at__isnull=True
    ).exists()
