"""Planner's inputs. Each form turns bad input into a field error with the field named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import dateformat

from familyhub.accounts.roles import STAFF_ROLES
from familyhub.core.forms import GovukDateField, GovukForm
from familyhub.places.models import Authority
from familyhub.planning.models import (
    BudgetFigure,
    BudgetLine,
    KpiDirection,
    KpiUnit,
    PostStatus,
    ScenarioKind,
)
from familyhub.planning.needs import DEFAULT_WEIGHTS, MEASURES
from familyhub.planning.scenarios import CAPACITY_CHOICES
from familyhub.planning.selectors import candidate_sites, kpi_sources, scenarios_for
from familyhub.services.models import Service, ServiceKind, Team


class PlanningForm(GovukForm):
    """Every error names its field (GOV.UK style), not Django's "This field is required."."""


NAME_HELP = "So you can find and compare it later, for example “Keep 6, one per locality”."


def _lines(text: str, field: str, *, integer: bool = False) -> dict[str, float]:
    """Parse lines of 'name: number' (site sessions by hand, staff by role). `field` names the
    box in messages ("Sessions set by hand, line 2: ...")."""
    result: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.rpartition(":")
        if not sep or not name.strip():
            raise forms.ValidationError(f"{field}, line {number}: write it as “name: number”")
        try:
            parsed = float(value.strip())
        except ValueError:
            raise forms.ValidationError(
                f"{field}, line {number}: “{value.strip()}” is not a number"
            ) from None
        if parsed < 0 or (integer and parsed != int(parsed)):
            raise forms.ValidationError(
                f"{field}, line {number}: the number must be "
                f"{'a whole number, ' if integer else ''}0 or more"
            )
        result[name.strip()] = parsed
    return result


