"""The directory's forms (GOV.UK: core.forms.GovukForm names the field in every message)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.directory.models import Status, TaxonomyTerm
from familyhub.directory.taxonomy import needs_terms


def _need_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(term.code, term.name) for term in needs_terms()]


class _NeedChoice:
    cleaned_data: dict

    def need_term(self) -> TaxonomyTerm | None:
        code = self.cleaned_data.get("need") or ""
        return next((term for term in needs_terms() if term.code == code), None)


class FindForm(_NeedChoice, GovukForm):
    """The public search: what help, and where (both optional)."""

    need = forms.ChoiceField(label="What do you need help with?", required=False)
    postcode = forms.CharField(
        label="Your postcode (optional)",
        required=False,
        max_length=20,
        help_text="To show the nearest first, for example RM17 6SL",
    )
    words = forms.CharField(label="Words to search for (optional)", required=False, max_length=100)
    error_names = {"need": "what you need help with", "postcode": "your postcode"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["need"]).choices = _need_choices("Anything")


class RecordForm(GovukForm):
    """An editor's changes to a directory record."""

    name = forms.CharField(label="Name", max_length=240)
    description = forms.CharField(
        label="Description for families",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In plain words: what it is, who it is for, how to go",
    )
    url = forms.URLField(
        label="Website (optional)", required=False, max_length=500, assume_scheme="https"
    )
    email = forms.EmailField(label="Email address (optional)", required=False)
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    minimum_age = forms.IntegerField(
        label="Youngest age, in years (optional)", required=False, min_value=0, max_value=130
    )
    maximum_age = forms.IntegerField(
        label="Oldest age, in years (optional)", required=False, min_value=0, max_value=130
    )
    alert = forms.CharField(
        label="Short-term notice (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs = forms.MultipleChoiceField(
        label="What needs it helps with", required=False, widget=forms.CheckboxSelectMultiple
    )
    checked = forms.BooleanField(label="I have checked this record is right today", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    error_names = {"minimum_age": "youngest age", "maximum_age": "oldest age"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["needs"]).choices = [(t.code, t.name) for t in needs_terms()]


class NewRecordForm(RecordForm):
    """A service an editor adds from scratch: who runs it and where, as well as what it is."""

    organization = forms.CharField(
        label="Who runs it",
        max_length=240,
        help_text="The charity, group or council service: for example, Grays Food Bank",
        error_messages={"required": "Enter who runs the service"},
    )
    address_1 = forms.CharField(
        label="Building and street (optional)",
        max_length=240,
        required=False,
        help_text="Leave the address empty for a service online or by phone",
    )
    city = forms.CharField(label="Town or city (optional)", max_length=120, required=False)
    postal_code = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    field_order = ["name", "organization", "description", "address_1", "city", "postal_code"]
    error_names = {**RecordForm.error_names, "postal_code": "postcode"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # nothing to have changed yet


class CheckedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(GovukForm):
    name = forms.CharField(label="Name of the directory", max_length=160)
    source = forms.URLField(
        label="Address of its Open Referral UK API",
        max_length=500,
        assume_scheme="https",
        help_text="Its root or its /services address, for example https://example.org/api/",
    )


class SignpostSearchForm(_NeedChoice, GovukForm):
    need = forms.ChoiceField(label="What does the family need help with?")
    postcode = forms.CharField(label="Postcode to search near", max_length=20)
    error_names = {"need": "what the family needs help with", "postcode": "the postcode"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["need"]).choices = _need_choices("Choose a need")


class SignpostForm(GovukForm):
    service = forms.ChoiceField(label="Service you told them about", widget=forms.RadioSelect)
    given_on = GovukDateField(label="Date signposted")
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you told them, and anything they will do",
    )
    error_names = {"service": "the service you told them about", "given_on": "the date signposted"}

    def __init__(self, *args, choices: list[tuple[str, str]] = (), **kwargs) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["service"]).choices = list(choices)
