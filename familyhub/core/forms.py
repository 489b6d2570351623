"""GOV.UK Frontend forms: a renderer, the date input, and error messages in plain English.

Every form rendered with `{{ form }}` gets an error summary linking to each field, field errors
above the input, hints from help_text, and the GOV.UK classes for its widget type. Every form
built on GovukForm (or GovukModelForm) says what is wrong in GOV.UK's words, naming the field
("Enter the postcode", "Family name must be 100 characters or less"), never Django's own
("This field is required.").
"""

from __future__ import annotations

import datetime
import functools
import inspect
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name


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
    if character_count(bound_field):
        css += " govuk-js-character-count"
    existing = bound_field.field.widget.attrs.get("class", "")
    if kind == "input" and "govuk-input--width" not in existing:
        css += width_class(bound_field)
    attrs: dict[str, str | bool] = {"class": f"{css} {existing}".strip()}
    described_by = [f"{bound_field.auto_id}-hint"] if bound_field.help_text else []
    if bound_field.errors and kind in ("input", "select", "textarea", "file"):
        described_by.append(f"{bound_field.auto_id}-error")
    if character_count(bound_field):
        described_by.append(f"{bound_field.auto_id}-info")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    # The browser would cut what is typed past maxlength without a word: the form checks the
    # length itself and says so ("Family name must be 100 characters or less").
    attrs["maxlength"] = attrs["minlength"] = False
    widget = bound_field.field.widget
    if isinstance(widget, forms.NumberInput):
        # GOV.UK asks for a text input with a numeric keyboard, not type="number" (which turns
        # what the browser cannot read into nothing); the form says "must be a number".
        widget.input_type = "text"
        whole = not isinstance(bound_field.field, forms.FloatField | forms.DecimalField)
        attrs["inputmode"] = "numeric" if whole else "decimal"
        attrs["min"] = attrs["max"] = attrs["step"] = False
    return bound_field.as_widget(attrs=attrs)


# Inputs sized to what goes in them (GOV.UK: "the width of the input should reflect the
# expected length of the answer"), by field name wherever it is used.
WIDTH_BY_NAME = {
    "postcode": 10,
    "nhs_number": 10,
    "card_number": 20,
    "year": 4,
    "year_of_birth": 4,
    "phone": 20,
    "referrer_phone": 20,
}


def width_class(bound_field: forms.BoundField) -> str:
    """' govuk-input--width-N' for a short answer (a postcode, an NHS number, a number), or ''."""
    width = WIDTH_BY_NAME.get(bound_field.name)
    field = bound_field.field
    if width is None and isinstance(
        field, forms.IntegerField | forms.FloatField | forms.DecimalField
    ):
        width = 5
    return f" govuk-input--width-{width}" if width else ""


def character_count(bound_field: forms.BoundField) -> int | None:
    """The limit a textarea shows a GOV.UK character count for, if it has one."""
    if widget_kind(bound_field.field.widget) != "textarea":
        return None
    return getattr(bound_field.field, "max_length", None)


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
                raise self._error(str(message), "required", DATE_PARTS)
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


# --- GOV.UK error messages ---------------------------------------------------------------------
# https://design-system.service.gov.uk/components/error-message/ : say what went wrong and how
# to fix it, naming the field: "Enter the postcode", "Select the level of need", "Family name
# must be 100 characters or less", "Height must be a number". A form says how a field is named
# in messages in `error_names` when its label does not read well there (a question, say), and
# still sets a field's own message with `error_messages` where a better one is known.

# Words a name can start with that need no "the" in front ("Select which services").
_NO_ARTICLE = re.compile(
    r"^(the|a|an|any|at least|each|every|your|their|his|her|its|who|what|why|how|which|when|"
    r"where|whether|if)\b",
    re.IGNORECASE,
)
# Shown for a hidden field (a version number, a record chosen on an earlier page): the person
# did not type it, so the message says how to put it right rather than naming it.
HIDDEN_FIELD_MESSAGE = "The page was out of date or incomplete: reload the page and try again"


