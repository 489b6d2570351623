"""Background work of referrals (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from familyhub.referrals import letters as referral_letters
from familyhub.referrals.escalation import escalate_overdue


@task()
def check_deadlines() -> int:
    """Notify and escalate overdue steps; returns how many steps were overdue."""
    return escalate_overdue().overdue


@task()
def send_secure_referral(referral_id: int) -> bool:
    """Email a referral letter to a partner outside Familyhub at its secure address (the
    address was checked against FAMILYHUB_SECURE_EMAIL_DOMAINS when the referral was made).
    Returns False when it had already gone."""
    return referral_letters.send_by_secure_email(referral_id)
