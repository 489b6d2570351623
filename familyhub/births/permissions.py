"""Who works the births queue. Which people they then see is the access layer's."""

from __future__ import annotations

from familyhub.accounts.roles import Role, has_role
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import teams_of

# The health visiting team leader resolves what the reader could not; an administrator runs it.
QUEUE_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})


def can_work_queue(user) -> bool:
    """A health visiting team leader or service manager, or an administrator."""
    if not has_role(user, QUEUE_ROLES):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return teams_of(user).filter(service__kind=ServiceKind.HEALTH_VISITING).exists()
