from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from familyhub.accounts.models import User
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.familyhelp.models import OfferResponse, Relationship

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HINT = "For example, 18 12 2026"


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _relationship_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Their relationship to the child",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their relationship to the child"},
    )


def _agrees_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Does the family agree they may be involved?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="If they agree, the family's lead professional and team around the family "
        "can see this person's details",
        error_messages={"required": "Select whether the family agrees they may be involved"},
    )


class NetworkDetailsForm(GovukForm):
    """What a network record says, on adding and changing it."""

    error_names = {"family_agrees": "whether the family agrees they may be involved"}

    relationship = _relationship_field()
    relationship_detail = forms.CharField(
        label="The relationship in the family's words (optional)",
        max_length=120,
        required=False,
        help_text="For example, Nan (mum's mum)",
    )
    can_offer = forms.CharField(
        label="What they can offer (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="For example, school runs on Mondays, a bed for a night",
    )
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    email = forms.CharField(label="Email address (optional)", max_length=200, required=False)
    family_agrees = _agrees_field()

    def agrees(self) -> bool | None:
        return yes_no(self.cleaned_data.get("family_agrees"))


class NetworkChangeForm(NetworkDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NetworkAddForm(NetworkDetailsForm):
    existing = forms.ChoiceField(
        label="Someone the register already links to the family (optional)",
        required=False,
        help_text="Or leave this and enter someone new below",
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        required=False,
        help_text="Needed for someone new to the register",
    )
    date_of_birth = GovukDateField(
        label="Date of birth (optional)",
        error_name="their date of birth",
        required=False,
        help_text="For example, 27 3 1961",
    )
    confirmed_new = forms.BooleanField(
        label="This is someone new to the register",
        required=False,
        help_text="Tick this if you are told someone with these details may already be "
        "registered and you have checked it is a different person",
    )
    field_order = [
        "existing",
        "given_name",
        "family_name",
        "date_of_birth",
        "confirmed_new",
        "relationship",
        "relationship_detail",
        "can_offer",
        "phone",
        "email",
        "family_agrees",
    ]

    def __init__(self, *args, known: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(Any, self.fields["existing"])
        field.choices = [("", "Someone new")] + list(known or [])
        if not known:
            del self.fields["existing"]


class OfferForm(GovukForm):
    error_names = {"response": "the family's answer"}

    offered_on = GovukDateField(
        label="Date of the offer",
        error_name="the date of the offer",
        initial=datetime.date.today,
        help_text=DATE_HINT,
    )
    offered_by: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who made the offer (optional)",
        queryset=None,
        required=False,
        empty_label="You",
    )
    response = forms.ChoiceField(
        label="The family's answer",
        choices=OfferResponse.choices,
        widget=forms.RadioSelect,
        initial=OfferResponse.NO_ANSWER,
        error_messages={"required": "Select the family's answer"},
    )
    declined_reason = forms.CharField(
        label="If they declined, why (in their words)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["offered_by"]).queryset = (
            User.objects.none() if people is None else people
        )


class AnswerForm(VersionedForm):
    error_names = {"response": "the family's answer"}

    response = forms.ChoiceField(
        label="The family's answer",
        choices=OfferResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the family's answer"},
    )
    responded_on = GovukDateField(
        label="Date they answered (optional)",
        error_name="the date the family answered",
        required=False,
        help_text=f"{DATE_HINT}. Leave blank for today.",
    )
    declined_reason = forms.CharField(
        label="If they declined, why (in their words)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class MeetingForm(GovukForm):
    error_names = {"private_family_time": "whether the family had private family time"}

    held_on = GovukDateField(
        label="Date of the meeting",
        error_name="the date of the meeting",
        initial=datetime.date.today,
        help_text=DATE_HINT,
    )
    coordinator: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Coordinator in Familyhub",
        queryset=None,
        required=False,
        empty_label="Choose a coordinator",
    )
    coordinator_name = forms.CharField(
        label="Or the coordinator's name, if they are not in Familyhub",
        max_length=160,
        required=False,
    )
    network_attended = forms.MultipleChoiceField(
        label="Who came from the family network",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    professionals_attended = forms.MultipleChoiceField(
        label="Who came from the team around the family",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_attended = forms.CharField(
        label="Anyone else who came (optional)", max_length=400, required=False
    )
    private_family_time = forms.ChoiceField(
        label="Did the family have private family time?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family had private family time"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, coordinators=None, network=(), professionals=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["coordinator"]).queryset = (
            User.objects.none() if coordinators is None else coordinators
        )
        network, professionals = list(network), list(professionals)
        cast(Any, self.fields["network_attended"]).choices = network
        cast(Any, self.fields["professionals_attended"]).choices = professionals
        if not network:
            del self.fields["network_attended"]
        if not professionals:
            del self.fields["professionals_attended"]


class PlanForm(GovukForm):
    what_will_happen = forms.CharField(
        label="What will happen",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="In the family's own words",
        error_messages={"required": "Enter what will happen, in the family's words"},
    )
    who_does_what = forms.CharField(
        label="Who does what",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter who does what"},
    )
    by_when = forms.CharField(
        label="By when",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Enter by when"},
    )
    agreed_on = GovukDateField(
        label="Date the family agreed the plan",
        error_name="the date the family agreed the plan",
        initial=datetime.date.today,
        help_text=DATE_HINT,
    )
    review_due = GovukDateField(
        label="Date of the first review",
        error_name="the date of the first review",
        help_text=DATE_HINT,
    )


class PlanReviewForm(VersionedForm):
    held_on = GovukDateField(
        label="Date of the review",
        error_name="the date of the review",
        initial=datetime.date.today,
        help_text=DATE_HINT,
    )
    how_it_went = forms.CharField(
        label="How the plan is going",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="In the family's words, and the network's",
        error_messages={"required": "Enter how the plan is going"},
    )
    next_review_due = GovukDateField(
        label="Next review (optional)",
        error_name="the date of the next review",
        required=False,
        help_text=f"{DATE_HINT}. Leave blank if there is no further review.",
    )


def council_people(episode) -> Any:
    """Practitioners of the episode's council, for who offered and who coordinated."""
    return (
        User.objects.filter(
            is_active=True, memberships__team__service__authority_id=episode.authority_id
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
