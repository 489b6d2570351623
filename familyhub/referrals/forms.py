from __future__ import annotations

from typing import Any, cast

from django import forms

from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.referrals.models import (
    Consent,
    InboxDecision,
    Outcome,
    ReferrerKind,
    SentBy,
    Urgency,
)
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
    to_service: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Which service are you referring to?",
        queryset=None,
        required=False,
        empty_label=None,
        help_text="The front door decides the level of need; any other service decides itself",
        error_messages={"invalid_choice": "Choose the service you are referring to from the list"},
    )
    sent_by = forms.ChoiceField(
        label="If the service is not on Familyhub, how should the referral go?",
        choices=SentBy.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Familyhub makes the referral letter; secure email sends it to the "
        "service's secure address",
        error_messages={
            "invalid_choice": "Choose how the referral should go: a letter or secure email"
        },
    )

    def __init__(self, *args, services, external_ids=frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["to_service", "sent_by"])
        field = cast(Any, self.fields["to_service"])
        field.queryset = services
        field.label_from_instance = lambda service: (
            f"{service.name} (not on Familyhub: by letter or secure email)"
            if service.pk in external_ids
            else service.name
        )


class InboxDecisionForm(GovukForm):
    """A receiving service's decision on a referral in its inbox."""

    error_names = {"reason": "the reason or question", "worker": "the worker"}

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="What happens next?",
        choices=InboxDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next"},
    )
    worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Allocate to (optional)",
        queryset=None,
        required=False,
        empty_label="Allocate later",
        help_text="Only when accepting",
    )
    reason = forms.CharField(
        label="Reason for declining, or what more you need to know",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Needed when declining or asking for more; the referrer reads it",
    )

    def __init__(self, *args, workers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(Any, self.fields["worker"])
        field.queryset = workers
        field.label_from_instance = lambda user: user.get_full_name() or user.username


class AssignForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who will work with the family?",
        queryset=None,
        empty_label="Choose a worker",
        error_messages={"required": "Choose who will work with the family"},
    )

    def __init__(self, *args, workers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(Any, self.fields["worker"])
        field.queryset = workers
        field.label_from_instance = lambda user: user.get_full_name() or user.username


class AnswerForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label="The information the service asked for",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the information the service asked for"},
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