def label_name(label: object) -> str:
    """A label as it reads inside a message: no "(optional)" or "(£)" at the end, no leading
    "Or", and lower case unless it starts with an abbreviation such as NHS, IMD or ASQ-3. A
    question mark is kept, so a question label is noticed and given an error name."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", str(label or "")).strip().rstrip(":")
    name = re.sub(r"^or\s+", "", name, flags=re.IGNORECASE).replace("%", " per cent")
    first = name.split(" ", 1)[0].rstrip(":")
    if name and not (first.isupper() and len(first) > 1):
        name = name[0].lower() + name[1:]
    return name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def with_article(name: str) -> str:
    """ "the postcode", but "which services" and "your own id" as they are."""
    return name if _NO_ARTICLE.match(name) else f"the {name}"


def _bare(name: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", name, flags=re.IGNORECASE)


def _largest(field: forms.DecimalField) -> str | None:
    """The largest number a DecimalField takes, from max_digits and decimal_places."""
    if field.max_digits is None:
        return None
    places = field.decimal_places or 0
    whole = "9" * (field.max_digits - places) or "0"
    return f"{whole}.{'9' * places}" if places else whole


def govuk_messages(field: forms.Field, name: str) -> dict[str, str]:
    """GOV.UK messages for a field, keyed by Django's error codes, for a field named `name` in
    messages ("the postcode", "family name"). The limits come from the check that failed
    (%(limit_value)s), so a model's limit reads as well as the form's."""
    if field.widget.is_hidden:
        codes = [*field.error_messages, "max_length", "min_length", "min_value", "max_value"]
        return dict.fromkeys(codes, HIDDEN_FIELD_MESSAGE)
    subject, the = _capital(name), with_article(name)
    if isinstance(field, forms.FileField):
        bare = _bare(name)
        return {
            "required": f"Select {the}",
            "missing": f"Select {the}",
            "invalid": f"Select {the}",
            "empty": f"The selected {bare} is empty",
            "max_length": f"The name of the selected {bare} must be %(max)d characters or less",
            "contradiction": f"Select {the} or remove it, not both",
        }
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choice_codes = ("required", "invalid_choice", "invalid_list", "invalid_pk_value")
        return dict.fromkeys(choice_codes, f"Select {the}")
    if isinstance(field, forms.BooleanField):
        label = re.sub(r"\s*\([^)]*\)\s*$", "", str(field.label or pretty_name(name)))
        return {"required": f"Select “{label}” to continue"}
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        # FloatField and DecimalField are subclasses of IntegerField.
        whole = not isinstance(field, forms.FloatField | forms.DecimalField)
        messages = {
            "required": f"Enter {the}",
            "invalid": f"{subject} must be a {'whole ' if whole else ''}number",
            "min_value": f"{subject} must be %(limit_value)s or more",
            "max_value": f"{subject} must be %(limit_value)s or less",
            "step_size": f"{subject} must be a multiple of %(limit_value)s",
            "max_decimal_places": f"{subject} must have no more than %(max)s decimal places",
        }
        largest = _largest(field) if isinstance(field, forms.DecimalField) else None
        if largest:
            messages["max_digits"] = messages["max_whole_digits"] = (
                f"{subject} must be {largest} or less"
            )
        return messages
    if isinstance(field, forms.TimeField):
        return {"required": f"Enter {the}", "invalid": f"Enter {the} as a time, like 14:30"}
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return {"required": f"Enter {the}", "invalid": f"{subject} must be a real date"}
    example = ", like name@example.com" if isinstance(field, forms.EmailField) else ""
    return {
        "required": f"Enter {the}",
        "invalid": f"Enter {the} in the correct format{example}",
        "max_length": f"{subject} must be %(limit_value)s characters or less",
        "min_length": f"{subject} must be %(limit_value)s characters or more",
        "null_characters_not_allowed": f"{subject} must not contain invisible characters",
    }


def _django_defaults(cls: type) -> dict[str, str]:
    """Django's own messages for a field class, merged down its classes."""
    merged: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        merged.update(getattr(klass, "default_error_messages", {}) or {})
    return {code: str(message) for code, message in merged.items()}


def field_error_name(form: forms.BaseForm, name: str) -> str:
    field = form.fields[name]
    return (
        getattr(form, "error_names", {}).get(name)
        or getattr(field, "error_name", "")
        or label_name(field.label or pretty_name(name))
    )


def apply_govuk_messages(form: forms.BaseForm, name: str) -> None:
    """Give a form's field GOV.UK messages where it still has Django's own. Messages the form
    set itself are kept; a choice field's "Select..." message is said for a choice that does
    not exist too."""
    field = form.fields[name]
    if isinstance(field, GovukDateField):  # says its own messages, from its error_name
        field.error_name = field.error_name or getattr(form, "error_names", {}).get(name, "")
        return
    if isinstance(field, forms.MultiValueField):
        return
    defaults = _django_defaults(type(field))
    own = {
        code for code, message in field.error_messages.items() if str(message) != defaults.get(code)
    }
    messages = govuk_messages(field, field_error_name(form, name))
    if "required" in own and isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        messages = {code: str(field.error_messages["required"]) for code in messages}
    for code, message in messages.items():
        if code not in own:
            field.error_messages[code] = message


# Django's English messages as patterns, each with its code and the values it was given, so a
# message that reaches a form as text (from a model's full_clean() in a service, say) can be
# said again in the field's own words.
_MODEL_CODES = {"blank": "required", "null": "required"}


class _Marker(int):
    def __str__(self) -> str:
        return f"@@{int(self)}@@"

    __repr__ = __str__


