"""Forms turn bad input into a field error; the services check the rules that need the record."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.childhealth.asq import QUESTIONNAIRES, AsqDomain
from familyhub.childhealth.models import (
    Feeding,
    MeasurementContext,
    OnwardReason,
    Outcome,
    Place,
    ScreeningKind,
    ScreeningResult,
)
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.forms import GovukDateField

YES_NO = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        widget=forms.RadioSelect,
    )


class ReviewForm(forms.Form):
    done_on = GovukDateField(label="Date of the review", error_name="the date of the review")
    place = forms.ChoiceField(
        label="Where",
        choices=Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the review took place"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the review"},
    )
    delegated = forms.BooleanField(
        label="Done by a nursery nurse on behalf of a health visitor", required=False
    )
    accountable: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Accountable health visitor",
        queryset=None,
        required=False,
        help_text="Needed when the review was delegated",
        empty_label="Choose the health visitor",
    )
    whooley_low_mood = _yes_no(
        "Whooley 1: during the past month, often bothered by feeling down, depressed or hopeless?"
    )
    whooley_little_interest = _yes_no(
        "Whooley 2: during the past month, often bothered by little interest or pleasure in doing things?"
    )
    whooley_wants_help = _yes_no(
        "If yes to either: is this something she feels she needs or wants help with?"
    )
    epds_total = forms.IntegerField(
        label="EPDS total score",
        min_value=0,
        max_value=30,
        required=False,
        help_text="0 to 30",
        error_messages={
            "invalid": "Enter the EPDS total as a whole number from 0 to 30",
            "min_value": "The EPDS total must be 0 or more",
            "max_value": "The EPDS total must be 30 or less",
        },
    )
    epds_self_harm = forms.IntegerField(
        label="EPDS self-harm item (item 10) score",
        min_value=0,
        max_value=3,
        required=False,
        help_text="0 to 3; any answer above 0 raises an alert",
        error_messages={
            "invalid": "Enter the self-harm item score as a whole number from 0 to 3",
            "min_value": "The self-harm item score must be 0 or more",
            "max_value": "The self-harm item score must be 3 or less",
        },
    )
    breastfeeding = forms.ChoiceField(
        label="Breastfeeding",
        choices=[("", "Not recorded")] + list(Feeding.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    asq_questionnaire = forms.TypedChoiceField(
        label="ASQ-3 questionnaire used",
        choices=[("", "ASQ-3 not used")] + [(q, f"{q} months") for q in QUESTIONNAIRES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    asq_communication = forms.IntegerField(
        label="ASQ-3 communication", min_value=0, max_value=60, required=False
    )
    asq_gross_motor = forms.IntegerField(
        label="ASQ-3 gross motor", min_value=0, max_value=60, required=False
    )
    asq_fine_motor = forms.IntegerField(
        label="ASQ-3 fine motor", min_value=0, max_value=60, required=False
    )
    asq_problem_solving = forms.IntegerField(
        label="ASQ-3 problem solving", min_value=0, max_value=60, required=False
    )
    asq_personal_social = forms.IntegerField(
        label="ASQ-3 personal-social", min_value=0, max_value=60, required=False
    )
    safeguarding_concern = forms.BooleanField(
        label="There is a safeguarding concern", required=False
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kind: str, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from familyhub.accounts.models import User
        from familyhub.services.selectors import teams_of

        self.fields["accountable"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(role=Role.HEALTH_VISITOR, memberships__team__in=teams_of(user))
            .distinct()
            .order_by("last_name")
        )
        self.fields["done_on"].initial = timezone.localdate()
        if kind not in (ReviewKind.NEW_BIRTH, ReviewKind.SIX_EIGHT_WEEK):
            del self.fields["breastfeeding"]
        if kind != ReviewKind.TWO_YEAR:
            for name in ["asq_questionnaire"] + [f"asq_{d}" for d in AsqDomain.values]:
                del self.fields[name]
        if kind not in (
            ReviewKind.ANTENATAL,
            ReviewKind.NEW_BIRTH,
            ReviewKind.SIX_EIGHT_WEEK,
            ReviewKind.TWELVE_MONTH,
            ReviewKind.TWO_YEAR,
        ):
            for name in (
                "whooley_low_mood",
                "whooley_little_interest",
                "whooley_wants_help",
                "epds_total",
                "epds_self_harm",
                "delegated",
                "accountable",
            ):
                del self.fields[name]
            self.fields["place"].choices = Place.choices  # type: ignore[attr-defined]
        for domain in AsqDomain:
            field = self.fields.get(f"asq_{domain.value}")
            if field is not None:
                name = f"The ASQ-3 {str(domain.label).lower()} score"
                field.error_messages.update(
                    invalid=f"{name} must be a whole number from 0 to 60",
                    min_value=f"{name} must be 0 or more",
                    max_value=f"{name} must be 60 or less",
                )

    def clean(self):
        data = super().clean()
        if data.get("delegated") and not data.get("accountable"):
            self.add_error("accountable", "Choose the accountable health visitor")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        scores = {d: data.pop(f"asq_{d}", None) for d in AsqDomain.values}
        data["asq_scores"] = scores
        data.setdefault("breastfeeding", "")
        return data


class MeasurementForm(forms.Form):
    measured_on = GovukDateField(label="Date measured", error_name="the date measured")
    height_cm = forms.DecimalField(
        label="Height (cm)",
        max_digits=5,
        decimal_places=1,
        min_value=0,
        help_text="For example, 110.5",
        error_messages={
            "required": "Enter the height in centimetres",
            "invalid": "Enter the height as a number, like 110.5",
        },
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        help_text="For example, 19.4",
        error_messages={
            "required": "Enter the weight in kilograms",
            "invalid": "Enter the weight as a number, like 19.4",
        },
    )
    context = forms.ChoiceField(
        label="Measured for",
        choices=MeasurementContext.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the measurement was for"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate()


class ScreeningForm(forms.Form):
    kind = forms.ChoiceField(
        label="Screen",
        choices=ScreeningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select vision or hearing"},
    )
    screened_on = GovukDateField(label="Date screened", error_name="the date screened")
    left = forms.ChoiceField(
        label="Left (eye or ear)",
        choices=ScreeningResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the result for the left eye or ear"},
    )
    right = forms.ChoiceField(
        label="Right (eye or ear)",
        choices=ScreeningResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the result for the right eye or ear"},
    )
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["screened_on"].initial = timezone.localdate()


class OnwardReferralForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason",
        # No reason is chosen for the user, so none is saved by accident as the first one listed.
        choices=[("", "Choose a reason")] + list(OnwardReason.choices),
        error_messages={"required": "Choose the reason for the referral"},
    )
    to_service_name = forms.CharField(
        label="Service referred to",
        max_length=160,
        error_messages={"required": "Enter the service referred to"},
    )
    referred_on = GovukDateField(label="Date referred", error_name="the date referred")
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].initial = timezone.localdate()


class AllocationForm(forms.Form):
    practitioner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Named health visitor or school nurse",
        queryset=None,
        empty_label="Choose someone in your team",
        error_messages={"required": "Choose the named health visitor or school nurse"},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from familyhub.childhealth.selectors import colleagues

        self.fields["practitioner"].queryset = colleagues(user)  # type: ignore[attr-defined]
        self.fields["practitioner"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.get_full_name() or u.username} ({u.get_role_display()})"
        )


class ResolveAlertForm(forms.Form):
    resolution = forms.CharField(
        label="What was done",
        max_length=300,
        error_messages={"required": "Say what was done to resolve the alert"},
    )
