"""Background work of referrals (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from familyhub.referrals.escalation import escalate_overdue


@task()
def check_deadlines() -> int:
    """Notify and escalate overdue steps; returns how many steps were overdue."""
    return escalate_overdue().overdue
