"""Casework's involvement with families, for the access layer (registered in apps.ready)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from familyhub.access.involvement import Involvement
from familyhub.casework.models import LIVE_STATUSES, Episode, episode_participants


def episodes_of_teams(viewer) -> QuerySet:
    """An early help episode with the team, led by a member, or with a member in the team
    around the family: while it is live and for a while after it closes."""
    return Episode.objects.filter(episode_participants(viewer)).values("person_id")


def episode_services(person_ids: list[int]) -> Iterable[Involvement]:
    """Early help on the family record: the team and the lead professional, and how to reach them."""
    rows = (
        Episode.objects.filter(person_id__in=person_ids, status__in=LIVE_STATUSES)
        .select_related("team", "team__service", "lead_professional")
        .order_by("start")
    )
    for episode in rows:
        lead = episode.lead_professional
        yield Involvement(
            service_name=episode.team.service.name,
            what=f"Early help episode ({episode.get_status_display().lower()})",
            person_ids=[episode.person_id],
            team_name=episode.team.name,
            lead_professional=str(lead) if lead else "",
            lead_contact=(lead.phone or lead.email) if lead else "",
            since=None,
            service_id=episode.team.service_id,
            leads=lead is not None,
            lead_user_id=episode.lead_professional_id,
        )
