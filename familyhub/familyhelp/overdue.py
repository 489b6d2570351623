"""The duty to offer a family group decision-making meeting (the Children's Wellbeing and
Schools Act 2026, s.1), for referrals.overdue (registered in apps.ready).

The duty applies before an initial child protection conference and before pre-proceedings. Here
a live episode reaches that point when it is stepped up to children's social care, or when its
level of need is one children's social care holds (ContinuumLevel.is_statutory). From the day it
reaches the point (the last step-up, else the episode's start) the offer is due within the
council's working days for Step.FGDM_OFFER (by default 0: that day); an offer recorded then, or
in the OFFER_LOOKBACK_DAYS before, meets it. Past that, the episode is overdue work.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Q
from django.urls import reverse

from familyhub.casework.models import LIVE_STATUSES, Episode, EpisodeEvent, EpisodeStatus
from familyhub.familyhelp.models import FgdmOffer
from familyhub.referrals import deadlines
from familyhub.referrals.models import Step
from familyhub.referrals.overdue import OverdueStep, Scope

# An offer made shortly before the case reached the point (while the family was in early help,
# with a conference coming) still counts as the offer before it.
OFFER_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class DutyPoint:
    """A live episode at a point where the duty to offer applies, with no offer recorded."""

    episode: Episode
    reached_on: datetime.date
    due: datetime.date | None  # None: no rule covers the step in this council

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today


def at_duty_point() -> Q:
    """Live episodes at a point where the duty to offer applies (a Q over Episode)."""
    return Q(status__in=LIVE_STATUSES) & (
        Q(status=EpisodeStatus.STEPPED_UP) | Q(level__is_statutory=True)
    )


def duty_points(episodes) -> list[DutyPoint]:
    """Of these episodes, those at the point of the duty without an offer that meets it."""
    rows = (
        episodes.filter(at_duty_point())
        .annotate(
            stepped_up_on=Max("events__at", filter=Q(events__kind=EpisodeEvent.Kind.STEPPED_UP))
        )
        .select_related("team__service", "level")
    )
    found: list[DutyPoint] = []
    rules: dict[tuple[int, int | None], int | None] = {}
    for episode in rows:
        reached = episode.stepped_up_on.date() if episode.stepped_up_on else episode.start
        since = reached - datetime.timedelta(days=OFFER_LOOKBACK_DAYS)
        if FgdmOffer.objects.filter(episode=episode, offered_on__gte=since).exists():
            continue
        service = episode.team.service
        key = (service.pk, episode.level_id)
        if key not in rules:
            rule = deadlines.rule_for(Step.FGDM_OFFER, service=service, level=episode.level)
            rules[key] = None if rule is None else rule.working_days
        days = rules[key]
        due = None if days is None else deadlines.add_working_days(reached, days)
        found.append(DutyPoint(episode=episode, reached_on=reached, due=due))
    return found


def duty_point_for(episode: Episode) -> DutyPoint | None:
    """The episode's duty point without an offer, or None (for the episode page's panel)."""
    points = duty_points(Episode.objects.filter(pk=episode.pk))
    return points[0] if points else None


def fgdm_offer_steps(scope: Scope) -> Iterable[OverdueStep]:
    """A live episode at the point of the duty (stepped up, or at a statutory level) with no
    family group decision-making meeting offered by its deadline."""
    episodes = Episode.objects.all()
    if scope.service_ids is not None:
        episodes = episodes.filter(team__service_id__in=scope.service_ids)
    for point in duty_points(episodes):
        if not point.is_overdue(scope.today):
            continue
        episode = point.episode
        assert point.due is not None
        yield OverdueStep(
            step=Step.FGDM_OFFER,
            what="Offer a family group decision-making meeting",
            person_id=episode.person_id,
            due=point.due,
            url=reverse("familyhelp:fgdm", args=[episode.public_id]),
            service_id=episode.team.service_id,
            team_id=episode.team_id,
            worker_id=episode.lead_professional_id,
            key=f"episode:{episode.public_id}:fgdm_offer:{point.reached_on:%Y%m%d}",
        )
