from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from familyhub.core.forms import GovukForm
from familyhub.returns.kinds import SPECS, ReturnPeriod, parse_period
from familyhub.returns.models import ReturnKind


class GenerateForm(GovukForm):
    kind = forms.ChoiceField(label="Return", choices=ReturnKind.choices, widget=forms.RadioSelect)
    period = forms.CharField(
        label="Period",
        max_length=20,
        help_text="A month for the CSDS (2026-11), a financial quarter for the OHID metrics and "
        "Supporting Families (2026/27-Q2), a financial year for the census (2026/27)",
    )

    def clean(self):
        data = super().clean() or {}
        kind, text = data.get("kind"), data.get("period")
        if kind and text:
            try:
                data["parsed"] = parse_period(kind, text)
            except ValueError as error:
                raise ValidationError({"period": str(error)}) from error
        return data

    @property
    def parsed(self) -> ReturnPeriod:
        return self.cleaned_data["parsed"]

    @staticmethod
    def hint_for(kind: str) -> str:
        return SPECS[kind].period_hint


class SentForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
