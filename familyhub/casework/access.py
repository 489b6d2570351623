"""Who may see and change an early help episode. "Absent" and "not yours" are both 404.

- The episode's team (its practitioners and their team leader), the lead professional, and
  practitioners in the team around the family may open it and record on it.
- Allocating a lead professional, transferring, stepping up or down and closing are for the lead
  professional and the team's managers (team leader, service manager).
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES
from familyhub.casework.models import Episode


def _my_teams(user):
    from familyhub.services.selectors import teams_of

    return teams_of(user).values("pk")


def episodes_for_viewer(user) -> QuerySet[Episode]:
    if not getattr(user, "is_authenticated", False) or user.role not in PRACTITIONER_ROLES:
        return Episode.objects.none()
    return Episode.objects.filter(
        Q(team__in=_my_teams(user)) | Q(lead_professional=user) | Q(pk__in=_taf_episode_ids(user))
    )


def _taf_episode_ids(user):
    from familyhub.casework.models import TeamMember

    return TeamMember.objects.filter(user=user, left_on__isnull=True).values("episode_id")


def episode_for_viewer(user, public_id: uuid.UUID | str) -> Episode:
    try:
        return (
            episodes_for_viewer(user)
            .select_related("person", "team", "team__service", "lead_professional", "level")
            .get(public_id=public_id)
        )
    except (Episode.DoesNotExist, ValueError):
        raise Http404("No such episode")


def can_manage(user, episode: Episode) -> bool:
    """Allocate, transfer, step up or down, close: the lead, or a manager in the team."""
    from familyhub.services.selectors import teams_of

    if episode.lead_professional_id == user.pk:
        return True
    return user.role in MANAGER_ROLES and teams_of(user).filter(pk=episode.team_id).exists()


def episode_for_manager(user, public_id: uuid.UUID | str) -> Episode:
    episode = episode_for_viewer(user, public_id)
    if not can_manage(user, episode):
        # They may see it but not make this decision: still 404, so the page does not exist
        # for them, and the episode page shows them no button to it.
        raise Http404("No such page")
    return episode


def is_manager(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in MANAGER_ROLES
