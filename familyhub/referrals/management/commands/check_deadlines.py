"""`familyhub check-deadlines`: tell people about overdue work, and escalate it by rule (run it
every working morning, or more often: each person hears once per step and stage)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.referrals.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Notify workers of overdue steps and escalate them to team leaders and managers."

    def handle(self, *args, **options) -> None:
        run = escalate_overdue()
        self.stdout.write(
            f"{run.overdue} steps overdue: told {run.told_workers} workers, "
            f"{run.told_team_leaders} team leaders and {run.told_managers} service managers."
        )
