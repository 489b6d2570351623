from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from familyhub.core.forms import error_anchor, render_widget, widget_kind

register = template.Library()


@register.filter
def govuk_kind(bound_field) -> str:
    return widget_kind(bound_field.field.widget)


@register.filter
def govuk_error_anchor(bound_field) -> str:
    return error_anchor(bound_field)


@register.simple_tag
def govuk_widget(bound_field) -> str:
    return mark_safe(render_widget(bound_field))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
