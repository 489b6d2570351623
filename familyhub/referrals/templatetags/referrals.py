"""How long a referral has waited, and how long is left, in words a triage officer reads fast."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from familyhub.referrals.models import ReferralStatus

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
    return dict(ReferralStatus.choices).get(value, value)
