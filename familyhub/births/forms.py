from __future__ import annotations

from typing import cast

from django import forms

from familyhub.core.forms import GovukForm


class ResolveForm(GovukForm):
    """What the person resolving a queued message decides."""

    CHOOSE, CREATE, REJECT = "choose", "create", "reject"
    error_names = {"decision": "what to do with the message", "note": "why it is rejected"}

    decision = forms.ChoiceField(label="What do you want to do?", widget=forms.RadioSelect)
    person = forms.ChoiceField(label="Who is it?", required=False, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Why are you rejecting it?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what you checked, so the next person knows",
    )

    ALL_DECISIONS = [
        (CHOOSE, "Choose who it is from the register"),
        (CREATE, "Add them to the register"),
        (REJECT, "Reject the message"),
    ]

    def __init__(self, *args, decisions=None, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = decisions or self.ALL_DECISIONS
        if people:
            cast(forms.ChoiceField, self.fields["person"]).choices = list(people)
        else:
            del self.fields["person"]  # nobody to choose from: the question is not asked

    def clean(self):
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == self.CHOOSE and not data.get("person"):
            self.add_error("person", "Choose who it is")
        if decision == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why you are rejecting it")
        return data
