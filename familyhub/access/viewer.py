"""Who is asking: what the data-sharing rules need to know about a user, read once per request.

A Viewer holds the user's role, their current teams and those teams' services, councils, bases
and localities, the sharing agreements that cover them and their live break-glass uses. Inside a
request it is read once and reused (audit.scope, opened by audit.middleware); outside
one (a task, a command, a test) it is read afresh each time. It is never kept across requests: a
change of role, team or agreement applies from the next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from familyhub.access.models import BreakGlass, SharingAgreement
from familyhub.accounts.roles import PRACTITIONER_ROLES
from familyhub.audit.scope import current as current_scope
from familyhub.services.selectors import teams_of


@dataclass
class Viewer:
    """What the rules need to know about a user."""

    user: Any
    practitioner: bool
    role: str = ""
    team_ids: list[int] = field(default_factory=list)
    service_ids: list[int] = field(default_factory=list)
    authority_ids: list[int] = field(default_factory=list)
    # The user's teams' bases and localities (teams without one leave nothing here).
    base_ids: list[int] = field(default_factory=list)
    locality_ids: list[int] = field(default_factory=list)
    agreements: list = field(default_factory=list)
    glass_person_ids: list[int] = field(default_factory=list)

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    def site_q(self, field_name: str = "site") -> Q:
        """Rows at one of the viewer's teams' bases, or, where the council works by locality
        (FAMILYHUB_INVOLVEMENT_BY_LOCALITY), at any site in their teams' localities."""
        where = Q(**{f"{field_name}_id__in": self.base_ids})
        if settings.FAMILYHUB_INVOLVEMENT_BY_LOCALITY and self.locality_ids:
            where |= Q(**{f"{field_name}__locality_id__in": self.locality_ids})
        return where


def _is_practitioner(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in PRACTITIONER_ROLES


def _read_viewer(user) -> Viewer:
    if not _is_practitioner(user):
        return Viewer(user, False, role=getattr(user, "role", "") or "")
    rows = list(
        teams_of(user).values_list(
            "pk", "service_id", "service__authority_id", "base_id", "locality_id"
        )
    )
    service_ids = sorted({r[1] for r in rows})
    agreements: list = []
    if service_ids:
        today = timezone.localdate()
        agreements = [
            a
            for a in SharingAgreement.objects.filter(
                Q(recipient_service__isnull=True) | Q(recipient_service_id__in=service_ids),
                Q(starts__isnull=True) | Q(starts__lte=today),
                Q(ends__isnull=True) | Q(ends__gte=today),
            )
            if not a.roles or user.role in a.roles
        ]
    glass = list(
        BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
            "person_id", flat=True
        )
    )
    return Viewer(
        user,
        True,
        role=user.role,
        team_ids=sorted({r[0] for r in rows}),
        service_ids=service_ids,
        authority_ids=sorted({r[2] for r in rows}),
        base_ids=sorted({r[3] for r in rows if r[3] is not None}),
        locality_ids=sorted({r[4] for r in rows if r[4] is not None}),
        agreements=agreements,
        glass_person_ids=glass,
    )


def viewer_for(user) -> Viewer:
    """The user's Viewer: read once per request (audit.scope's cache), afresh outside one."""
    scope = current_scope()
    if scope is None:
        return _read_viewer(user)
    key = (
        "viewer",
        getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None,
    )
    viewer = scope.cache.get(key)
    if viewer is None or viewer.user is not user:
        viewer = scope.cache[key] = _read_viewer(user)
    return viewer


def forget_viewer(user) -> None:
    """Read the viewer again on its next use in this request (after a break-glass starts)."""
    scope = current_scope()
    if scope is not None:
        scope.cache.pop(("viewer", getattr(user, "pk", None)), None)
