from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def days(byday: str, names: dict[str, str]) -> str:
    """'MO,WE' -> 'Mondays and Wednesdays' (iCalendar days, as schedules hold them)."""
    words = [names.get(part[-2:], part) + "s" for part in (byday or "").split(",") if part]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
