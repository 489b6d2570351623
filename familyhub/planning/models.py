"""Planning: saved scenarios, contracts and the budget plan. Aggregates only, never a person."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from familyhub.places.models import Authority


class ScenarioKind(models.TextChoices):
    NEEDS = "needs", "Needs analysis"
    SITES = "sites", "Site network"
    SESSIONS = "sessions", "Sessions"
    CASELOAD = "caseload", "Caseload allocation"
    FUNDING = "funding", "Funding formula"


class Scenario(models.Model):
    """A named plan: what the planner asked (inputs) and what the calculation gave (results).

    Results are kept as computed, so a scenario still reads the same after the area figures or
    the record change, until a planner runs it again (services.scenario_rerun) with the same
    inputs against today's figures.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=ScenarioKind.choices)
    inputs = models.JSONField(default=dict)
    results = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(blank=True)
    # Raised by every change; an edit or delete names the version it was made from (services).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "name"]
        indexes = [models.Index(fields=["authority", "kind", "-created_at"])]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A contract for a service in the model: who provides it, for how much a year, and when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="planning_contracts"
    )
    provider = models.CharField(max_length=240)
    annual_value = models.DecimalField(max_digits=12, decimal_places=2, help_text="GBP a year")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    ceiling = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The most the contract may cost over its whole term, GBP",
    )
    # Raised by every change to the contract, its yearly values, funding, KPIs and their figures.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service__name", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="planning_contract_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__gte=0), name="planning_contract_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.provider})"


class BudgetLine(models.Model):
    """One programme in one financial year (year 2016 = 2016/17): the plan, the forecast and the
    actual side by side. Each is kept: recording the actual never replaces the plan."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(max_length=160)
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    plan = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    forecast = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "programme", "year"], name="planning_budget_line_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(plan__isnull=True) | models.Q(plan__gte=0))
                & (models.Q(forecast__isnull=True) | models.Q(forecast__gte=0))
                & (models.Q(actual__isnull=True) | models.Q(actual__gte=0)),
                name="planning_budget_figures_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.financial_year}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def outturn(self):
        """The best figure for the year: the actual, else the forecast, else the plan."""
        for figure in (self.actual, self.forecast, self.plan):
            if figure is not None:
                return figure
        return None


class BudgetFigure(models.TextChoices):
    PLAN = "plan", "Plan"
    FORECAST = "forecast", "Forecast"
    ACTUAL = "actual", "Actual"


# --- Commissioning: a contract's years, funding and KPIs ----------------------------------------


class ContractYear(models.Model):
    """A contract's value in one financial year of its term (else its annual value)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="planning_contract_year"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="planning_contract_year_not_negative"
            ),
        ]


class FundingSource(models.TextChoices):
    COUNCIL = "council", "Council"
    PUBLIC_HEALTH = "public_health", "Public health grant"
    NHS = "nhs", "NHS"
    OTHER = "other", "Other"


class ContractFunding(models.Model):
    """Who pays for a contract in a year: the shares add up to the year's value (services)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["contract", "year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "source"], name="planning_contract_funding"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="planning_funding_not_negative"
            ),
        ]


class KpiUnit(models.TextChoices):
    PERCENT = "percent", "Percent"
    COUNT = "count", "Count"
    DAYS = "days", "Days"


class KpiDirection(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


PROVIDER_ENTERED = "provider"


class ContractKpi(models.Model):
    """A key performance indicator of a contract: its target and how its figures arrive, either
    entered by the provider each quarter (`source` = "provider") or computed from the record by
    the indicator of that key (familyhub.core.indicators), never typed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=160)
    unit = models.CharField(max_length=10, choices=KpiUnit.choices)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=KpiDirection.choices)
    amber_tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far short of the target (in the KPI's unit) is still amber",
    )
    source = models.CharField(max_length=80, default=PROVIDER_ENTERED)

    class Meta:
        ordering = ["contract", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_tolerance__gte=0), name="planning_kpi_tolerance"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def entered_by_provider(self) -> bool:
        return self.source == PROVIDER_ENTERED


class KpiActual(models.Model):
    """A provider's figure for a KPI in one financial quarter (Q1 = April to June)."""

    kpi = models.ForeignKey(ContractKpi, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    quarter = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year", "quarter"], name="planning_kpi_actual"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1) & models.Q(quarter__lte=4),
                name="planning_kpi_quarter_1_to_4",
            ),
        ]


# --- The cost of change in a site scenario ------------------------------------------------------


class SiteChange(models.Model):
    """Closing or changing one site in a site scenario: its one-off costs and what it saves."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="site_changes")
    site = models.CharField(max_length=160)
    change_date = models.DateField(help_text="When the site closes or changes")
    redundancy = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    dilapidations = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    capital_grant = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Capital grant the site still carries"
    )
    grant_start = models.DateField(null=True, blank=True)
    grant_end = models.DateField(null=True, blank=True)
    dfe_notice_by = models.DateField(
        null=True, blank=True, help_text="When the Department for Education must be told"
    )
    dfe_notice_note = models.CharField(max_length=400, blank=True)
    annual_saving = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    saving_years = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["scenario", "change_date", "site"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(redundancy__gte=0)
                & models.Q(dilapidations__gte=0)
                & models.Q(capital_grant__gte=0)
                & models.Q(annual_saving__gte=0),
                name="planning_site_change_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.site


class PostStatus(models.TextChoices):
    FILLED = "filled", "Filled"
    VACANT = "vacant", "Vacant"


class Post(models.Model):
    """A funded post in the establishment: what the service is built to have, filled or not.
    The caseload model can take its capacity from these rather than from who is in the teams
    today, and a budget line shows what it buys. A post is about a job, never about a family."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("services.Team", on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(max_length=32, help_text="The staff role the post holder works in")
    title = models.CharField("job title", max_length=120)
    grade = models.CharField(max_length=40, blank=True, help_text="For example 'Band 6' or 'PO3'")
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2)
    annual_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Salary with on-costs for the post's FTE",
    )
    funded_by = models.ForeignKey(
        BudgetLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    status = models.CharField(max_length=8, choices=PostStatus.choices, default=PostStatus.FILLED)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name", "role", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fte__gt=0) & models.Q(fte__lte=1), name="planning_post_fte"
            ),
            models.CheckConstraint(
                condition=models.Q(annual_cost__isnull=True) | models.Q(annual_cost__gte=0),
                name="planning_post_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.team})"
