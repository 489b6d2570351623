from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from familyhub.accounts.models import User
from familyhub.casework.models import ChildProtectionOutcome, NeedOutcome
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.referrals.needs import NEED_LABELS, Need
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import staff_label

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


def practitioners_for(episode):
    """People who can be a family's lead professional: members of this council's early help and
    family hub teams."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team__service__authority_id=episode.authority_id,
            memberships__team__service__kind__in=[ServiceKind.EARLY_HELP, ServiceKind.FAMILY_HUB],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class AllocateForm(VersionedForm):
    lead_professional: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Lead professional",
        queryset=None,
        empty_label="Choose a practitioner",
        error_messages={"required": "Select a lead professional"},
    )
    family_agrees = forms.ChoiceField(
        label="Does the family agree to this lead professional?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agrees to this lead professional"},
    )

    def __init__(self, *args, episode, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lead = cast(Any, self.fields["lead_professional"])
        lead.queryset = practitioners_for(episode).prefetch_related("memberships__team")
        lead.label_from_instance = staff_label

    def agrees(self) -> bool | None:
        return _yes_no(self.cleaned_data["family_agrees"])


class TransferForm(AllocateForm):
    handover_note = forms.CharField(
        label="Handover note",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the new lead professional needs to know",
        error_messages={"required": "Enter a handover note"},
    )


class TeamMemberForm(GovukForm):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label="A practitioner in Familyhub",
        queryset=None,
        required=False,
        empty_label="Choose a practitioner",
    )
    name = forms.CharField(
        label="Or the name of a professional outside Familyhub", max_length=160, required=False
    )
    organisation = forms.CharField(label="Organisation (optional)", max_length=160, required=False)
    role = forms.CharField(
        label="Role (optional)",
        max_length=120,
        required=False,
        help_text="For example, class teacher",
    )
    contact = forms.CharField(label="Phone or email (optional)", max_length=200, required=False)

    def __init__(self, *args, episode, **kwargs) -> None:

        super().__init__(*args, **kwargs)
        cast(Any, self.fields["user"]).queryset = (
            User.objects.filter(
                is_active=True, memberships__team__service__authority_id=episode.authority_id
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class AssessmentForm(GovukForm):
    needs = forms.MultipleChoiceField(
        label="Which needs does the family have?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The Supporting Families outcome areas. Select all that apply.",
        error_messages={"required": "Select at least one need"},
    )
    need_detail = forms.CharField(
        label="What the needs look like for this family (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    strengths = forms.CharField(
        label="The family's strengths",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the family's strengths"},
    )
    child_voice = forms.CharField(
        label="The child's voice",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the child says about their life, in their words",
        error_messages={
            "required": "Enter the child's voice: what the child says about their life"
        },
    )
    family_views = forms.CharField(
        label="The family's views",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the family's views"},
    )
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Level of need",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the level of need"},
    )

    def __init__(self, *args, levels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["level"]).queryset = levels
        cast(Any, self.fields["level"]).label_from_instance = lambda level: (
            f"{level.level}: {level.name}"
        )


class GoalForm(GovukForm):
    need = forms.ChoiceField(
        label="Which need is this goal about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which need this goal is about"},
    )
    description = forms.CharField(
        label="The goal",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the family's words",
        error_messages={"required": "Enter the goal"},
    )

    def __init__(self, *args, needs: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["need"]).choices = [(n, NEED_LABELS[n]) for n in needs]


class ActionForm(GovukForm):
    error_names = {"owner_name": "the name of who will do it"}

    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what will be done"},
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Who will do it",
        queryset=None,
        required=False,
        empty_label="Someone who does not use Familyhub",
    )
    owner_name = forms.CharField(
        label="Or their name, if they do not use Familyhub",
        max_length=160,
        required=False,
        help_text="For example, Mum, or the class teacher",
    )
    due_on = GovukDateField(
        label="Due by", error_name="the date it is due by", help_text="For example, 18 12 2026"
    )

    def __init__(self, *args, episode, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(Any, self.fields["owner"])
        owner.queryset = practitioners_for(episode).prefetch_related("memberships__team")
        owner.label_from_instance = staff_label


class ReviewForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the meeting",
        error_name="the date of the meeting",
        initial=datetime.date.today,
        help_text="For example, 18 12 2026",
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_review_due = GovukDateField(
        label="Next review due (optional)",
        error_name="the date the next review is due",
        required=False,
        help_text="For example, 18 12 2026. Leave blank for the usual interval (6 weeks).",
    )

    def __init__(self, *args, goals, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        self.error_names = {
            f"score_{goal.public_id}": f"the progress score for “{goal.description}”"
            for goal in self.goals
        }
        for goal in self.goals:
            self.fields[f"score_{goal.public_id}"] = forms.IntegerField(
                label=f"Progress on: {goal.description}",
                min_value=0,
                max_value=10,
                help_text="0 (no progress) to 10 (goal met)",
                required=False,
            )

    def scores(self) -> dict[str, int | None]:
        return {
            str(goal.public_id): self.cleaned_data.get(f"score_{goal.public_id}")
            for goal in self.goals
        }


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons"},
    )


class StepDownForm(ReasonForm):
    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Level of need now (optional)",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, levels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["level"]).queryset = levels
        cast(Any, self.fields["level"]).label_from_instance = lambda level: (
            f"{level.level}: {level.name}"
        )


class CloseForm(VersionedForm):
    reason = forms.CharField(
        label="Reason for closing",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for closing"},
    )

    def __init__(self, *args, needs: list[str], open_actions: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.needs = needs
        for need in needs:
            self.fields[f"outcome_{need}"] = forms.ChoiceField(
                label=f"Outcome: {NEED_LABELS[need]}",
                choices=NeedOutcome.choices,
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["explanation"] = forms.CharField(
            label="If a need is achieved although its goal scored low, say why",
            help_text="For example: the family and the school agree attendance is now good, "
            "since the last review.",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=2000,
        )
        if open_actions:
            self.fields["open_work_confirmed"] = forms.BooleanField(
                label=f"The {open_actions} open action{'s' if open_actions != 1 else ''} "
                "above are done or handed over",
                required=False,
            )

    def outcomes(self) -> dict[str, str | None]:
        return {need: self.cleaned_data.get(f"outcome_{need}") or None for need in self.needs}


class ContactFrequencyForm(VersionedForm):
    error_names = {"contact_every_days": "how often the family is seen"}

    contact_every_days = forms.IntegerField(
        label="How often the lead professional expects to see the family, in days (optional)",
        help_text="For example, 14 for every two weeks. Leave it blank if the plan does not "
        "say. Families not seen within it are listed on Families not seen.",
        min_value=1,
        max_value=366,
        required=False,
    )


class LevelChangeForm(ReasonForm):
    """Move the family along the continuum in the same episode (to Family Help and back)."""

    level: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Level of need",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the level of need"},
    )
    child_in_need = forms.BooleanField(
        label="The child is a child in need (section 17 of the Children Act 1989)",
        required=False,
        help_text="Counted in the Children in Need census while it lasts",
    )

    def __init__(self, *args, levels, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["level", "child_in_need", "reason"])
        field = cast(Any, self.fields["level"])
        field.queryset = levels.exclude(is_child_protection=True)
        field.label_from_instance = lambda level: (
            f"{level.level}: {level.name}" + (" (Family Help)" if level.is_family_help else "")
        )


class ChildProtectionDecisionForm(ReasonForm):
    outcome = forms.ChoiceField(
        label="What the child protection team decided",
        choices=ChildProtectionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the child protection team decided"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["outcome", "reason"])
