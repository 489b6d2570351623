"""Overdue work: every step with a deadline that has passed (a referral's decision, allocation
and first contact here; the parts above add theirs: casework's assessment, plan and review),
for the worker's and the team leader's lists and for escalation by rule.

A part adds a source from its AppConfig.ready():

    from familyhub.referrals import overdue
    overdue.sources.register(overdue_episode_steps)   # f(scope) -> Iterable[OverdueStep]

A source returns the steps overdue on `scope.today` among `scope.service_ids` (None: every
service, for the escalation task). It reads rows, never people's details: the pages that show
the steps read the people through the access layer.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from familyhub.core.hooks import Hook
from familyhub.referrals import deadlines
from familyhub.referrals.models import OPEN_STATUSES, Referral, ReferralStatus, Step
from familyhub.services.models import Service


@dataclass(frozen=True)
class Scope:
    service_ids: list[int] | None
    today: datetime.date


@dataclass(frozen=True)
class OverdueStep:
    step: str  # a referrals.models.Step value
    what: str  # what is late, without the person: "First contact after a referral"
    person_id: int
    due: datetime.date
    url: str
    service_id: int
    team_id: int | None
    worker_id: int | None
    key: str  # stable across runs: escalation tells each person once per step and stage

    @property
    def step_label(self) -> str:
        return Step(self.step).label

    def working_days_late(self, today: datetime.date) -> int:
        return deadlines.working_days_overdue(self.due, today)


sources: Hook[Callable[[Scope], Iterable[OverdueStep]]] = Hook(
    "overdue_sources", "steps past their deadline that each part knows of"
)


def overdue_steps(scope: Scope) -> list[OverdueStep]:
    found: list[OverdueStep] = []
    for source in sources:
        found.extend(source(scope))
    return sorted(found, key=lambda item: (item.due, item.key))


@dataclass(frozen=True)
class Escalation:
    team_leader_after: int
    manager_after: int


@lru_cache(maxsize=512)
def _escalation(step: str, service_id: int, minute: int) -> Escalation:
    rule = deadlines.rule_for(step, service=Service.objects.get(pk=service_id))
    if rule is None:
        return Escalation(team_leader_after=2, manager_after=5)
    return Escalation(rule.team_leader_after, rule.manager_after)


def escalation_for(step: OverdueStep) -> Escalation:
    """When an overdue step goes to the team leader and the service manager, by the service's
    rule for the step (read at most once a minute for each step and service)."""
    return _escalation(step.step, step.service_id, int(timezone.now().timestamp()) // 60)


def _in_scope(scope: Scope) -> Q:
    return Q() if scope.service_ids is None else Q(owning_service_id__in=scope.service_ids)


def referral_steps(scope: Scope) -> Iterable[OverdueStep]:
    """A referral's decision, allocation to a worker and first contact, past their deadlines."""
    now = timezone.now()
    rows = Referral.objects.filter(_in_scope(scope)).filter(
        Q(status__in=OPEN_STATUSES, decision_due_at__lt=now)
        | Q(status=ReferralStatus.ACCEPTED, allocated_to__isnull=True, allocation_due_at__lt=now)
        | Q(
            status=ReferralStatus.ACCEPTED,
            first_contact_on__isnull=True,
            first_contact_due_at__lt=now,
        )
    )
    for referral in rows.only(
        "public_id",
        "person_id",
        "owning_service_id",
        "receiving_team_id",
        "status",
        "decision_due_at",
        "allocated_to_id",
        "allocation_due_at",
        "first_contact_on",
        "first_contact_due_at",
    ):
        url = reverse("referrals:detail", args=[referral.public_id])
        common: dict[str, Any] = {
            "person_id": referral.person_id,
            "url": url,
            "service_id": referral.owning_service_id,
            "team_id": referral.receiving_team_id,
        }
        key = f"referral:{referral.public_id}"
        if referral.status in OPEN_STATUSES:
            yield OverdueStep(
                step=Step.DECISION,
                what="Decision on a referral",
                due=_day(referral.decision_due_at),
                worker_id=None,
                key=f"{key}:decision",
                **common,
            )
            continue
        if (
            referral.allocated_to_id is None
            and referral.allocation_due_at
            and referral.allocation_due_at < now
        ):
            yield OverdueStep(
                step=Step.ALLOCATION,
                what="Allocate an accepted referral to a worker",
                due=_day(referral.allocation_due_at),
                worker_id=None,
                key=f"{key}:allocation",
                **common,
            )
        if (
            referral.first_contact_on is None
            and referral.first_contact_due_at
            and referral.first_contact_due_at < now
        ):
            yield OverdueStep(
                step=Step.FIRST_CONTACT,
                what="First contact after an accepted referral",
                due=_day(referral.first_contact_due_at),
                worker_id=referral.allocated_to_id,
                key=f"{key}:first_contact",
                **common,
            )


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(deadlines.LONDON).date()