class _Params(dict):
    """Stands for every value a message template asks for, noting their names in order."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def __missing__(self, key: str) -> _Marker:
        self.asked.append(key)
        self[key] = _Marker(900_000_000 + len(self.asked))
        return self[key]


def _message_sources() -> Iterator[tuple[str, Any]]:
    from django.core import validators
    from django.db.models import fields as model_fields

    for module in (forms.fields, forms.models, model_fields):
        for value in vars(module).values():
            if inspect.isclass(value):
                messages = vars(value).get("default_error_messages")
                if isinstance(messages, dict):
                    yield from messages.items()
    for value in vars(validators).values():
        if inspect.isclass(value):
            message, code = vars(value).get("message"), vars(value).get("code")
            if message is not None and isinstance(code, str):
                yield code, message
            messages = vars(value).get("messages")
            if isinstance(messages, dict):
                yield from messages.items()


@functools.cache
def _django_message_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for code, template in _message_sources():
        params = _Params()
        try:
            text = str(template % params)
        except (TypeError, ValueError, KeyError):
            continue
        regex = re.escape(text)
        for index, key in enumerate(params.asked, start=1):
            marker = re.escape(str(_Marker(900_000_000 + index)))
            number = str(900_000_000 + index)
            group = f"(?P<{key}>.+?)"
            regex = regex.replace(marker, group, 1).replace(number, group, 1)
        try:
            patterns.append((re.compile(regex, re.DOTALL), _MODEL_CODES.get(code, code)))
        except re.error:  # the same value twice in one message: no use for the lookup
            continue
    return patterns


def django_message(text: str) -> tuple[str, dict[str, str]] | None:
    """(code, values) if the text is one of Django's own English messages."""
    for pattern, code in _django_message_patterns():
        match = pattern.fullmatch(text.strip())
        if match:
            return code, match.groupdict()
    return None


class GovukErrorsMixin:
    """GOV.UK error messages for every field of a form, named from its label or from
    `error_names` ({"reason": "why you are sharing"}). Fields added in a subclass's __init__ are
    named too: the messages are given just before the form is cleaned."""

    error_names: dict[str, str] = {}

    def full_clean(self) -> None:
        form: Any = self
        for name in form.fields:
            apply_govuk_messages(form, name)
        super().full_clean()  # type: ignore[misc]

    def add_error(self, field: str | None, error: Any) -> None:
        """A message from a model's checks (a service's full_clean()) that is one of Django's
        own is said in the field's words instead."""
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    name: [self._plain(name, e) for e in errors]
                    for name, errors in error.error_dict.items()
                }
            )
        else:
            error = ValidationError([self._plain(field, e) for e in error.error_list])
        super().add_error(field, error)  # type: ignore[misc]

    def apply_errors(self, error: ValidationError, *, prefix: str = "") -> None:
        """Put a service's ValidationError on the form, never a 500: each message on the field it
        names (after removing `prefix`, as in "members[0].family_name"), the rest at the top for
        the error summary. A field that already has an error keeps that one (the service saw it
        as empty, and "Enter a family name" under "too long" would say the opposite)."""
        form: Any = self
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            field = name.removeprefix(prefix)
            target = field if field in form.fields else None
            if target is not None and target in form.errors:
                continue
            form.add_error(target, messages)

    def _plain(self, name: str | None, error: ValidationError) -> ValidationError:
        form: Any = self
        if name is None or name not in form.fields:
            return error
        text = str(error.message % error.params if error.params else error.message)
        found = django_message(text)
        if found is None:
            return error
        code, params = found
        apply_govuk_messages(form, name)
        message = form.fields[name].error_messages.get(code)
        if message is None:
            return error
        return ValidationError(message, code=code, params=params)


class GovukForm(GovukErrorsMixin, forms.Form):
    """The base of every Familyhub form."""


class GovukModelForm(GovukErrorsMixin, forms.ModelForm):
    """The base of every Familyhub model form (the admin's too)."""


class GovukFormSet(BaseFormSet):
    """A formset whose own messages are plain English. A formset says what its rows are in its
    own too_many_forms and too_few_forms ("Add no more than %(num)d people at a time")."""

    default_error_messages = {
        "missing_management_form": HIDDEN_FIELD_MESSAGE,
        "too_many_forms": "Add no more than %(num)d at a time",
        "too_few_forms": "Add at least %(num)d",
    }


# --- The error summary -------------------------------------------------------------------------


def error_summary_items(
    forms_: Iterable[forms.BaseForm | BaseFormSet], *, row: str = ""
) -> list[tuple[str, str]]:
    """(anchor, message) for each error on a page of forms and formsets, each once, in the
    order of the page. A formset's rows are named ("Person 2: Enter the family name") when
    `row` is given. An error of a hidden field has no anchor: there is nothing to jump to."""
    items: list[tuple[str, str]] = []

    def add(anchor: str, message: object) -> None:
        item = (anchor, str(message))
        if item not in items:
            items.append(item)

    def add_form(form: forms.BaseForm, prefix: str = "") -> None:
        for message in form.non_field_errors():
            add("", f"{prefix}{message}")
        for bound in form.hidden_fields():
            for message in bound.errors:
                add("", f"{prefix}{message}")
        for bound in form.visible_fields():
            for message in bound.errors:
                add(error_anchor(bound), f"{prefix}{message}")

    for item in forms_:
        if isinstance(item, BaseFormSet):
            for message in item.non_form_errors():
                add("", message)
            if not item.is_bound or not item.management_form.is_valid():
                continue
            for index, form in enumerate(item.forms, start=1):
                add_form(form, f"{row} {index}: " if row else "")
        else:
            add_form(item)
    return items
