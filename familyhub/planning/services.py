"""Writes for planning: scenarios, contracts, the budget plan. Each is atomic and validated."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from familyhub.accounts.models import User
from familyhub.core.csvfiles import CsvError, CsvRow, Problems, open_csv, read_header, usable
from familyhub.places.models import Authority
from familyhub.planning import scenarios
from familyhub.planning.csvinput import CsvInputError
from familyhub.planning.models import BudgetLine, Contract, Scenario
from familyhub.services.models import Service


def _json_safe(data: dict) -> dict:
    # Decimals and dates become strings, so a saved scenario reads back exactly as shown.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def scenario_save(
    *,
    authority: Authority,
    name: str,
    kind: str,
    inputs: dict,
    results: dict,
    created_by: User | None = None,
) -> Scenario:
    """Save a named scenario with the inputs it was run from and its results."""
    scenario = Scenario(
        authority=authority,
        name=name.strip(),
        kind=kind,
        inputs=_json_safe(inputs),
        results=_json_safe(results),
        created_by=created_by,
    )
    scenario.full_clean()
    scenario.save()
    return scenario


class StaleEdit(ValidationError):
    """The scenario or contract changed since the planner opened it: the change is refused, not
    merged in (the same rule as people.services.StaleEdit)."""


def _stale(what: str) -> StaleEdit:
    return StaleEdit(
        f"Someone else changed this {what} after you opened it. Nothing has been saved: open it "
        "again to see their changes, then make yours."
    )


def _scenario_changed(scenario: Scenario, expected_version: int, **changes) -> Scenario:
    """A conditional UPDATE on the version the planner saw: if anyone saved in between, nothing
    is written and StaleEdit is raised."""
    updated = Scenario.objects.filter(pk=scenario.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise _stale("scenario")
    return Scenario.objects.get(pk=scenario.pk)


@transaction.atomic
def scenario_update(
    *, scenario: Scenario, expected_version: int, name: str, notes: str = ""
) -> Scenario:
    """Rename a scenario or change its notes. Its inputs and results stay as they are."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Enter the scenario name"]})
    candidate = Scenario(
        authority=scenario.authority, kind=scenario.kind, name=name, notes=(notes or "").strip()
    )
    candidate.clean_fields(
        exclude=[f.name for f in Scenario._meta.fields if f.name not in ("name", "notes")]
    )
    return _scenario_changed(scenario, expected_version, name=candidate.name, notes=candidate.notes)


@transaction.atomic
def scenario_rerun(*, scenario: Scenario, expected_version: int) -> Scenario:
    """Run a scenario again with the inputs it was saved with, against today's areas, sites and
    teams, and keep the new results in place of the old. Raises PlanningError when today's
    figures make the plan impossible, and StaleEdit if it changed meanwhile."""
    current = Scenario.objects.get(pk=scenario.pk)
    if current.version != expected_version:
        raise _stale("scenario")
    results = scenarios.run_again(current.authority, current.kind, current.inputs)
    return _scenario_changed(scenario, expected_version, results=_json_safe(results))


@transaction.atomic
def scenario_delete(*, scenario: Scenario, expected_version: int) -> None:
    """Delete a scenario, unless it changed since the planner confirmed. Scenarios built on it
    keep their results and say it was deleted."""
    _delete_if_unchanged(scenario, expected_version, "scenario")


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    expected_version: int,
    service: Service,
    provider: str,
    annual_value: Decimal,
    start: datetime.date,
    end: datetime.date | None = None,
) -> Contract:
    fields = {
        "service": service,
        "provider": (provider or "").strip(),
        "annual_value": annual_value,
        "start": start,
        "end": end,
    }
    candidate = Contract(pk=contract.pk, authority=contract.authority, **fields)
    candidate.full_clean(exclude=["public_id"], validate_unique=False)
    updated = Contract.objects.filter(pk=contract.pk, version=expected_version).update(
        **fields, version=F("version") + 1
    )
    if updated != 1:
        raise _stale("contract")
    return Contract.objects.get(pk=contract.pk)


@transaction.atomic
def contract_delete(*, contract: Contract, expected_version: int) -> None:
    _delete_if_unchanged(contract, expected_version, "contract")


def _delete_if_unchanged(row: Scenario | Contract, expected_version: int, what: str) -> None:
    """One conditional DELETE: a row someone changed since the planner confirmed stays."""
    deleted, _ = type(row).objects.filter(pk=row.pk, version=expected_version).delete()
    if not deleted:
        raise _stale(what)


@transaction.atomic
def contract_save(
    *,
    authority: Authority,
    service: Service,
    provider: str,
    annual_value: Decimal,
    start: datetime.date,
    end: datetime.date | None = None,
) -> Contract:
    contract = Contract(
        authority=authority,
        service=service,
        provider=provider,
        annual_value=annual_value,
        start=start,
        end=end,
    )
    contract.full_clean()
    contract.save()
    return contract


_YEAR_COLUMN = re.compile(r"^(spend|actual|planned|budget)_(\d{4})_(\d{2})(_gbp)?$")


