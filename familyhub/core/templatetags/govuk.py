from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from familyhub.core.forms import (
    character_count,
    error_anchor,
    error_summary_items,
    render_widget,
    widget_kind,
)

register = template.Library()


@register.filter
def govuk_kind(bound_field) -> str:
    return widget_kind(bound_field.field.widget)


@register.filter
def govuk_error_anchor(bound_field) -> str:
    return error_anchor(bound_field)


@register.filter
def govuk_character_count(bound_field) -> int | None:
    return character_count(bound_field)


@register.simple_tag
def govuk_widget(bound_field) -> str:
    return mark_safe(render_widget(bound_field))


@register.inclusion_tag("govuk/forms/error_summary.html")
def govuk_error_summary(*forms, row: str = "") -> dict:
    """One GOV.UK error summary for every form and formset on a page:
    {% govuk_error_summary address_form formset row="Person" %}."""
    return {"items": error_summary_items(forms, row=row)}


@register.filter
def govuk_fields(form) -> str:
    """A form's fields without its own error summary, for a page that shows one summary for
    several forms."""
    return form.render("govuk/forms/fields.html")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def when(value) -> str:
    """A moment as people say it, in the local time zone: "3 December 2026, 1:42pm"."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    return (
        f"{local.day} {local:%B %Y}, {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    )


@register.filter
def nhs_number(value: str) -> str:
    """An NHS number as people read and say it: 943 476 5919 (NHS style), anything else as is."""
    digits = "".join(str(value or "").split())
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return str(value or "")