class NeedsForm(PlanningForm):
    name = forms.CharField(
        label="Scenario name", max_length=160, required=False, help_text=NAME_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for m in MEASURES:
            self.fields[f"w_{m.key}"] = forms.FloatField(
                label=f"Weight: {m.label}",
                min_value=0,
                max_value=100,
                initial=DEFAULT_WEIGHTS[m.key],
                # Empty (or left out by a form saved before the measure existed): its default.
                required=False,
                help_text="From the record" if m.source == "record" else "",
            )

    def weights(self) -> dict[str, float]:
        found = {m.key: self.cleaned_data.get(f"w_{m.key}") for m in MEASURES}
        return {
            key: DEFAULT_WEIGHTS[key] if value is None else value for key, value in found.items()
        }


def _scenario_choices(authority: Authority, kind: str) -> list[tuple[str, str]]:
    return [("", "None")] + [
        (str(s.public_id), f"{s.name} ({dateformat.format(s.created_at, 'j F Y')})")
        for s in scenarios_for(authority, kind)
    ]


class SitesForm(PlanningForm):
    error_names = {
        "fallback": "which hub covers an area with no map coordinates",
        "needs_scenario": "the needs analysis the weights come from",
    }

    name = forms.CharField(label="Scenario name", max_length=160, help_text=NAME_HELP)
    keep = forms.IntegerField(label="Number of sites to keep as hubs", min_value=0, required=False)
    cost_per_hub = forms.IntegerField(
        label="Running cost of a hub a year (£)", min_value=0, initial=0, required=False
    )
    budget = forms.IntegerField(
        label="Budget for hubs a year (£)",
        min_value=0,
        required=False,
        help_text="Leave empty to plan by the number of sites only.",
    )
    min_per_locality = forms.IntegerField(
        label="Smallest number of hubs in each locality", min_value=0, initial=1
    )
    cover_every_area = forms.BooleanField(
        label="Every area must be within reach of a hub", required=False
    )
    max_walk_minutes = forms.FloatField(
        label="Longest walk to a hub (minutes)", min_value=1, max_value=240, initial=30
    )
    must_keep = forms.MultipleChoiceField(
        label="Sites that must stay", required=False, widget=forms.CheckboxSelectMultiple
    )
    must_close = forms.MultipleChoiceField(
        label="Sites that must close", required=False, widget=forms.CheckboxSelectMultiple
    )
    fallback = forms.ChoiceField(
        label="When an area has no map coordinates, which hub covers it?",
        choices=[("serving", "The site that serves it"), ("locality", "Any hub in its locality")],
        initial="serving",
        widget=forms.RadioSelect,
    )
    population_basis = forms.ChoiceField(
        label="Population to cover",
        choices=[("0_4", "Children under five"), ("0_19", "Children and young people 0-19")],
        initial="0_4",
        widget=forms.RadioSelect,
    )
    travel_times = forms.FileField(
        label="Travel-time table (optional)",
        required=False,
        help_text="A CSV file with columns area, site, minutes. Pairs it lists replace the distance estimate.",
    )
    needs_scenario = forms.ChoiceField(
        label="Need weights from",
        required=False,
        help_text="A saved needs analysis; none = the default weights.",
    )

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        names = [(s.name, s.name) for s in candidate_sites(authority)]
        cast(Any, self.fields["must_keep"]).choices = names  # type: ignore[attr-defined]
        cast(Any, self.fields["must_close"]).choices = names  # type: ignore[attr-defined]
        cast(Any, self.fields["needs_scenario"]).choices = _scenario_choices(
            authority, ScenarioKind.NEEDS
        )  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("keep") is None and data.get("budget") is None:
            self.add_error("keep", "Enter the number of sites to keep, or a budget")
        if data.get("budget") is not None and not data.get("cost_per_hub"):
            self.add_error("cost_per_hub", "Enter the running cost of a hub to plan by budget")
        both = set(data.get("must_keep") or []) & set(data.get("must_close") or [])
        if both:
            self.add_error("must_close", f"{', '.join(sorted(both))} cannot both stay and close")
        return data


class SessionsForm(PlanningForm):
    error_names = {"site_scenario": "the site network the hubs come from"}

    name = forms.CharField(label="Scenario name", max_length=160, help_text=NAME_HELP)
    site_scenario = forms.ChoiceField(
        label="Hubs from",
        required=False,
        help_text="A saved site network; none = the open family hubs.",
    )
    enhanced = forms.IntegerField(
        label="Sessions a week at the enhanced hub in each locality", min_value=0, initial=12
    )
    standard = forms.IntegerField(label="Sessions a week at other hubs", min_value=0, initial=7)
    outreach = forms.IntegerField(label="Sessions a week at outreach sites", min_value=0, initial=0)
    overrides = forms.CharField(
        label="Set by hand (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One site a line, for example “Tilbury: 10”.",
    )

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["site_scenario"]).choices = _scenario_choices(
            authority, ScenarioKind.SITES
        )  # type: ignore[attr-defined]

    def clean_overrides(self) -> dict[str, int]:
        return {
            k: int(v)
            for k, v in _lines(
                self.cleaned_data["overrides"], "Sessions set by hand", integer=True
            ).items()
        }