def _amount(row: CsvRow, column: str) -> Decimal | None:
    """A sum of money in pounds ('£1,200' is 1200); an unusable one is reported by `row`."""
    text = row.text(column, required=False).replace(",", "").replace("£", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        row.unusable(column, f"{text!r} is not a number")
        return None
    if not amount.is_finite():
        row.unusable(column, f"{text!r} is not a number")
        return None
    if amount < 0:
        row.unusable(column, f"{text} is below zero: an amount cannot be negative")
        return None
    return amount


def _header(path: Path) -> list[str]:
    if not Path(path).is_file():
        raise CsvInputError(path, 0, "-", "the file does not exist")
    try:
        return read_header(path)
    except CsvError as error:
        raise CsvInputError(path, error.row, error.column, error.message) from None


@transaction.atomic
def budget_plan_load(*, authority: Authority, path: Path, problems: Problems | None = None) -> int:
    """Load a budget plan shaped like thurrock_budget_plan.csv: a programme column and one column
    per year named spend_2016_17_gbp (actual) or planned_2017_18_gbp (planned).

    Replaces the lines for the programmes and years in the file. Without `problems`, all or
    nothing: the first amount that is not a number stops the load. With it, such an amount (or
    a row with no programme) is recorded there and the rest of the file loads.
    """
    header = _header(path)
    if "programme" not in header:
        raise CsvInputError(path, 1, "programme", "the column is missing")
    year_columns = []
    for column in header:
        match = _YEAR_COLUMN.match(column)
        if match:
            year_columns.append((column, int(match.group(2)), match.group(1) != "planned"))
    if not year_columns:
        raise CsvInputError(
            path, 1, "-", "no year columns (for example spend_2016_17_gbp, planned_2017_18_gbp)"
        )

    def parse(row: CsvRow) -> int:
        programme = row.text("programme", required=False)
        if not programme:
            raise row.left_out("programme", "this is blank")
        lines = 0
        for column, year, is_actual in year_columns:
            amount = _amount(row, column)
            if amount is None:
                continue
            BudgetLine.objects.update_or_create(
                authority=authority,
                programme=programme,
                year=year,
                defaults={"amount": amount, "is_actual": is_actual},
            )
            lines += 1
        return lines

    try:
        with open_csv(path, required=[], problems=problems) as rows:
            return sum(usable(rows, parse))
    except CsvInputError:
        raise
    except CsvError as error:
        raise CsvInputError(path, error.row, error.column, error.message) from None


@transaction.atomic
def contracts_load(
    *,
    authority: Authority,
    path: Path,
    start: datetime.date,
    end: datetime.date | None,
    problems: Problems | None = None,
) -> int:
    """Contracts from a services table shaped like thurrock_services_2016.csv (service, provider,
    cost_YYYY_YY_gbp). Rows with no cost (commissioned by the NHS, outside the council's budget)
    are skipped. A service not yet in the register is added with its commissioner and programme.
    With `problems`, a cost that is not a number (or a row with no service) is recorded there
    and the row skipped; without it, it stops the load and nothing is saved.
    """
    header = _header(path)
    for needed in ("service", "provider"):
        if needed not in header:
            raise CsvInputError(path, 1, needed, "the column is missing")
    cost_column = next((h for h in header if h.startswith("cost")), None)
    if cost_column is None:
        raise CsvInputError(path, 1, "cost_2016_17_gbp", "the column is missing")

    def parse(row: CsvRow) -> int:
        value = _amount(row, cost_column)
        if value is None:
            return 0
        name = row.text("service", required=False)
        if not name:
            raise row.left_out("service", "this is blank")
        service, _ = Service.objects.get_or_create(
            authority=authority,
            name=name,
            defaults={
                "commissioner": row.text("commissioner", required=False),
                "provider": row.text("provider", required=False),
                "main_location": row.text("main_location", required=False),
                "part_of": row.text("part_of", required=False),
            },
        )
        provider = row.text("provider", required=False) or service.provider or "Not recorded"
        if Contract.objects.filter(
            authority=authority, service=service, provider=provider, start=start
        ).exists():
            return 0
        contract_save(
            authority=authority,
            service=service,
            provider=provider,
            annual_value=value,
            start=start,
            end=end,
        )
        return 1

    try:
        with open_csv(path, required=[], problems=problems) as rows:
            return sum(usable(rows, parse))
    except CsvInputError:
        raise
    except CsvError as error:
        raise CsvInputError(path, error.row, error.column, error.message) from None


@transaction.atomic
def budget_line_record(
    *,
    authority: Authority,
    programme: str,
    year: int,
    amount: Decimal,
    is_actual: bool,
    replacing: Decimal | None = None,
) -> BudgetLine:
    """Record one programme's spend for a year. Replacing a recorded figure needs the figure
    being replaced, checked under a row lock, so two planners cannot silently overwrite each
    other: the second is told what the line says now.
    """
    programme = programme.strip()
    line = (
        BudgetLine.objects.select_for_update()
        .filter(authority=authority, programme=programme, year=year)
        .first()
    )
    if line is None:
        line = BudgetLine(authority=authority, programme=programme, year=year)
    elif replacing is None:
        raise ValidationError(
            {
                "replacing": f"{programme} {line.financial_year} is already recorded as "
                f"£{line.amount:,.2f}. To change it, enter that amount here."
            }
        )
    elif replacing != line.amount:
        raise ValidationError(
            {
                "replacing": f"{programme} {line.financial_year} has changed since: it is now "
                f"£{line.amount:,.2f}. Check it and try again."
            }
        )
    line.amount = amount
    line.is_actual = is_actual
    line.full_clean()
    line.save()
    return line
