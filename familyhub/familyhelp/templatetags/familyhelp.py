"""What the episode page (casework's) shows of this part: the duty reminder and a summary with
links. Casework sits below this part, so its page includes these templates and they ask here."""

from __future__ import annotations

from django import template
from django.utils import timezone

from familyhub.familyhelp import overdue, selectors

register = template.Library()


@register.inclusion_tag("familyhelp/_reminder.html", takes_context=True)
def fgdm_reminder(context, episode):
    """The warning that the duty to offer a meeting applies and no offer is recorded."""
    point = overdue.duty_point_for(episode) if episode.is_live else None
    return {
        "episode": episode,
        "point": point,
        "overdue": point is not None and point.is_overdue(timezone.localdate()),
    }


@register.inclusion_tag("familyhelp/_summary.html", takes_context=True)
def family_help_summary(context, episode):
    """How many are in the family network and where family group decision making is, as the
    user may see them (counts and dates only: no network member is named here)."""
    user = context["request"].user
    found = selectors.fgdm_for(user, episode)
    return {
        "episode": episode,
        "network_count": selectors.network_records(user, episode).count(),
        "offer": found.offers[0] if found.offers else None,
        "meeting": found.meetings[0] if found.meetings else None,
        "plan": found.plans[0] if found.plans else None,
    }
