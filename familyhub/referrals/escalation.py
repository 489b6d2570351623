"""Escalation of overdue work by rule (referrals.overdue for the steps, DeadlineRule for when):
on the day after a step falls due its worker hears (or, with no worker, the service's team); after
`team_leader_after` working days late the team's leaders; after `manager_after` the service's
managers. Each person hears once per step and stage (the notification's key), so the check can
run as often as a council likes (`familyhub check-deadlines`, or the background task)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.accounts.roles import Role
from familyhub.notifications.models import NotificationKind
from familyhub.notifications.selectors import service_members, team_members
from familyhub.notifications.services import notify
from familyhub.referrals import overdue
from familyhub.services.models import Service


@dataclass
class EscalationRun:
    overdue: int = 0
    told_workers: int = 0
    told_team_leaders: int = 0
    told_managers: int = 0


def escalate_overdue(today: datetime.date | None = None) -> EscalationRun:
    day = today or timezone.localdate()
    run = EscalationRun()
    names = dict(Service.objects.values_list("pk", "name"))
    for step in overdue.overdue_steps(overdue.Scope(service_ids=None, today=day)):
        run.overdue += 1
        late = step.working_days_late(day)
        rule = overdue.escalation_for(step)
        service = names.get(step.service_id, "your service")
        subject = f"{step.what} is overdue at {service}"
        if step.worker_id:
            workers = User.objects.filter(pk=step.worker_id, is_active=True)
        elif step.team_id:
            workers = team_members([step.team_id])
        else:
            workers = service_members([step.service_id])
        run.told_workers += notify(
            workers,
            kind=NotificationKind.OVERDUE,
            subject=subject,
            url=step.url,
            key=f"{step.key}:overdue",
        )
        if late >= rule.team_leader_after:
            leaders = (
                team_members([step.team_id], roles=[Role.TEAM_LEADER])
                if step.team_id
                else service_members([step.service_id], roles=[Role.TEAM_LEADER])
            )
            run.told_team_leaders += notify(
                leaders,
                kind=NotificationKind.ESCALATION,
                subject=f"{subject}: {late} working days late",
                url=step.url,
                key=f"{step.key}:team_leader",
            )
        if late >= rule.manager_after:
            run.told_managers += notify(
                service_members([step.service_id], roles=[Role.SERVICE_MANAGER]),
                kind=NotificationKind.ESCALATION,
                subject=f"{subject}: {late} working days late",
                url=step.url,
                key=f"{step.key}:manager",
            )
    return run
