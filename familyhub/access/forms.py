from __future__ import annotations

from typing import Any, cast

from django import forms

from familyhub.access.models import (
    Article9Condition,
    Basis,
    BreakGlassGround,
    ConsentMethod,
    ConsentPurpose,
)
from familyhub.access.records import category_choices
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.core.reasons import reason_problem
from familyhub.people.identifiers import is_valid_nhs_number
from familyhub.services.models import Service, Team


class TimelineFilterForm(GovukForm):
    service = forms.TypedChoiceField(
        label="Service", required=False, coerce=int, empty_value=None, choices=()
    )
    category = forms.ChoiceField(label="Category", required=False, choices=())

    def __init__(self, *args, services: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        service_field: forms.ChoiceField = self.fields["service"]  # type: ignore[assignment]
        service_field.choices = [("", "All services"), *services]
        category_field: forms.ChoiceField = self.fields["category"]  # type: ignore[assignment]
        category_field.choices = [("", "All categories"), *category_choices()]


class NoteForm(GovukForm):
    error_names = {"for_family": "whether the family can read it"}
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    category = forms.ChoiceField(
        label="Category",
        choices=(),
        help_text="Choose a sensitive category (such as domestic abuse) to keep the note "
        "within your service unless you share it.",
    )

    for_family = forms.TypedChoiceField(
        label="Can the family read this note on their side?",
        choices=[("no", "No, it is for colleagues"), ("yes", "Yes, the family can read it")],
        coerce=lambda value: value == "yes",
        empty_value="",
        required=False,
        initial="no",
        widget=forms.RadioSelect,
        help_text="A note in a sensitive category, or about safeguarding, is never shown to "
        "the family, whatever you choose.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["category"]).choices = category_choices()


class ConsentForm(GovukForm):
    error_names = {
        "given": "whether they gave consent",
        "purpose": "what the consent is for",
        "method": "how consent was given",
    }

    given = forms.TypedChoiceField(
        label="Did they give consent?",
        choices=[("yes", "Yes, consent given"), ("no", "No, consent refused")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    purpose = forms.ChoiceField(label="What for", choices=ConsentPurpose.choices)
    method = forms.ChoiceField(label="How was it given", choices=ConsentMethod.choices)
    services = forms.ModelMultipleChoiceField(
        label="Which services",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every service in the family service.",
    )
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["services"]).queryset = Service.objects.filter(authority=authority)


class WithdrawForm(GovukForm):
    error_names = {"note": "why consent is withdrawn"}

    note = forms.CharField(label="Why is consent withdrawn?", widget=forms.Textarea)


class ShareForm(GovukForm):
    error_names = {
        "reason": "the reason for sharing",
        "basis": "the lawful basis",
        "article9_condition": "the Article 9 condition",
        "safeguarding_reason": "the safeguarding reason",
    }

    recipient_team = forms.ModelChoiceField(
        label="Team to share with", queryset=Team.objects.none(), required=False
    )
    recipient_service = forms.ModelChoiceField(
        label="Or a whole service", queryset=Service.objects.none(), required=False
    )
    category = forms.ChoiceField(label="Which information", choices=(), required=False)
    reason = forms.CharField(label="Why are you sharing?", widget=forms.Textarea)
    basis = forms.ChoiceField(
        label="Lawful basis",
        choices=Basis.choices,
        widget=forms.RadioSelect,
        help_text=(
            "The duty to share information relevant to safeguarding applies even without "
            "consent. Choose consent only when you have recorded it."
        ),
        error_messages={"required": "Select the lawful basis for sharing"},
    )
    safeguarding_reason = forms.CharField(
        label="Safeguarding reason",
        widget=forms.Textarea,
        required=False,
        help_text=(
            "Needed when you share under the duty without the family's consent: what is the "
            "concern for the child's safety or welfare?"
        ),
    )
    article9_condition = forms.ChoiceField(
        label="Article 9 condition",
        choices=[("", "Not special category data"), *Article9Condition.choices],
        required=False,
        help_text=(
            "Needed for health, mental health, sexual health, sexual violence or substance use "
            "information, or everything your service holds."
        ),
    )

    def __init__(self, *args, authority, whole_record: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if whole_record:
            del self.fields["category"]
        cast(Any, self.fields["recipient_team"]).queryset = Team.objects.filter(  # type: ignore[attr-defined]
            service__authority=authority
        ).select_related("service")
        cast(Any, self.fields["recipient_service"]).queryset = Service.objects.filter(
            authority=authority
        )  # type: ignore[attr-defined]
        if "category" in self.fields:
            cast(Any, self.fields["category"]).choices = [  # type: ignore[attr-defined]
                ("", "Everything your service holds"),
                *category_choices(),
            ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("recipient_team") and not data.get("recipient_service"):
            self.add_error("recipient_team", "Choose a team or a service to share with")
        return data


class DecisionForm(GovukForm):
    error_names = {
        "recipient_service": "the service not to share with",
        "reason": "the reason for not sharing",
        "detriment": "why sharing would be more detrimental to the child",
    }

    recipient_service = forms.ModelChoiceField(
        label="Not to share with",
        queryset=Service.objects.none(),
        required=False,
        empty_label="Any other service",
    )
    category = forms.ChoiceField(label="Which information", choices=(), required=False)
    reason = forms.CharField(label="Why not?", widget=forms.Textarea)
    detriment = forms.CharField(
        label="Why would sharing be more detrimental to the child than not sharing?",
        widget=forms.Textarea,
        help_text=(
            "The duty to share information relevant to safeguarding allows one exception: "
            "sharing would do the child more harm. The information governance lead reviews "
            "every decision not to share."
        ),
        error_messages={"required": "Enter why sharing would be more detrimental to the child"},
    )

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["recipient_service"]).queryset = Service.objects.filter(
            authority=authority
        )
        cast(Any, self.fields["category"]).choices = [("", "Everything"), *category_choices()]


class DecisionReviewForm(GovukForm):
    error_names = {"verdict": "whether the decision stands", "note": "the review note"}

    verdict = forms.ChoiceField(
        label="Does the decision not to share stand?",
        choices=[
            ("uphold", "Uphold it: sharing would be more detrimental to the child"),
            ("overturn", "Overturn it: the duty to share applies, and sharing is restored"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the decision stands"},
    )
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea,
        required=False,
        help_text="Required when you overturn the decision.",
    )


class ChronologyMarkForm(GovukForm):
    error_names = {"significance": "whether the event is significant", "note": "the note"}

    significance = forms.ChoiceField(
        label="Is this a significant event?",
        choices=[("yes", "Significant"), ("no", "Not significant")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the event is significant"},
    )
    note = forms.CharField(
        label="Note (one line)",
        required=False,
        help_text="200 characters at most.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean_note(self) -> str:
        note = (self.cleaned_data.get("note") or "").strip()
        if len(note) > 200:
            raise forms.ValidationError("Keep the note to 200 characters or fewer")
        return note


class BreakGlassForm(GovukForm):
    error_names = {"reason": "the urgent safeguarding reason", "ground": "why you need it now"}

    ground = forms.ChoiceField(
        label="Why do you need to see this record now?",
        choices=BreakGlassGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need to see this record now"},
    )
    reason = forms.CharField(
        label="What has happened?",
        widget=forms.Textarea,
        help_text=(
            "Say in full what has happened and why it cannot wait for the service that holds "
            "the record. The information governance lead is told at once and reviews it."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data.get("reason", "")
        problem = reason_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason

    confirm = forms.BooleanField(
        label="I understand my access is logged and will be reviewed",
        required=True,
        error_messages={
            "required": "Confirm that you understand your access is logged and will be reviewed"
        },
    )


class ExactFindForm(GovukForm):
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=12, help_text="10 digits"
    )
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    postcode = forms.CharField(label="Postcode", required=False, max_length=8)

    def clean_nhs_number(self):
        value = "".join(self.cleaned_data.get("nhs_number", "").split())
        if value and not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a valid 10-digit NHS number")
        return value

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        exact = data.get("family_name") and data.get("date_of_birth") and data.get("postcode")
        if not data.get("nhs_number") and not exact:
            raise forms.ValidationError(
                "Enter an NHS number, or the family name, date of birth and postcode exactly"
            )
        return data


class ReviewForm(GovukForm):
    error_names = {"verdict": "whether this use was justified"}

    verdict = forms.ChoiceField(
        label="Was this use justified?",
        choices=[("justified", "Justified"), ("not_justified", "Not justified")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea,
        required=False,
        help_text="Required when the use was not justified.",
    )


class LogSearchForm(GovukForm):
    person = forms.CharField(
        label="NHS number, family card number or Familyhub reference",
        help_text=(
            "The NHS number (10 digits), the family's card number (FH and 8 digits, on their "
            "card), or the reference at the end of the record's web address"
        ),
        required=False,
        max_length=40,
    )
    username = forms.CharField(label="Or a member of staff's username", required=False)


class AccessQuestionAnswerForm(GovukForm):
    error_names = {"answer": "your answer"}

    answer = forms.CharField(label="Your answer to the family", widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SubjectAccessPersonForm(GovukForm):
    """Find the person a subject access request is about (exact NHS number or name and date)."""

    error_names = {"nhs_number": "the NHS number", "family_name": "the family name"}

    nhs_number = forms.CharField(label="NHS number", max_length=12, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)

    def clean(self):
        data = super().clean() or {}
        if not data.get("nhs_number") and not (
            data.get("family_name") and data.get("date_of_birth")
        ):
            raise forms.ValidationError(
                "Enter the NHS number, or the family name and the date of birth"
            )
        return data


class SubjectAccessRecordForm(GovukForm):
    error_names = {"requested_by": "who asked", "received_on": "the date received"}

    requested_by = forms.CharField(
        label="Who asked for the information",
        max_length=200,
        help_text="The person themselves, or who acts for them (a parent, a solicitor)",
    )
    received_on = GovukDateField(label="Date the request was received")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)


class SubjectAccessCloseForm(GovukForm):
    status = forms.ChoiceField(
        label="What happened",
        choices=[("sent", "Sent to the person"), ("closed", "Closed without sending")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AddressProtectionForm(GovukForm):
    """Protect a person's address and contact details on the family side."""

    error_names = {"reason": "why the address is protected", "from_person": "who must not see it"}

    from_person = forms.ChoiceField(
        label="Who must not see it on the family side?",
        widget=forms.RadioSelect,
        choices=(),
    )
    reason = forms.CharField(
        label="Why is it protected?",
        widget=forms.Textarea,
        help_text="For colleagues and the information governance lead. The family never sees it.",
    )

    def __init__(self, *args, household_members=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["from_person"]).choices = [
            (str(p.public_id), p.display_name) for p in household_members
        ] + [("everyone", "Everyone signed in on the family side, except the person themselves")]