class CaseloadForm(PlanningForm):
    name = forms.CharField(label="Scenario name", max_length=160, help_text=NAME_HELP)
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        help_text="Its teams in each locality share the work.",
    )
    expected_cases = forms.IntegerField(
        label="Expected cases a year",
        min_value=1,
        required=False,
        help_text="Leave empty to use the referrals in the record.",
    )
    mix_2 = forms.FloatField(
        label="Share of cases at level 2 (%)", min_value=0, max_value=100, initial=60
    )
    mix_3 = forms.FloatField(
        label="Share of cases at level 3 (%)", min_value=0, max_value=100, initial=30
    )
    mix_4 = forms.FloatField(
        label="Share of cases at level 4 (%)", min_value=0, max_value=100, initial=10
    )
    weight_2 = forms.FloatField(label="Caseload weight of a level 2 case", min_value=0, initial=1)
    weight_3 = forms.FloatField(label="Caseload weight of a level 3 case", min_value=0, initial=1.5)
    weight_4 = forms.FloatField(label="Caseload weight of a level 4 case", min_value=0, initial=2)
    tolerance = forms.FloatField(
        label="Tolerance (% either side of the average)", min_value=0, max_value=100, initial=10
    )
    team_min = forms.FloatField(label="Smallest team (FTE)", min_value=0, initial=1)
    team_max = forms.FloatField(label="Largest team (FTE)", min_value=0, required=False)
    team_sizes = forms.CharField(
        label="Team sizes by hand (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One team a line, smallest and largest FTE, for example “North team: 2-6”.",
    )
    capacity = forms.ChoiceField(
        label="Where the staff come from",
        choices=CAPACITY_CHOICES,
        initial="members",
        required=False,
        widget=forms.RadioSelect,
        help_text="Used when no staff by role are entered below.",
    )
    staff = forms.CharField(
        label="Staff by role (FTE, optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One role a line, for example “family_support_worker: 12.5”. Empty = the teams' members.",
    )

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(authority=authority, teams__isnull=False).distinct()
        cast(Any, self.fields["service"]).queryset = services  # type: ignore[attr-defined]
        early_help = services.filter(kind=ServiceKind.EARLY_HELP).first()
        if early_help is not None:
            self.fields["service"].initial = early_help.pk

    def clean_team_sizes(self) -> dict[str, list[float]]:
        sizes: dict[str, list[float]] = {}
        for number, line in enumerate(self.cleaned_data["team_sizes"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.rpartition(":")
            low, dash, high = value.partition("-")
            try:
                pair = [float(low), float(high)]
            except ValueError:
                pair = []
            if (
                not sep
                or not name.strip()
                or not dash
                or not pair
                or pair[0] < 0
                or pair[1] < pair[0]
            ):
                raise forms.ValidationError(
                    f"Team sizes by hand, line {number}: write it as “team: smallest-largest”, "
                    "for example “North team: 2-6”"
                )
            sizes[name.strip()] = pair
        return sizes

    def clean_staff(self) -> dict[str, float]:
        return _lines(self.cleaned_data["staff"], "Staff by role")

    def clean_capacity(self) -> str:
        return self.cleaned_data.get("capacity") or "members"

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (
            data.get("team_max") is not None
            and data.get("team_min") is not None
            and data["team_max"] < data["team_min"]
        ):
            self.add_error("team_max", "The largest team cannot be smaller than the smallest")
        if (
            all(data.get(f"mix_{lv}") is not None for lv in "234")
            and sum(data[f"mix_{lv}"] for lv in "234") <= 0
        ):
            self.add_error("mix_2", "The shares of cases by level must add up to more than 0%")
        return data


class FundingForm(PlanningForm):
    error_names = {"current": "the scenario to compare with"}

    name = forms.CharField(label="Scenario name", max_length=160, help_text=NAME_HELP)
    budget = forms.IntegerField(label="Budget to share (£)", min_value=0)
    universal_share = forms.FloatField(
        label="Universal share (%)",
        min_value=0,
        max_value=100,
        initial=30,
        help_text="Shared per child under five; the rest by deprivation.",
    )
    unit = forms.ChoiceField(
        label="What to share among",
        choices=[
            ("hubs", "Family hubs and children's centres"),
            ("sites", "Every open site, outreach venues too"),
            ("areas", "Areas"),
        ],
        initial="hubs",
        widget=forms.RadioSelect,
    )
    w_idaci = forms.FloatField(label="Weight: IDACI rank", min_value=0, initial=1)
    w_child_poverty = forms.FloatField(label="Weight: children in poverty", min_value=0, initial=1)
    w_imd = forms.FloatField(label="Weight: IMD rank", min_value=0, initial=0)
    w_need = forms.FloatField(label="Weight: need score", min_value=0, initial=0)
    current = forms.ChoiceField(
        label="Compare with",
        required=False,
        help_text="A saved funding scenario as the current allocation.",
    )

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["current"]).choices = _scenario_choices(
            authority, ScenarioKind.FUNDING
        )  # type: ignore[attr-defined]

    def weights(self) -> dict[str, float]:
        return {k: self.cleaned_data[f"w_{k}"] for k in ("idaci", "child_poverty", "imd", "need")}


class BudgetForm(PlanningForm):
    baseline = forms.TypedChoiceField(label="Baseline year", coerce=int, required=False)

    def __init__(self, *args, years: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["baseline"]).choices = [(y["year"], y["label"]) for y in years]  # type: ignore[attr-defined]


class ContractForm(PlanningForm):
    service = forms.ModelChoiceField(label="Service", queryset=Service.objects.none())
    provider = forms.CharField(label="Provider", max_length=240)
    annual_value = forms.DecimalField(
        label="Value a year (£)", min_value=0, max_digits=12, decimal_places=2
    )
    start = GovukDateField(
        label="Start date", error_name="the start date", help_text="For example, 1 4 2026"
    )
    end = GovukDateField(
        label="End date (optional)",
        error_name="the end date",
        required=False,
        help_text="For example, 31 3 2029",
    )
    ceiling = forms.DecimalField(
        label="Ceiling over the whole term (£, optional)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="The most the contract may cost from its start to its end",
    )

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["service"]).queryset = Service.objects.filter(authority=authority)  # type: ignore[attr-defined]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be on or after the start date")
        return data


