"""The family network's involvement with people, for the access layer (registered in
apps.ready)."""

from __future__ import annotations

from django.db.models import QuerySet

from familyhub.casework.models import episode_participants
from familyhub.familyhelp.models import NetworkMember


def network_members_of_teams(viewer) -> QuerySet:
    """A member of a child's family network whom the family agrees may be involved, in an
    episode with the team (its lead professional, its team around the family): while the
    episode is live and for a while after it closes."""
    return NetworkMember.objects.filter(
        episode_participants(viewer, "episode__"), family_agrees=True
    ).values("member_id")
