from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.912 -> "91%"; nothing to divide by -> "n/a"."""
    if value is None:
        return "n/a"
    return f"{value:.0%}"
