"""Who may make which decisions on an early help episode. Who may see an episode is the access
layer's (an Episode is a PersonRecord; its team, lead professional and team around the family
take part in it: casework.models.episode_participants).

Allocating a lead professional, transferring, stepping up or down and closing are for the lead
professional and the managers of the episode's team (team leader, service manager).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from familyhub.access.layer import record_for_viewer, viewer_for
from familyhub.accounts.roles import MANAGER_ROLES, has_role
from familyhub.casework.models import Episode


def _episodes() -> QuerySet[Episode]:
    return Episode.objects.select_related(
        "person", "team", "team__service", "lead_professional", "level"
    )


def episode_for_viewer(user, public_id, *, purpose: str) -> Episode:
    """An episode the user may see (the access layer decides), or Http404."""
    return record_for_viewer(user, _episodes(), public_id, purpose=purpose)


def can_manage(user, episode: Episode) -> bool:
    """Allocate, transfer, step up or down, close: the lead, or a manager in the team."""
    if episode.lead_professional_id == user.pk:
        return True
    return has_role(user, MANAGER_ROLES) and episode.team_id in viewer_for(user).team_ids


def episode_for_manager(user, public_id, *, purpose: str) -> Episode:
    episode = episode_for_viewer(user, public_id, purpose=purpose)
    if not can_manage(user, episode):
        # They may see it but not make this decision: still 404, so the page does not exist
        # for them, and the episode page shows them no button to it.
        raise Http404("No such page")
    return episode