class ContractEditForm(ContractForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScenarioEditForm(PlanningForm):
    name = forms.CharField(label="Scenario name", max_length=160, help_text=NAME_HELP)
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, what the scenario was for or who asked for it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(GovukForm):
    """A confirmation page's form: the version the planner saw, so a change made meanwhile is
    not deleted or replaced unseen."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class BudgetLineForm(PlanningForm):
    error_names = {"figure": "whether it is the plan, the forecast or the actual"}
    programme = forms.CharField(label="Programme", max_length=160)
    year = forms.IntegerField(
        label="Financial year",
        min_value=2000,
        max_value=2100,
        help_text="The year it starts in: 2026 means 2026/27",
    )
    figure = forms.ChoiceField(
        label="Which figure is this?",
        choices=BudgetFigure.choices,
        widget=forms.RadioSelect,
        help_text="The plan, the forecast and the actual are kept side by side: recording one "
        "never replaces another",
    )
    amount = forms.DecimalField(label="Amount (£)", min_value=0, max_digits=12, decimal_places=2)
    replacing = forms.DecimalField(
        label="Amount it replaces (£, only when changing a recorded figure)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )


def _money_field(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=12, decimal_places=2
    )


class ContractYearForm(PlanningForm):
    """A contract's value for one year of its term and who pays it."""

    error_names = {"year": "the financial year"}
    year = forms.TypedChoiceField(label="Financial year", coerce=int)
    value = _money_field("Value for the year (£)")
    council = _money_field("Paid by the council (£, optional)", required=False)
    public_health = _money_field("Paid from the public health grant (£, optional)", required=False)
    nhs = _money_field("Paid by the NHS (£, optional)", required=False)
    other = _money_field("Paid by others (£, optional)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["year"]).choices = [
            (y, f"{y}/{(y + 1) % 100:02d}") for y in (years or [])
        ]


class KpiForm(PlanningForm):
    error_names = {"source": "where the figures come from", "direction": "which way is better"}
    name = forms.CharField(label="KPI", max_length=160, help_text="For example, “Families seen”")
    source = forms.ChoiceField(label="Where the figures come from")
    unit = forms.ChoiceField(label="Unit", choices=KpiUnit.choices, widget=forms.RadioSelect)
    direction = forms.ChoiceField(
        label="Which way is better?", choices=KpiDirection.choices, widget=forms.RadioSelect
    )
    target = forms.DecimalField(label="Target", max_digits=12, decimal_places=2, min_value=0)
    amber_tolerance = forms.DecimalField(
        label="Amber tolerance",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        help_text="How far short of the target, in the KPI's unit, still shows amber rather "
        "than red",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["source"]).choices = kpi_sources()


class KpiActualForm(PlanningForm):
    """A provider's figure for a quarter, for the KPIs the provider reports."""

    error_names = {"kpi": "the KPI", "period": "the quarter"}
    kpi = forms.TypedChoiceField(label="KPI", coerce=int)
    period = forms.ChoiceField(label="Quarter")
    value = forms.DecimalField(label="Figure for the quarter", max_digits=12, decimal_places=2)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, why the figure is below target",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, kpis=(), quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["kpi"]).choices = [(k.pk, k.name) for k in kpis]
        cast(Any, self.fields["period"]).choices = [
            (f"{year}-{number}", label) for year, number, label in quarters
        ]

    def clean_period(self) -> tuple[int, int]:
        year, _, number = self.cleaned_data["period"].partition("-")
        return int(year), int(number)


class SiteChangeForm(PlanningForm):
    error_names = {"site": "the site"}
    site = forms.CharField(
        label="Site", max_length=160, help_text="The site that closes or changes"
    )
    change_date = GovukDateField(label="Date of the change", error_name="the date of the change")
    redundancy = _money_field("Redundancy costs (£)")
    dilapidations = _money_field("Dilapidations (£)")
    capital_grant = _money_field("Capital grant the site still carries (£)")
    grant_start = GovukDateField(
        label="Grant start date (optional)", error_name="the grant's start date", required=False
    )
    grant_end = GovukDateField(
        label="Date the grant's conditions end (optional if there is no grant)",
        error_name="the date the grant's conditions end",
        required=False,
        help_text="The clawback falls year by year until this date",
    )
    dfe_notice_by = GovukDateField(
        label="Tell the Department for Education by (optional)",
        error_name="the date to tell the Department for Education by",
        required=False,
    )
    dfe_notice_note = forms.CharField(
        label="What the Department for Education needs (optional)",
        required=False,
        max_length=400,
        help_text="For example, notice of a change of use of a building funded by capital grant",
    )
    annual_saving = _money_field("Saving a year (£)")
    saving_years = forms.IntegerField(
        label="For how many years", min_value=1, max_value=60, initial=10
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("grant_start"), data.get("grant_end")
        if start and end and end <= start:
            self.add_error(
                "grant_end", "The date the grant's conditions end must be after it started"
            )
        if data.get("capital_grant") and not end and "grant_end" not in self.errors:
            self.add_error("grant_end", "Enter the date the grant's conditions end")
        return data


class PostForm(PlanningForm):
    """A post in the establishment (add or change; `version` is the one the planner opened)."""

    error_names = {"funded_by": "the budget line that funds it", "status": "whether it is filled"}
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none())
    role = forms.ChoiceField(
        label="Role", choices=[(role.value, role.label) for role in STAFF_ROLES]
    )
    title = forms.CharField(label="Job title", max_length=120)
    grade = forms.CharField(
        label="Grade (optional)", max_length=40, required=False, help_text="For example Band 6"
    )
    fte = forms.DecimalField(
        label="Full-time equivalent (FTE)",
        min_value=Decimal("0.01"),
        max_value=1,
        max_digits=4,
        decimal_places=2,
        help_text="1 for full time, 0.6 for three days a week",
    )
    annual_cost = forms.DecimalField(
        label="Cost a year (£, optional)",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="Salary with on-costs, for the post's FTE",
    )
    funded_by = forms.ModelChoiceField(
        label="Funded by (optional)", queryset=BudgetLine.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label="Is the post filled?", choices=PostStatus.choices, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, authority: Authority, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(service__authority=authority).order_by("name")
        lines = BudgetLine.objects.filter(authority=authority).order_by("programme", "year")
        cast(Any, self.fields["team"]).queryset = teams
        cast(Any, self.fields["funded_by"]).queryset = lines
