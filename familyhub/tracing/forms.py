from __future__ import annotations

from django import forms

from familyhub.core.forms import GovukForm


class ReviewForm(GovukForm):
    error_names = {"decision": "your decision", "note": "the reason"}

    decision = forms.ChoiceField(
        label="Which NHS number is this person's?",
        choices=[
            ("accept", "The number PDS holds: record it as verified"),
            ("reject", "The number in the register: keep it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select which NHS number is this person's"},
    )
    note = forms.CharField(
        label="Why?",
        help_text="Needed to keep the register's number. For example: checked with the GP practice.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the register keeps its number")
        return data
