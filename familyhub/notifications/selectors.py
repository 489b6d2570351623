"""Reads of notifications, and the recipients other parts pick: the members of teams and of
services, optionally by role."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.notifications.models import EmailChoice, Notification, NotificationPreference
from familyhub.places.models import Area
from familyhub.services.models import Team, TeamMembership


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one COUNT; 0 for nobody signed in)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def for_user(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def preference_of(user) -> NotificationPreference:
    """The user's preference (unsaved, with the default, when they never chose)."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    return found or NotificationPreference(user_id=user.pk, email=EmailChoice.EACH, version=0)


def _current_memberships() -> QuerySet[TeamMembership]:
    # As services.selectors.teams_of: a membership's end is its last day (still a member then).
    today = timezone.localdate()
    return TeamMembership.objects.filter(Q(end__isnull=True) | Q(end__gte=today)).filter(
        Q(start__isnull=True) | Q(start__lte=today)
    )


def _members(memberships: QuerySet[TeamMembership], roles: Iterable[str] | None) -> QuerySet:
    users = User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
    if roles is not None:
        users = users.filter(role__in=[str(role) for role in roles])
    return users.order_by("pk")


def team_members(team_ids: Iterable[int], roles: Iterable[str] | None = None) -> QuerySet[User]:
    """Active users with a current membership (started, and not ended before today) of one of these teams,
    only those holding one of `roles` (accounts.roles.Role values) when given."""
    return _members(_current_memberships().filter(team_id__in=list(team_ids)), roles)


def service_members(
    service_ids: Iterable[int], roles: Iterable[str] | None = None
) -> QuerySet[User]:
    """Active users with a current membership of a team of one of these services, only those
    holding one of `roles` when given."""
    return _members(_current_memberships().filter(team__service_id__in=list(service_ids)), roles)


def owning_team_ids(
    *, team_id: int | None, service_id: int | None, area_id: int | None
) -> list[int]:
    """The team a piece of work belongs to: the one given (a named practitioner's), else the
    service's teams in the locality of the person's area, else all the service's teams."""
    if team_id is not None:
        return [team_id]
    if service_id is None:
        return []
    teams = Team.objects.filter(service_id=service_id)
    if area_id is not None:
        local = teams.filter(
            locality_id__in=Area.objects.filter(pk=area_id).values("locality_id")
        ).values_list("pk", flat=True)
        if local:
            return list(local)
    return list(teams.values_list("pk", flat=True))
