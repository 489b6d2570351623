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
    """Spend on one programme in one financial year (year 2016 = 2016/17), actual or planned."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(max_length=160)
    year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    is_actual = models.BooleanField(default=False, help_text="Spent (true) or planned (false)")

    class Meta:
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "programme", "year"], name="planning_budget_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="planning_budget_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.financial_year}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"
