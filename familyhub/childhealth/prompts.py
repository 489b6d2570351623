"""Making Every Contact Count checks that child health can answer (contacts.checks): registered
by importing this module from ChildhealthConfig.ready().

Child health holds each child's review schedule, so it says when a 2-year review is due or
overdue and not done. It holds no immunisation record, so the immunisations prompt is asked by
age (contacts.checks.child_under_five) until it does.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from familyhub.childhealth.models import DueStatus, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.contacts.checks import register_check
from familyhub.people.models import Person


@register_check("two_year_review_due", "A child's 2-year health review is due or overdue")
def two_year_review_due(person: Person, members: Sequence[Person], today: datetime.date) -> bool:
    """A child in the household whose 2 to 2 and a half year review window has opened and who
    has no outcome recorded for it (due, overdue or missed)."""
    return ReviewDue.objects.filter(
        person_id__in={person.pk, *(member.pk for member in members)},
        kind=ReviewKind.TWO_YEAR,
        status=DueStatus.DUE,
        window_start__lte=today,
    ).exists()
