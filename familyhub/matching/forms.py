from __future__ import annotations

from django import forms

from familyhub.core.forms import GovukForm


class DecisionForm(GovukForm):
    error_names = {"keep": "which record to keep", "reason": "the reason for your decision"}

    decision = forms.ChoiceField(
        label="Are these records the same person?",
        choices=[
            ("confirm", "Yes, the same person: merge the records"),
            ("reject", "No, different people"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these records are the same person"},
    )
    keep = forms.ChoiceField(
        label="If they are the same person, which record should be kept?",
        help_text="The other record is merged into it. Nothing is lost and the merge can be undone.",
        choices=[("a", "The first record"), ("b", "The second record")],
        widget=forms.RadioSelect,
        required=False,
        initial="a",
    )
    reason = forms.CharField(
        label="Why did you decide this?",
        help_text="For example: same NHS number; twins registered separately.",
        max_length=300,
        error_messages={"required": "Say why you decided this"},
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("decision") == "confirm" and data.get("keep") not in {"a", "b"}:
            self.add_error("keep", "Select which record to keep")
        return data
