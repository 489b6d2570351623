"""Forms of the people pages. They parse and show errors; the checks themselves live in
people.validation so that the API and the import say the same thing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from familyhub.core.forms import GovukDateField, GovukForm, GovukFormSet
from familyhub.core.reasons import reason_problem
from familyhub.people import validation
from familyhub.people.models import ContactKind, Ethnicity, RelationshipKind, Sex

DATE_HINT = "For example, 27 3 2019"


class DateField(GovukDateField):
    """GOV.UK's Day, Month and Year boxes. The people rules (people.validation) check the date
    itself, so the API and the import say the same thing."""


class CandidateSearchForm(GovukForm):
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = DateField(label="Date of birth", required=False, help_text=DATE_HINT)
    year_of_birth = forms.IntegerField(
        label="Year of birth (optional)",
        required=False,
        min_value=1900,
        max_value=2100,
        help_text="When the full date of birth is not known. For example, 2019",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Year of birth must be a year with 4 numbers, like 2019",
            "min_value": "Year of birth must be a year with 4 numbers, like 2019",
            "max_value": "Year of birth must be a year with 4 numbers, like 2019",
        },
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    card_number = forms.CharField(
        label="Family card number (optional)", required=False, max_length=20
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        return validation.clean_date_of_birth(value)

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validation.clean_postcode(value) if value else ""

    def clean_card_number(self):
        return "".join(self.cleaned_data.get("card_number", "").split()).upper()

    def has_query(self) -> bool:
        """Any detail typed is a search: a family name alone, a given name with a year of birth,
        a postcode alone, a family card number."""
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(name)
            for name in (
                "given_name",
                "family_name",
                "date_of_birth",
                "year_of_birth",
                "postcode",
                "card_number",
            )
        )


class AddressForm(GovukForm):
    error_names = {
        "line1": "the first line of the address",
        "line2": "the second line of the address",
    }

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


class MemberForm(GovukForm):
    """One person in a family registration. A row left empty is skipped."""

    error_names = {"role": "whether this is a parent or carer, or a child"}

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
        super().clean()
        data = self.cleaned_data
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


class MemberRows(GovukFormSet):
    default_error_messages = {
        "too_many_forms": "Add no more than %(num)d people at a time",
        "too_few_forms": "Add at least %(num)d people",
    }


MemberFormSet = forms.formset_factory(
    MemberForm, formset=MemberRows, extra=4, max_num=8, validate_max=True
)


class PersonEditForm(GovukForm):
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


class RelationshipForm(GovukForm):
    error_names = {"relative": "who they are related to", "kind": "how they are related"}

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


class ContactForm(GovukForm):
    error_names = {"kind": "the type of contact"}

    kind = forms.ChoiceField(label="Type", choices=ContactKind.choices, widget=forms.RadioSelect)
    value = forms.CharField(label="Number or email address", max_length=200)
    preferred = forms.BooleanField(label="Their preferred way to be contacted", required=False)
    ok_to_leave_message = forms.BooleanField(label="OK to leave a message", required=False)
    ok_to_text = forms.BooleanField(label="OK to send text messages", required=False)


class MergeForm(GovukForm):
    error_names = {"reason": "the reason these are the same person"}

    reason = forms.CharField(
        label="Why are these the same person?", widget=forms.Textarea, max_length=2000
    )


class UnmergeForm(GovukForm):
    error_names = {"reason": "the reason the merge was wrong"}

    reason = forms.CharField(
        label="Why was this merge wrong?", widget=forms.Textarea, max_length=2000
    )


class RegisterExistingForm(GovukForm):
    """Registering someone already on the register: why, when their record is not shared with
    the registrar's team yet (a manager of the team reads it before confirming)."""

    error_names = {"reason": "why you are registering them"}

    reason = forms.CharField(
        label="Why are you registering them with your team?",
        help_text=(
            "For example: they came to the hub today and asked to join a group. Your team "
            "leader reads this before confirming."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args, needs_reason: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        if not needs_reason:
            del self.fields["reason"]

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if self.needs_reason:
            problem = reason_problem(
                reason, minimum=10, words=3, asked="why you are registering them with your team"
            )
            if problem:
                raise forms.ValidationError(problem)
        return reason


class ImportUploadForm(GovukForm):
    error_names = {"file": "a CSV or Excel file"}

    file = forms.FileField(
        label="File of people", help_text="A CSV file (UTF-8) or an Excel .xlsx spreadsheet"
    )
