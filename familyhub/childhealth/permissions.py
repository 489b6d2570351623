"""Which roles use the child health pages and may record on them. Which children and records
they see is the access layer's (familyhub.access.layer): the roles here only open the door to
the pages."""

from __future__ import annotations

from familyhub.accounts.roles import Role, has_role

# Roles that work with the child health record (pages show person data, so the access layer
# still decides which people; these roles only open the door to the pages).
CHILD_HEALTH_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.TEAM_LEADER})
RECORDING_ROLES = frozenset({Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
ALLOCATING_ROLES = frozenset({Role.TEAM_LEADER, Role.HEALTH_VISITOR, Role.SCHOOL_NURSE})
# Aggregates only: no names, so no person is read.
INDICATOR_ROLES = frozenset(
    {Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR}
)


def can_record(user) -> bool:
    return has_role(user, RECORDING_ROLES)


def can_allocate(user) -> bool:
    return has_role(user, ALLOCATING_ROLES)
