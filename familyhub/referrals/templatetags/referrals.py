"""How long a referral has waited, and how long is left, in words a triage officer reads fast."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from familyhub.referrals.models import EVENT_LABELS, ReferralStatus

register = template.Library()


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _span(delta: datetime.timedelta) -> str:
    # Whole words, not "hr" or "min": GOV.UK style, and screen readers say them properly.
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = minutes // 60
    if hours < 48:
        return _plural(hours, "hour")
    return _plural(hours // 24, "day")


@register.simple_tag
def age_of(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    return _span((now or timezone.now()) - moment)


@register.inclusion_tag("referrals/_deadline.html")
def deadline_tag(referral, now: datetime.datetime | None = None) -> dict:
    moment = now or timezone.now()
    if not referral.is_open:
        late = referral.is_overdue()
        return {
            "text": "Decided late" if late else "Decided in time",
            "css": "red" if late else "green",
        }
    left = referral.decision_due_at - moment
    if left.total_seconds() < 0:
        return {"text": f"Overdue by {_span(left)}", "css": "red"}
    if left.total_seconds() < 4 * 3600:
        return {"text": f"Due in {_span(left)}", "css": "orange"}
    return {"text": f"Due in {_span(left)}", "css": "blue"}


@register.filter
def state_label(value: str) -> str:
    """A referral state as people read it ("received" -> "Waiting for a decision")."""

    if not value:
        return "New"
    return EVENT_LABELS.get(value) or dict(ReferralStatus.choices).get(value, value)


def _due_tag(label: str, due: datetime.datetime | None, moment: datetime.datetime) -> dict:
    if due is None:
        return {"text": label, "css": "grey"}
    left = due - moment
    if left.total_seconds() < 0:
        return {"text": f"{label}: overdue by {_span(left)}", "css": "red"}
    return {"text": f"{label}: due in {_span(left)}", "css": "blue"}


@register.inclusion_tag("referrals/_deadline.html")
def next_step_tag(referral, now: datetime.datetime | None = None) -> dict:
    """What a referral in a service's inbox waits for next, and how long is left."""
    moment = now or timezone.now()
    if referral.status == ReferralStatus.RECEIVED:
        return _due_tag("Decide", referral.decision_due_at, moment)
    if referral.status == ReferralStatus.MORE_INFO:
        return {"text": "Waiting for the referrer", "css": "yellow"}
    if referral.status == ReferralStatus.ACCEPTED and referral.allocated_to_id is None:
        return _due_tag("Allocate a worker", referral.allocation_due_at, moment)
    if referral.status == ReferralStatus.ACCEPTED and referral.first_contact_on is None:
        return _due_tag("First contact", referral.first_contact_due_at, moment)
    return {"text": referral.get_status_display(), "css": "grey"}
