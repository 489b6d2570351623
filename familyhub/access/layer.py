"""The one enforcement point of the data-sharing protocol. Every channel asks these functions.

CONTRACT (other parts code against these names and signatures; the access part owns the bodies):

    visible_people(user, *, channel) -> QuerySet[Person]
        The people whose core record the user may see now (involvement, role, break-glass).
    person_for_viewer(user, public_id, *, purpose, channel, action="read") -> Person
        One person, or Http404 for both "absent" and "not allowed"; follows merge redirects;
        writes exactly one access-log entry.
    log_person_access(user, people, *, action, purpose, channel, detail="") -> None
        Appends one entry per person (search results, exports, changes).
    match_candidates_for_registration(user, queryset) -> QuerySet[Person]
        Single registration's duplicate check may show a minimal view (name, date of birth,
        postcode district, household size) of any person in the user's authority so a family is
        never registered twice; each shown candidate is logged as action "search", channel given.
    records_visible_to(user, queryset) -> QuerySet
        Filters any queryset of a ProtectedRecord subclass by the sharing rules.

Channels: "page", "api", "search", "export", "report", "registration", "task".
Actions: "read", "search", "export", "change", "create", "merge".
"""

from __future__ import annotations
