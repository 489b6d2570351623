"""The people part's door to the access layer and the matching engine.

Views, the API and the import call these names only, so the people part has one place that says
how it reaches person data: every read goes through familyhub.access.layer (which logs it) and
every duplicate search through familyhub.matching.search.
"""

from __future__ import annotations

from django.db.models import QuerySet

from familyhub.access.layer import (
    household_for_viewer,
    log_person_access,
    match_candidates_for_registration,
    person_for_viewer,
    visible_people,
)
from familyhub.matching.search import search_candidates
from familyhub.people.models import Person, Registration

__all__ = [
    "household_for_viewer",
    "log_person_access",
    "match_candidates_for_registration",
    "person_for_viewer",
    "registrations_of",
    "search_candidates",
    "visible_people",
]


def registrations_of(person: Person) -> QuerySet[Registration]:
    return person.registrations.select_related("site", "service", "registered_by")
