"""Who may see or change child health information. Every read of a person goes through the
access layer (familyhub.access.layer), which decides and logs; the roles here only open the door
to the pages."""

from __future__ import annotations

from familyhub.access.layer import (
    log_person_access,
    person_for_viewer,
    records_visible_to,
    visible_people,
)
from familyhub.accounts.roles import Role

# Roles that work with the child health record (pages show person data, so the access layer
# still decides which people; these roles only open the door to the pages).
CHILD_HEALTH_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.TEAM_LEADER})
RECORDING_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
ALLOCATING_ROLES = frozenset({Role.TEAM_LEADER, Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
# Aggregates only: no names, so no person is read.
INDICATOR_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)


__all__ = ["log_person_access", "person_for_viewer", "records_visible_to", "visible_people"]


def can_record(user) -> bool:
    return user.role in RECORDING_ROLES or user.is_superuser


def can_allocate(user) -> bool:
    return user.role in ALLOCATING_ROLES or user.is_superuser
