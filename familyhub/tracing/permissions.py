"""Who may use the tracing pages (the access layer still decides which people each one sees)."""

from __future__ import annotations

from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES, has_role

# Any practitioner may ask for a trace of someone they can see, and decide a differing number.
TRACE_ROLES = PRACTITIONER_ROLES
# The report is of a team's records; the trace of everyone is for the people who answer for them.
REPORT_ROLES = PRACTITIONER_ROLES
RUN_ROLES = MANAGER_ROLES


def can_trace(user, person) -> bool:
    """For the person page's action (the access layer has already shown the person)."""
    return has_role(user, TRACE_ROLES) and not getattr(person, "is_unborn", False)


def can_trace_import(user, person_import) -> bool:
    """For the import result page: the importer, once the import is done."""
    return has_role(user, TRACE_ROLES) and person_import.created_by_id == user.pk
