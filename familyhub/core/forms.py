"""A Django form renderer that produces GOV.UK Frontend markup.

Every form rendered with `{{ form }}` gets an error summary linking to each field, field errors
above the input, hints from help_text, and the GOV.UK classes for its widget type.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


def widget_kind(widget: forms.Widget) -> str:
    """The GOV.UK component a widget should render as."""
    if isinstance(widget, GovukDateInput):
        return "date"
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
    if kind == "date":
        # The widget styles its own boxes; the fieldset carries the hint and error.
        return bound_field.as_widget(
            attrs={"data-error-parts": " ".join(date_error_parts(bound_field))}
        )
    css = _CLASSES.get(kind, "")
    if bound_field.errors and kind in ("input", "select", "textarea", "file"):
        css += f" {css}--error"
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs: dict[str, str | bool] = {"class": f"{css} {existing}".strip()}
    if bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}-hint"
    return bound_field.as_widget(attrs=attrs)


# --- GOV.UK date input ------------------------------------------------------------------------
# https://design-system.service.gov.uk/components/date-input/ : a date is typed as three boxes
# (Day, Month, Year) in one fieldset; an error names the part that is wrong and only that box is
# highlighted.

DATE_PARTS = ("day", "month", "year")
DATE_HINT = "For example, 27 3 2007"
_ALL_PARTS = " ".join(DATE_PARTS)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Dates that may reach the widget as text: a link such as ?week=2026-01-12, or an initial value.
_TEXT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y")


def _parse_text_date(text: str) -> datetime.date | None:
    for pattern in _TEXT_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


class GovukDateInput(forms.MultiWidget):
    """Day, Month and Year boxes named <name>_day, <name>_month and <name>_year."""

    template_name = "govuk/forms/widgets/date_input.html"
    _widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None) -> None:
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in DATE_PARTS}, attrs)

    def decompress(self, value) -> list[str | None]:
        if isinstance(value, str):
            value = _parse_text_date(value)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        whole = data.get(name)
        if not any(parts) and whole:
            # A link or an older form that sends the whole date in one value (?week=2026-01-12).
            # Text that is not a date goes in every box, so the error says it is not a real date.
            return self.decompress(whole) if _parse_text_date(str(whole)) else [whole] * 3
        return parts

    def value_omitted_from_data(self, data, files, name) -> bool:
        return super().value_omitted_from_data(data, files, name) and name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        wrong = str(attrs.pop("data-error-parts", "")).split()
        context = super().get_context(name, value, attrs)
        group_id = context["widget"]["attrs"].get("id")
        for part, sub in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            css = f"govuk-input govuk-date-input__input govuk-input--width-{self._widths[part]}"
            sub["attrs"].pop("aria-invalid", None)
            if part in wrong:
                css += " govuk-input--error"
                sub["attrs"]["aria-invalid"] = "true"
            sub["attrs"]["class"] = css
            sub["attrs"].pop("aria-describedby", None)
            if group_id:
                sub["attrs"]["id"] = f"{group_id}_{part}"
            sub["part"] = part
            sub["label"] = part.capitalize()
        return context


def _and_join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class GovukDateField(forms.MultiValueField):
    """A date typed in GOV.UK's three boxes. Errors say which part is wrong ("Date of birth must
    include a month") and carry the parts in their params, so only those boxes are highlighted.

    `error_name` is how messages name the date ("the date of the review"); it defaults to the
    label without any "(optional)".
    """

    widget = GovukDateInput

    def __init__(self, *, error_name: str = "", **kwargs) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        self.custom_required = "required" in (kwargs.get("error_messages") or {})
        parts = [forms.CharField(required=False) for _ in DATE_PARTS]
        super().__init__(parts, require_all_fields=False, **kwargs)
        self.error_name = error_name

    def _name(self) -> str:
        if self.error_name:
            return self.error_name
        label = re.sub(r"\s*\([^)]*\)\s*$", "", str(self.label or "date")).strip()
        return label[0].lower() + label[1:] if label and not label.split()[0].isupper() else label

    def _error(self, message: str, code: str, parts) -> forms.ValidationError:
        return forms.ValidationError(message, code=code, params={"parts": " ".join(parts)})

    def clean(self, value):
        if self.disabled and not isinstance(value, list | tuple):
            value = GovukDateInput().decompress(value)
        typed = [str(v).strip() if v is not None else "" for v in list(value or [])[:3]]
        typed += [""] * (3 - len(typed))
        name = self._name()
        subject = name[0].upper() + name[1:]
        if not any(typed):
            if self.required:
                message = (
                    self.error_messages["required"] if self.custom_required else f"Enter {name}"
                )
                raise self._error(message, "required", DATE_PARTS)
            return None
        missing = [part for part, text in zip(DATE_PARTS, typed, strict=True) if not text]
        if missing:
            raise self._error(
                f"{subject} must include a {_and_join(missing)}", "incomplete", missing
            )
        result = self._to_date(typed, subject)
        self.validate(result)
        self.run_validators(result)
        return result

    def _to_date(self, typed: list[str], subject: str) -> datetime.date:
        day_text, month_text, year_text = typed
        month = _MONTHS.get(month_text.lower()) or (int(month_text) if month_text.isdigit() else 0)
        day = int(day_text) if day_text.isdigit() else 0
        wrong = [
            part for part, ok in (("day", 1 <= day <= 31), ("month", 1 <= month <= 12)) if not ok
        ]
        if not year_text.isdigit():
            wrong.append("year")
        if wrong:
            raise self._error(f"{subject} must be a real date", "invalid", wrong)
        if len(year_text) != 4:
            raise self._error(f"{subject} must include a year with 4 numbers", "year", ["year"])
        try:
            return datetime.date(int(year_text), month, day)
        except ValueError:  # 31 in a 30-day month, or 29 February in a common year
            raise self._error(f"{subject} must be a real date", "invalid", ["day"]) from None

    def compress(self, data_list):  # clean() builds the date itself; kept for the interface
        return None

    def has_changed(self, initial, data) -> bool:
        if not isinstance(initial, list | tuple):
            initial = GovukDateInput().decompress(initial)
        return [str(v or "") for v in initial] != [
            str(v or "").strip() for v in data or ["", "", ""]
        ]


def date_error_parts(bound_field: forms.BoundField) -> list[str]:
    """The boxes of a date field to highlight: those its errors name, or all of them for an error
    about the whole date (such as "must be in the past")."""
    if not bound_field.errors:
        return []
    parts: list[str] = []
    for error in bound_field.errors.as_data():
        named = (error.params or {}).get("parts", _ALL_PARTS).split()
        parts += [part for part in named if part not in parts]
    return [part for part in DATE_PARTS if part in parts]


def error_anchor(bound_field: forms.BoundField) -> str:
    """The id an error summary link points at: the first radio or checkbox, the first wrong box
    of a date, or the input itself."""
    kind = widget_kind(bound_field.field.widget)
    if kind in ("radios", "checkboxes"):
        return f"{bound_field.auto_id}_0"
    if kind == "date":
        wrong = date_error_parts(bound_field) or ["day"]
        return f"{bound_field.auto_id}_{wrong[0]}"
    return bound_field.auto_id
