from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms

from familyhub.access.records import category_choices
from familyhub.contacts.models import (
    Answer,
    ContactKind,
    HouseholdSmoking,
    ParentWork,
    PostnatalMood,
    Prompt,
)
from familyhub.contacts.services import ContactDetails, prompt_field
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.people.models import Person
from familyhub.services.models import Team

TEXT_LIMIT = 5000


def _text(label: str, *, help_text: str = "", required: bool = False, rows: int = 3):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# What the practitioner learned: a section of its own, after the contact's details.
LEARNED_FIELDS = ("household_smoking", "parent_work", "postnatal_mood")


class ContactForm(GovukForm):
    """Record (or change) a contact: what happened, and the prompts it offers, each answered in
    one click (or left unanswered)."""

    error_names = {
        "kind": "the type of contact",
        "seen": "who was seen or spoken to",
        "team": "the team you are recording for",
        "category": "a category",
        "for_family": "whether the family can read it",
        "household_smoking": "whether anyone in the household smokes",
        "parent_work": "whether the parent is in work or training",
        "postnatal_mood": "the mother's mood since the birth",
    }

    team: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Which team are you recording for?", queryset=None, empty_label=None
    )
    contact_on = GovukDateField(
        label="Date of the contact",
        error_name="the date of the contact",
        initial=datetime.date.today,
    )
    kind = forms.ChoiceField(
        label="Type of contact", choices=ContactKind.choices, widget=forms.RadioSelect
    )
    seen: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Who was seen or spoken to",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    present = forms.CharField(
        label="Others present (optional)",
        help_text="For example, grandmother, interpreter, social worker",
        max_length=TEXT_LIMIT,
        required=False,
    )
    child_voice = _text(
        "The child's voice",
        help_text="What the child said, did or showed about their life, in their words. For a "
        "baby, what you saw. Leave it blank if the child was not seen.",
    )
    discussed = _text("What was discussed", required=True, rows=5)
    agreed = _text("What was agreed (optional)")
    next_contact_on = GovukDateField(
        label="Next contact (optional)",
        error_name="the date of the next contact",
        required=False,
        help_text="For example, 18 12 2026",
    )
    category = forms.ChoiceField(
        label="Is this about something sensitive? (optional)",
        required=False,
        help_text="Choose a category such as domestic abuse to keep the contact within your "
        "service unless you share it.",
    )
    for_family = forms.TypedChoiceField(
        label="Can the family read this on their side?",
        choices=[("no", "No, it is for colleagues"), ("yes", "Yes, the family can read it")],
        coerce=lambda value: value == "yes",
        empty_value="",
        required=False,
        initial="no",
        widget=forms.RadioSelect,
        help_text="A contact in a sensitive category, or about safeguarding, is never shown to "
        "the family, whatever you choose.",
    )
    household_smoking = forms.ChoiceField(
        label="Does anyone in the household smoke? (optional)",
        choices=[("", "Not asked"), *HouseholdSmoking.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    parent_work = forms.ChoiceField(
        label="Is the parent in work or training? (optional)",
        choices=[("", "Not asked"), *ParentWork.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    postnatal_mood = forms.ChoiceField(
        label="The mother's mood since the birth (optional)",
        choices=[("", "Not asked"), *PostnatalMood.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="For a mother with a baby under one: what you learned at this contact.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        teams=None,
        members: Sequence[Any] = (),
        prompts: Sequence[Prompt] = (),
        editing: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        teams = list(teams or [])
        if len(teams) < 2:
            # One team (or none, when the form is made on its own): nothing to choose.
            del self.fields["team"]
        else:
            cast(Any, self.fields["team"]).queryset = Team.objects.filter(
                pk__in=[team.pk for team in teams]
            ).order_by("name")
        seen = cast(Any, self.fields["seen"])
        seen.queryset = Person.objects.filter(pk__in=[m.pk for m in members]).order_by(
            "date_of_birth", "pk"
        )
        seen.label_from_instance = lambda person: person.display_name
        cast(Any, self.fields["category"]).choices = [
            ("", "No: the usual category for my service"),
            *category_choices()[1:],
        ]
        if not editing:
            del self.fields["version"]
        self.prompts = list(prompts)
        self.error_names = dict(self.error_names)
        for prompt in self.prompts:
            name = prompt_field(prompt)
            self.fields[name] = forms.ChoiceField(
                label=prompt.question,
                help_text=prompt.help_text,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.error_names[name] = f"the answer to “{prompt.question.replace('?', '')}”"

    @property
    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[prompt_field(prompt)] for prompt in self.prompts]

    @property
    def detail_fields(self) -> list[forms.BoundField]:
        return [
            bound
            for bound in self.visible_fields()
            if not bound.name.startswith("prompt_")
            and bound.name != "category"
            and bound.name not in LEARNED_FIELDS
        ]

    @property
    def learned_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in LEARNED_FIELDS]

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            contact_on=data.get("contact_on"),
            kind=data.get("kind") or "",
            seen=list(data.get("seen") or []),
            discussed=data.get("discussed") or "",
            present=data.get("present") or "",
            child_voice=data.get("child_voice") or "",
            agreed=data.get("agreed") or "",
            next_contact_on=data.get("next_contact_on"),
            category=data.get("category") or "",
            for_family=bool(data.get("for_family")),
            household_smoking=data.get("household_smoking") or "",
            parent_work=data.get("parent_work") or "",
            postnatal_mood=data.get("postnatal_mood") or "",
            answers={prompt.pk: data.get(prompt_field(prompt)) or "" for prompt in self.prompts},
        )
