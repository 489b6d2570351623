"""A Django form renderer that produces GOV.UK Frontend markup.

Every form rendered with `{{ form }}` gets an error summary linking to each field, field errors
above the input, hints from help_text, and the GOV.UK classes for its widget type.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


def widget_kind(widget: forms.Widget) -> str:
    """The GOV.UK component a widget should render as."""
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is asked first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


def render_widget(bound_field: forms.BoundField) -> str:
    kind = widget_kind(bound_field.field.widget)
    css = _CLASSES.get(kind, "")
    if bound_field.errors and kind in ("input", "select", "textarea", "file"):
        css += f" {css}--error"
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs: dict[str, str | bool] = {"class": f"{css} {existing}".strip()}
    if bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}-hint"
    return bound_field.as_widget(attrs=attrs)
