"""Forms turn bad input into a field error; the services check the rules that need the record."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from familyhub.accounts.models import User
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
from familyhub.childhealth.selectors import colleagues
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.services.selectors import staff_label, teams_of

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


class ReviewForm(GovukForm):
    error_names = {
        "whooley_low_mood": "an answer to Whooley 1",
        "whooley_little_interest": "an answer to Whooley 2",
        "whooley_wants_help": "whether she wants help",
        "breastfeeding": "whether the baby is breastfed",
    }

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
        cast(Any, self.fields["accountable"]).queryset = (  # type: ignore[attr-defined]
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
            cast(Any, self.fields["place"]).choices = Place.choices  # type: ignore[attr-defined]
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
        super().clean()
        data = self.cleaned_data
        if data.get("delegated") and not data.get("accountable"):
            self.add_error("accountable", "Choose the accountable health visitor")
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        scores = {d: data.pop(f"asq_{d}", None) for d in AsqDomain.values}
        data["asq_scores"] = scores
        data.setdefault("breastfeeding", "")
        return data


def _measure_field(*, label: str, max_digits: int, places: int, words: str, example: str):
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=places,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-5"}
        ),
        error_messages={
            "invalid": f"Enter the {words} as a number, like {example}",
            "max_decimal_places": f"Enter the {words} to no more than {places} decimal "
            f"place{'s' if places > 1 else ''}",
        },
    )


class MeasurementForm(GovukForm):
    """Weight, length or height, and head circumference, labelled for the child's age.

    Under 2 years a child is measured lying down (length) and a head circumference is taken;
    from 2 standing (height). The labels and examples follow the child's age on the date
    measured: the date typed when the form comes back, today's when it is first shown."""

    measured_on = GovukDateField(label="Date measured", error_name="the date measured")
    weight_kg = _measure_field(
        label="Weight (kg)", max_digits=6, places=3, words="weight", example="4.25"
    )
    height_cm = _measure_field(
        label="Height (cm)", max_digits=5, places=1, words="height", example="110.5"
    )
    head_circumference_cm = _measure_field(
        label="Head circumference (cm)",
        max_digits=4,
        places=1,
        words="head circumference",
        example="38.5",
    )
    context = forms.ChoiceField(
        label="Measured for",
        choices=MeasurementContext.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the measurement was for"},
    )
    # Offered only after a value beyond 4 SDS: the practitioner says it is right, and it is saved.
    confirm_unusual = forms.BooleanField(
        label="I have checked these measurements and they are right",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, date_of_birth: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate()
        on = self._date_for_labels() or timezone.localdate()
        self.under_two = date_of_birth is not None and (on - date_of_birth).days < 2 * 365.25
        weight, height = self.fields["weight_kg"], self.fields["height_cm"]
        weight.error_messages["max_whole_digits"] = (
            "Enter the weight in kilograms, not grams: for example, 3.455 for 3,455 g"
        )
        if self.under_two:
            weight.help_text = (
                "In kilograms, as the scale shows it. For example, 4.25 for 4 kg 250 g"
            )
            height.label = "Length (cm)"
            height.help_text = (
                "Measured lying down, as babies and children under 2 are. For example, 61.5"
            )
            height.error_messages["invalid"] = "Enter the length as a number, like 61.5"
            height.error_messages["max_decimal_places"] = (
                "Enter the length to no more than 1 decimal place"
            )
            self.fields[
                "head_circumference_cm"
            ].help_text = (
                "Around the widest part of the head, above the eyebrows and ears. For example, 38.5"
            )
        else:
            weight.help_text = "In kilograms. For example, 32.4"
            height.help_text = "Measured standing, without shoes. For example, 134.5"
            # Head circumference is measured in babies: a school child's form does not ask it.
            del self.fields["head_circumference_cm"]
        if self.is_bound and self.data.get("confirm_unusual") in ("on", "true", "True", "1"):
            self.offer_confirm()

    def _date_for_labels(self) -> date | None:
        if not self.is_bound:
            return None
        field = self.fields["measured_on"]
        try:
            return field.clean(field.widget.value_from_datadict(self.data, None, "measured_on"))
        except forms.ValidationError:
            return None

    def offer_confirm(self) -> None:
        """Show the checkbox that confirms a very unusual value (after the service warned)."""
        self.fields["confirm_unusual"].widget = forms.CheckboxInput()
        self.fields[
            "confirm_unusual"
        ].help_text = (
            "Only after measuring again or checking the units: the value will be saved as it is"
        )

    def _positive(self, name: str, label: str, unit: str):
        value = self.cleaned_data.get(name)
        if value is not None and value <= 0:
            raise forms.ValidationError(f"{label} must be more than 0 {unit}")
        return value

    def clean_weight_kg(self):
        return self._positive("weight_kg", "Weight", "kg")

    def clean_height_cm(self):
        return self._positive("height_cm", "Length" if self.under_two else "Height", "cm")

    def clean_head_circumference_cm(self):
        return self._positive("head_circumference_cm", "Head circumference", "cm")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        names = [n for n in ("weight_kg", "height_cm", "head_circumference_cm") if n in self.fields]
        if not self.errors and all(data.get(n) is None for n in names):
            self.add_error(
                "weight_kg",
                "Enter at least one measurement: weight, "
                + ("length or head circumference" if self.under_two else "or height"),
            )
        return data


class ScreeningForm(GovukForm):
    kind = forms.ChoiceField(
        label="Screen",
        choices=ScreeningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this was a vision or hearing screen"},
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


class OnwardReferralForm(GovukForm):
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


class AllocationForm(GovukForm):
    practitioner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Named health visitor or school nurse",
        queryset=None,
        empty_label="Choose someone in your team",
        error_messages={"required": "Choose the named health visitor or school nurse"},
    )
    # The allocation the leader saw (its public id, "" for none): a change meanwhile is shown,
    # never silently replaced.
    current = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["practitioner"]).queryset = colleagues(user)  # type: ignore[attr-defined]
        self.fields["practitioner"].label_from_instance = staff_label  # type: ignore[attr-defined]


class ResolveAlertForm(GovukForm):
    error_names = {"resolution": "what was done to resolve the alert"}

    resolution = forms.CharField(
        label="What was done",
        max_length=300,
        error_messages={"required": "Say what was done to resolve the alert"},
    )
