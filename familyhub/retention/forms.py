from __future__ import annotations

from django import forms

from familyhub.core.forms import GovukForm


class DecisionForm(GovukForm):
    error_names = {"decision": "whether to approve the destruction", "reason": "the reason"}

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve: destroy these records"),
            ("reject", "Reject: keep these records"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Recorded with the decision, for the information governance record",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class HoldForm(GovukForm):
    error_names = {"subject": "the person or family", "reason": "the reason"}

    subject = forms.CharField(
        label="NHS number, Familyhub reference or family card number",
        help_text=(
            "An NHS number or Familyhub reference holds one person's records; a family card "
            "number (FH and 8 digits) holds everyone who has lived in that family"
        ),
        max_length=60,
    )
    reason = forms.CharField(
        label="Why must these records be kept?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="For example a claim, a complaint, an inquiry or a subject access request",
    )


class LiftForm(GovukForm):
    error_names = {"reason": "the reason"}

    reason = forms.CharField(
        label="Why can the hold be lifted?", widget=forms.Textarea, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
