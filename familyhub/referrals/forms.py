from __future__ import annotations

from typing import Any, cast

from django import forms

from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.referrals.models import Consent, Outcome, ReferrerKind, Urgency
from familyhub.referrals.needs import Need


class FindPersonForm(GovukForm):
    given_name = forms.CharField(label="First name (optional)", max_length=100, required=False)
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter their last name"},
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=8, required=False)


class ReferralForm(GovukForm):
    """The professional referral form and a family's own request share these fields; the
    service (referrals.services.referral_create) checks them again for the API."""

    error_names = {
        "needs": "the areas the concerns are about",
        "concerns": "the concerns",
        "referrer_phone": "the phone number",
        "referrer_email": "the email address",
    }

    referrer_kind = forms.ChoiceField(
        label="Who is making the referral?",
        choices=ReferrerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is making the referral"},
    )
    referrer_name = forms.CharField(
        label="Referrer's name",
        max_length=160,
        error_messages={"required": "Enter the referrer's name"},
    )
    referrer_organisation = forms.CharField(
        label="Organisation",
        max_length=160,
        required=False,
        help_text="For example, the school's name. Leave blank for a family's own request.",
    )
    referrer_role = forms.CharField(
        label="Their role (optional)", max_length=120, required=False, help_text="For example, DSL"
    )
    referrer_phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    referrer_email = forms.EmailField(label="Email (optional)", required=False)
    needs = forms.MultipleChoiceField(
        label="Which areas are the concerns about?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    concerns = forms.CharField(
        label="What are the concerns?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What is happening for the child and family, in your own words",
        error_messages={"required": "Enter what the concerns are"},
    )
    consent = forms.ChoiceField(
        label="Does the family know about this referral and agree to it?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text="Early help needs the family's agreement; a safeguarding concern does not.",
        error_messages={
            "required": "Select whether the family knows about this referral and agrees to it"
        },
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.STANDARD,
        error_messages={"required": "Select how urgent it is"},
    )


class DecisionForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Level of need",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the level of need"},
    )
    outcome = forms.ChoiceField(
        label="What happens next?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
    )
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Early help team",
        queryset=None,
        required=False,
        empty_label="Choose a team",
        help_text="Only when allocating to early help",
    )
    reason = forms.CharField(
        label="Reasons for your decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for your decision"},
    )

    def __init__(self, *args, levels, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["level"]).queryset = levels
        cast(Any, self.fields["level"]).label_from_instance = lambda level: (
            f"{level.level}: {level.name} ({level.description.lower()})"
        )
        cast(Any, self.fields["team"]).queryset = teams
