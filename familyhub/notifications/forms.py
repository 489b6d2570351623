"""The notifications part's one form: how a member of staff hears of their notifications."""

from __future__ import annotations

from django import forms

from familyhub.core.forms import GovukForm
from familyhub.notifications.models import EmailChoice


class PreferenceForm(GovukForm):
    error_names = {"email": "how you want to hear of your notifications"}

    email = forms.ChoiceField(
        label="How do you want to hear of your notifications by email?",
        help_text=(
            "Emails only say that something needs you and link to it here: they never hold "
            "anyone's details. Every notification is also on the notifications page."
        ),
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
