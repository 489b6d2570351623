"""Making Every Contact Count: which prompts a contact offers.

A prompt is offered when its check (contacts.checks) applies AND it was not answered for the
person (for a prompt about the whole household: for anyone in the household) within its
repeat_after_days. A council with prompts of its own uses only those; the others use the default
set (no council). A prompt whose check is not registered (its part is not installed) is never
offered.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.contacts.checks import prompt_checks
from familyhub.contacts.models import Prompt, PromptAbout, PromptAnswer
from familyhub.people.models import Household, HouseholdMembership, Person


def household_members(person: Person, household: Household | None) -> list[Person]:
    """The household's current members (the person first), or the person alone."""
    if household is None:
        return [person]
    today = timezone.localdate()
    others = list(
        Person.objects.filter(
            pk__in=HouseholdMembership.objects.filter(
                Q(end__isnull=True) | Q(end__gte=today), household=household
            ).values("person_id"),
            merged_into__isnull=True,
        )
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "pk")
    )
    return [person, *others]


def prompts_of(authority_id: int) -> QuerySet[Prompt]:
    """The council's own prompts if it has any (active or not: a council that turned them all
    off asks none), otherwise the default set; the active ones, in order."""
    own = Prompt.objects.filter(authority_id=authority_id)
    chosen = own if own.exists() else Prompt.objects.filter(authority__isnull=True)
    return chosen.filter(active=True).order_by("order", "id")


def answered_recently(
    prompts: Sequence[Prompt], person: Person, members: Sequence[Person], today: datetime.date
) -> set[int]:
    """The ids of these prompts answered within their repeat window, in one query: for the
    person, or for a prompt about the whole household, for anyone in it."""
    if not prompts:
        return set()
    longest = max(prompt.repeat_after_days for prompt in prompts)
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=longest), datetime.time.min)
    )
    rows = (
        PromptAnswer.objects.filter(
            person_id__in={person.pk, *(m.pk for m in members)},
            prompt_id__in=[p.pk for p in prompts],
            answered_at__gte=since,
        )
        .exclude(answer="")
        .values_list("prompt_id", "person_id", "answered_at")
    )
    by_id = {prompt.pk: prompt for prompt in prompts}
    answered: set[int] = set()
    for prompt_id, person_id, answered_at in rows:
        prompt = by_id[prompt_id]
        if person_id != person.pk and prompt.about != PromptAbout.HOUSEHOLD:
            continue
        window_start = today - datetime.timedelta(days=prompt.repeat_after_days)
        if timezone.localdate(answered_at) > window_start:
            answered.add(prompt_id)
    return answered


def prompts_due(
    person: Person, household: Household | None = None, *, today: datetime.date | None = None
) -> list[Prompt]:
    """The prompts a contact with this person (and household) offers today, in order."""
    today = today or timezone.localdate()
    members = household_members(person, household)
    prompts = list(prompts_of(person.authority_id))
    answered = answered_recently(prompts, person, members, today)
    due = []
    for prompt in prompts:
        check = prompt_checks.get(prompt.check_name)
        if check is None or prompt.pk in answered:
            continue
        if check.applies(person, members, today):
            due.append(prompt)
    return due


# --- the default set ---------------------------------------------------------------------------

# code, question, help text, check, about, repeat after days. The data migration 0002 holds its
# own copy (migrations never import app code); this one serves tests whose database was flushed.
DEFAULT_PROMPTS = [
    ("smoking", "Does anyone in the household smoke?",
     "Give very brief advice: ask, advise, act. Offer the local stop smoking service and talk "
     "about a smoke-free home and car.", "always", "household", 90),
    ("immunisations", "Are the children's immunisations up to date?",
     "Check the red book. Signpost to the GP practice to book any that were missed.",
     "child_under_five", "child", 90),
    ("two-year-review", "Is the 2-year health review booked? It is due or overdue.",
     "Encourage the family to book the 2 to 2 and a half year review with health visiting.",
     "two_year_review_due", "child", 30),
    ("gp", "Is everyone in the household registered with a GP?",
     "Help the family find and register with a local GP practice.", "always", "household", 180),
    ("dentist", "Is everyone in the household registered with a dentist?",
     "Children's NHS dental care is free. Help the family find a local NHS dentist.",
     "always", "household", 180),
    ("funded-childcare", "Is the family eligible for funded childcare for their 2-year-old, "
     "and taking it up?",
     "Some 2-year-olds get 15 hours a week free. Help the family check eligibility and find "
     "a place.", "child_aged_two", "child", 90),
    ("family-hub", "Is the family registered at a family hub?",
     "Tell the family what their local family hub offers and offer to register them.",
     "not_registered_at_family_hub", "household", 90),
    ("adult-learning-employment", "Would an adult in the household like help with adult "
     "learning or finding work?",
     "Signpost to adult learning, the Jobcentre or the council's employment support.",
     "adult_in_household", "adult", 180),
]  # fmt: skip


def ensure_default_prompts() -> int:
    """Create any missing default prompt; returns how many were created."""
    created = 0
    for order, (code, question, help_text, check, about, days) in enumerate(
        DEFAULT_PROMPTS, start=1
    ):
        _, made = Prompt.objects.get_or_create(
            authority=None,
            code=code,
            defaults={
                "question": question,
                "help_text": help_text,
                "check_name": check,
                "about": about,
                "repeat_after_days": days,
                "order": order * 10,
            },
        )
        created += int(made)
    return created
