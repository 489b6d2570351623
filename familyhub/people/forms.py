"""Forms of the people pages. They parse and show errors; the checks themselves live in
people.validation so that the API and the import say the same thing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from familyhub.core.forms import GovukDateField
from familyhub.people import validation
from familyhub.people.models import ContactKind, Ethnicity, RelationshipKind, Sex

DATE_HINT = "For example, 27 3 2019"


class DateField(GovukDateField):
    """GOV.UK's Day, Month and Year boxes. The people rules (people.validation) check the date
    itself, so the API and the import say the same thing."""


class CheckedFormMixin:
    """Runs people.validation over the form's fields and puts each message on its field."""

    def apply_errors(self, error: ValidationError, *, prefix: str = "") -> None:
        for name, messages in error.message_dict.items():
            field = name.removeprefix(prefix)
            target = field if field in self.fields else None  # type: ignore[attr-defined]
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]


class CandidateSearchForm(forms.Form):
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = DateField(label="Date of birth", required=False, help_text=DATE_HINT)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        return validation.clean_date_of_birth(value)

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validation.clean_postcode(value) if value else ""

    def has_query(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("family_name") or data.get("date_of_birth"))


class AddressForm(forms.Form):
    line1 = forms.CharField(label="Address line 1", max_length=160)
    line2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=160)
    town = forms.CharField(label="Town or city", required=False, max_length=80)
    postcode = forms.CharField(label="Postcode", max_length=10)

    def clean_postcode(self):
        return validation.clean_postcode(self.cleaned_data.get("postcode", ""), required=True)


MEMBER_ROLES = [("parent", "Parent or carer"), ("child", "Child or young person")]
PARENT_RELATIONSHIPS = [
    (kind.value, kind.label)
    for kind in (
        RelationshipKind.MOTHER,
        RelationshipKind.FATHER,
        RelationshipKind.PARENT,
        RelationshipKind.STEP_PARENT,
        RelationshipKind.CARER,
        RelationshipKind.FOSTER_CARER,
        RelationshipKind.GRANDPARENT,
    )
]


class MemberForm(CheckedFormMixin, forms.Form):
    """One person in a family registration. A row left empty is skipped."""

    role = forms.ChoiceField(label="Who is this", choices=MEMBER_ROLES)
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = DateField(label="Date of birth", required=False, help_text=DATE_HINT)
    is_unborn = forms.BooleanField(label="Unborn baby", required=False)
    expected_date_of_delivery = DateField(
        label="Expected date of delivery (unborn baby only)", required=False, help_text=DATE_HINT
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    nhs_number = forms.CharField(label="NHS number (optional)", required=False, max_length=12)
    relationship = forms.ChoiceField(
        label="Relationship to the children (parents and carers)",
        choices=PARENT_RELATIONSHIPS,
        initial=RelationshipKind.PARENT,
        required=False,
    )
    existing = forms.UUIDField(required=False, widget=forms.HiddenInput)
    create_new = forms.BooleanField(
        label="This is a new person: none of the records shown is them", required=False
    )

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("existing"):
            try:
                validation.check_person_rules(validation.clean_person_fields(self.person_fields()))
            except ValidationError as error:
                self.apply_errors(error)
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not (
            data.get("given_name")
            or data.get("family_name")
            or data.get("existing")
            or data.get("is_unborn")
        )

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "given_name",
                "family_name",
                "date_of_birth",
                "is_unborn",
                "expected_date_of_delivery",
                "sex",
                "nhs_number",
            )
        }


MemberFormSet = forms.formset_factory(MemberForm, extra=4, max_num=8)


class PersonEditForm(CheckedFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    known_as = forms.CharField(label="Known as (optional)", required=False, max_length=100)
    date_of_birth = DateField(label="Date of birth", required=False, help_text=DATE_HINT)
    is_unborn = forms.BooleanField(label="Unborn baby", required=False)
    expected_date_of_delivery = DateField(
        label="Expected date of delivery", required=False, help_text=DATE_HINT
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=12)
    upn = forms.CharField(label="Unique pupil number", required=False, max_length=13)
    ethnicity = forms.ChoiceField(
        label="Ethnic group (ONS 2021)",
        choices=[("", "Not recorded"), *Ethnicity.choices],
        required=False,
    )
    first_language = forms.CharField(label="First language", required=False, max_length=60)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    disability_or_send = forms.BooleanField(
        label="Disability or special educational needs", required=False
    )
    send_detail = forms.CharField(
        label="Details of disability or SEND", required=False, max_length=240
    )
    date_of_death = DateField(label="Date of death", required=False, help_text=DATE_HINT)


class RelationshipForm(forms.Form):
    relative = forms.ChoiceField(label="Related to", widget=forms.RadioSelect)
    kind = forms.ChoiceField(
        label="This person is their", choices=RelationshipKind.choices, widget=forms.Select
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility for them", required=False
    )

    def __init__(self, *args, relatives, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["relative"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(p.public_id), p.display_name) for p in relatives]


class MoveForm(AddressForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    start = DateField(
        label="Moved in on",
        required=False,
        help_text="For example, 27 3 2026. Leave empty for today.",
    )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=ContactKind.choices, widget=forms.RadioSelect)
    value = forms.CharField(label="Number or email address", max_length=200)
    preferred = forms.BooleanField(label="Their preferred way to be contacted", required=False)
    ok_to_leave_message = forms.BooleanField(label="OK to leave a message", required=False)
    ok_to_text = forms.BooleanField(label="OK to send text messages", required=False)


class MergeForm(forms.Form):
    reason = forms.CharField(
        label="Why are these the same person?", widget=forms.Textarea, max_length=2000
    )


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label="Why was this merge wrong?", widget=forms.Textarea, max_length=2000
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File of people", help_text="A CSV file (UTF-8) or an Excel .xlsx spreadsheet"
    )
