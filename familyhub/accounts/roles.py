"""The roles people hold in an integrated 0-19 service."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    RECEPTION = "reception", "Reception / family hub worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    TRIAGE_OFFICER = "triage_officer", "Front door (triage) officer"
    TEAM_LEADER = "team_leader", "Team leader"
    SERVICE_MANAGER = "service_manager", "Service manager"
    COMMISSIONER = "commissioner", "Commissioner / analyst"
    IG_LEAD = "ig_lead", "Information governance lead"
    ADMINISTRATOR = "administrator", "Administrator"
    # A member of the public: a parent, carer or young person (13+) signed in at /family/.
    # In none of the staff role groups; a family account never reaches a staff page.
    FAMILY = "family", "Family member (parent, carer or young person)"


# Every role but the family's: the people who work in the services, in Role's order.
STAFF_ROLES: tuple[Role, ...] = tuple(role for role in Role if role != Role.FAMILY)


# Practitioners record and read case information about the families they work with.
PRACTITIONER_ROLES = frozenset(
    {
        Role.RECEPTION,
        Role.FAMILY_SUPPORT_WORKER,
        Role.LEAD_PROFESSIONAL,
        Role.HEALTH_VISITOR,
        Role.SCHOOL_NURSE,
        Role.TRIAGE_OFFICER,
        Role.TEAM_LEADER,
        Role.SERVICE_MANAGER,
    }
)
# Managers see their teams' caseloads and performance.
MANAGER_ROLES = frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER})
# Planners and analysts work with aggregates, never with people's records.
PLANNING_ROLES = frozenset({Role.COMMISSIONER, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})


def has_role(user, roles: Iterable[str]) -> bool:
    """The one role check: a signed-in user holding one of these roles (superusers hold all)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or user.role in frozenset(roles)


def require_role(roles: Iterable[str]) -> Callable:
    """A view decorator: 403 for anyone without one of the roles (has_role)."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator
