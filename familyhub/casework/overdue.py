"""Casework's overdue steps for referrals.overdue (registered in apps.ready): a live episode's
assessment not completed in time after it started, its family plan not agreed in time after the
assessment, and its review past the date the last one set. The deadlines are the council's
DeadlineRule rows for early help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from familyhub.casework.models import LIVE_STATUSES, Episode, EpisodeStatus, Goal
from familyhub.referrals import deadlines
from familyhub.referrals.models import Step
from familyhub.referrals.overdue import OverdueStep, Scope


def _working_days(step: str, service, level) -> int | None:
    rule = deadlines.rule_for(step, service=service, level=level)
    return None if rule is None else rule.working_days


def episode_steps(scope: Scope) -> Iterable[OverdueStep]:
    """A live episode's assessment, family plan and review, past their deadlines."""
    episodes = Episode.objects.filter(status__in=LIVE_STATUSES).exclude(
        status=EpisodeStatus.STEPPED_UP
    )
    if scope.service_ids is not None:
        episodes = episodes.filter(team__service_id__in=scope.service_ids)
    episodes = (
        episodes.annotate(
            assessed_on=Max("assessments__completed_on"),
            has_plan=Exists(Goal.objects.filter(episode=OuterRef("pk"))),
        )
        .select_related("team__service", "level")
        .only(
            "public_id",
            "person_id",
            "start",
            "next_review_due",
            "lead_professional_id",
            "team_id",
            "team__service",
            "level",
        )
    )
    rules: dict[tuple[str, int, int | None], int | None] = {}
    for episode in episodes:
        service = episode.team.service
        url = reverse("casework:episode", args=[episode.public_id])
        common: dict[str, Any] = {
            "person_id": episode.person_id,
            "url": url,
            "service_id": service.pk,
            "team_id": episode.team_id,
            "worker_id": episode.lead_professional_id,
        }
        key = f"episode:{episode.public_id}"
        for step in (Step.ASSESSMENT, Step.PLAN):
            if (step, service.pk, episode.level_id) not in rules:
                rules[(step, service.pk, episode.level_id)] = _working_days(
                    step, service, episode.level
                )
        if episode.assessed_on is None:
            days = rules[(Step.ASSESSMENT, service.pk, episode.level_id)]
            if days is not None:
                due = deadlines.add_working_days(episode.start, days)
                if due < scope.today:
                    yield OverdueStep(
                        step=Step.ASSESSMENT,
                        what="Complete the early help assessment",
                        due=due,
                        key=f"{key}:assessment",
                        **common,
                    )
        elif not episode.has_plan:
            days = rules[(Step.PLAN, service.pk, episode.level_id)]
            if days is not None:
                due = deadlines.add_working_days(episode.assessed_on, days)
                if due < scope.today:
                    yield OverdueStep(
                        step=Step.PLAN,
                        what="Agree the family plan",
                        due=due,
                        key=f"{key}:plan",
                        **common,
                    )
        if episode.next_review_due and episode.next_review_due < scope.today:
            yield OverdueStep(
                step=Step.REVIEW,
                what="Review the family plan",
                due=episode.next_review_due,
                key=f"{key}:review:{episode.next_review_due:%Y%m%d}",
                **common,
            )
