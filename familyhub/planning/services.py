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
from familyhub.planning import scenarios, selectors
from familyhub.planning.csvinput import CsvInputError
from familyhub.planning.models import (
    PROVIDER_ENTERED,
    BudgetFigure,
    BudgetLine,
    Contract,
    ContractFunding,
    ContractKpi,
    ContractYear,
    FundingSource,
    KpiActual,
    KpiUnit,
    Post,
    Scenario,
    ScenarioKind,
    SiteChange,
)
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
    ceiling: Decimal | None = None,
) -> Contract:
    fields = {
        "service": service,
        "provider": (provider or "").strip(),
        "annual_value": annual_value,
        "start": start,
        "end": end,
        "ceiling": ceiling,
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
    ceiling: Decimal | None = None,
) -> Contract:
    contract = Contract(
        authority=authority,
        service=service,
        provider=provider,
        annual_value=annual_value,
        start=start,
        end=end,
        ceiling=ceiling,
    )
    contract.full_clean()
    contract.save()
    return contract


_YEAR_COLUMN = re.compile(r"^(spend|actual|planned|budget|plan|forecast)_(\d{4})_(\d{2})(_gbp)?$")
# Which of a line's figures a column fills: spent is the actual, planned or budget the plan.
_FIGURE_OF = {
    "spend": BudgetFigure.ACTUAL,
    "actual": BudgetFigure.ACTUAL,
    "planned": BudgetFigure.PLAN,
    "plan": BudgetFigure.PLAN,
    "budget": BudgetFigure.PLAN,
    "forecast": BudgetFigure.FORECAST,
}


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
    per year named spend_2016_17_gbp (the actual), planned_2017_18_gbp (the plan) or
    forecast_2017_18_gbp (the forecast).

    Replaces the figures in the file (a plan column replaces the plan, never the actual). Without `problems`, all or
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
            year_columns.append((column, int(match.group(2)), _FIGURE_OF[match.group(1)]))
    if not year_columns:
        raise CsvInputError(
            path, 1, "-", "no year columns (for example spend_2016_17_gbp, planned_2017_18_gbp)"
        )

    def parse(row: CsvRow) -> int:
        programme = row.text("programme", required=False)
        if not programme:
            raise row.left_out("programme", "this is blank")
        lines = 0
        for column, year, figure in year_columns:
            amount = _amount(row, column)
            if amount is None:
                continue
            BudgetLine.objects.update_or_create(
                authority=authority,
                programme=programme,
                year=year,
                defaults={str(figure): amount},
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
    figure: str,
    amount: Decimal,
    replacing: Decimal | None = None,
) -> BudgetLine:
    """Record one of a programme's figures for a year: its plan, forecast or actual. The others
    stay as they are. Replacing a recorded figure needs the figure being replaced, checked under
    a row lock, so two planners cannot silently overwrite each other: the second is told what
    the line says now.
    """
    if figure not in BudgetFigure.values:
        raise ValidationError({"figure": "Choose whether this is the plan, forecast or actual"})
    word = BudgetFigure(figure).label.lower()
    programme = programme.strip()
    line = (
        BudgetLine.objects.select_for_update()
        .filter(authority=authority, programme=programme, year=year)
        .first()
    )
    if line is None:
        line = BudgetLine(authority=authority, programme=programme, year=year)
    current = getattr(line, figure)
    if current is not None and replacing is None:
        raise ValidationError(
            {
                "replacing": f"The {word} for {programme} {line.financial_year} is already "
                f"recorded as £{current:,.2f}. To change it, enter that amount here."
            }
        )
    if current is not None and replacing != current:
        raise ValidationError(
            {
                "replacing": f"The {word} for {programme} {line.financial_year} has changed "
                f"since: it is now £{current:,.2f}. Check it and try again."
            }
        )
    setattr(line, figure, amount)
    line.full_clean()
    line.save()
    return line


# --- Commissioning: a contract's years, funding and KPIs ----------------------------------------
# Every change here raises the contract's version with a conditional UPDATE on the version the
# planner opened, so two people editing one contract never silently overwrite each other.


def _contract_touched(contract: Contract, expected_version: int) -> None:
    updated = Contract.objects.filter(pk=contract.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if updated != 1:
        raise _stale("contract")


def _money(value, field: str, what: str) -> Decimal:
    try:
        amount = Decimal(value if value is not None else 0)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: f"Enter {what} as a number of pounds"}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: f"Enter {what} as £0 or more"})
    return amount


@transaction.atomic
def contract_year_set(
    *,
    contract: Contract,
    expected_version: int,
    year: int,
    value: Decimal,
    funding: dict[str, Decimal | None],
) -> Contract:
    """Set a contract's value for one financial year of its term and who pays it (council,
    public health grant, NHS, other). The shares must add up to the value, and the term's total
    must stay within the contract's ceiling; each refusal names the field to correct."""
    years = selectors.financial_years(contract.start, contract.end, today=timezone.localdate())
    if year not in years:
        first, last = years[0], years[-1]
        raise ValidationError(
            {
                "year": f"The contract runs from {first}/{(first + 1) % 100:02d} to "
                f"{last}/{(last + 1) % 100:02d}: choose a year in its term"
            }
        )
    value = _money(value, "value", "the value for the year")
    shares: dict[str, Decimal] = {}
    for source in FundingSource.values:
        given = funding.get(source)
        if given is not None:
            label = FundingSource(source).label
            shares[source] = _money(given, source, f"the {label.lower()} share")
    funded = sum(shares.values(), start=Decimal(0))
    if shares and funded != value:
        words = " + ".join(f"{FundingSource(s).label.lower()} £{a:,.2f}" for s, a in shares.items())
        raise ValidationError(
            {
                "value": f"The funding split ({words} = £{funded:,.2f}) does not add up to the "
                f"value for the year (£{value:,.2f}). Change the shares or the value so they match"
            }
        )
    if contract.ceiling is not None:
        others = {y.year: y.value for y in contract.years.exclude(year=year)}
        total = value + sum(others.get(y, contract.annual_value) for y in years if y != year)
        if total > contract.ceiling:
            raise ValidationError(
                {
                    "value": f"With this value the contract's term would cost £{total:,.2f}, more "
                    f"than its ceiling of £{contract.ceiling:,.2f}"
                }
            )
    _contract_touched(contract, expected_version)
    ContractYear.objects.update_or_create(contract=contract, year=year, defaults={"value": value})
    ContractFunding.objects.filter(contract=contract, year=year).delete()
    ContractFunding.objects.bulk_create(
        ContractFunding(contract=contract, year=year, source=s, amount=a) for s, a in shares.items()
    )
    return Contract.objects.get(pk=contract.pk)


@transaction.atomic
def kpi_add(
    *,
    contract: Contract,
    expected_version: int,
    name: str,
    unit: str,
    target: Decimal,
    direction: str,
    amber_tolerance: Decimal = Decimal(0),
    source: str = PROVIDER_ENTERED,
) -> ContractKpi:
    """Add a KPI to a contract."""
    if source not in dict(selectors.kpi_sources()):
        raise ValidationError({"source": "Choose where the figures come from"})
    kpi = ContractKpi(
        contract=contract,
        name=(name or "").strip(),
        unit=unit,
        target=target,
        direction=direction,
        amber_tolerance=amber_tolerance,
        source=source,
    )
    kpi.full_clean(exclude=["public_id"])
    _contract_touched(contract, expected_version)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_actual_record(
    *,
    contract: Contract,
    expected_version: int,
    kpi: ContractKpi,
    year: int,
    quarter: int,
    value: Decimal,
    note: str = "",
    entered_by: User | None = None,
) -> KpiActual:
    """The provider's figure for a KPI in a quarter (replacing the one entered before, if any).
    A KPI computed from the record takes no typed figure."""
    if kpi.contract_id != contract.pk:
        raise ValidationError({"kpi": "Choose one of this contract's KPIs"})
    if not kpi.entered_by_provider:
        raise ValidationError(
            {"kpi": f"“{kpi.name}” is computed from the record each quarter: it is not typed in"}
        )
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "Choose quarter 1, 2, 3 or 4"})
    quarters = {
        selectors.quarter_number(p)
        for p in selectors.contract_quarters(contract, today=timezone.localdate(), most=400)
    }
    if (year, quarter) not in quarters:
        raise ValidationError({"year": "Choose a quarter of the contract's term that has started"})
    value = Decimal(value)
    if kpi.unit == KpiUnit.PERCENT and not (0 <= value <= 100):
        raise ValidationError({"value": "Enter a percentage from 0 to 100"})
    if value < 0:
        raise ValidationError({"value": "Enter a figure of 0 or more"})
    _contract_touched(contract, expected_version)
    actual, _ = KpiActual.objects.update_or_create(
        kpi=kpi,
        year=year,
        quarter=quarter,
        defaults={"value": value, "note": (note or "").strip(), "entered_by": entered_by},
    )
    return actual


# --- The cost of change in a site scenario ------------------------------------------------------


@transaction.atomic
def site_change_add(*, scenario: Scenario, expected_version: int, **fields) -> SiteChange:
    """Add the one-off costs and yearly saving of closing or changing a site to a site scenario.
    Raises the scenario's version (so the page another planner has open says it changed)."""
    if scenario.kind != ScenarioKind.SITES:
        raise ValidationError("Costs of change go with a site network scenario")
    change = SiteChange(scenario=scenario, **fields)
    change.site = (change.site or "").strip()
    problems: dict[str, str] = {}
    if change.grant_start and change.grant_end and change.grant_end <= change.grant_start:
        problems["grant_end"] = "The grant's end date must be after its start date"
    if change.capital_grant and change.grant_end is None:
        problems["grant_end"] = "Enter the date the capital grant's conditions end"
    if problems:
        raise ValidationError(problems)
    change.full_clean()
    _scenario_changed(scenario, expected_version)
    change.save()
    return change


@transaction.atomic
def site_change_remove(*, scenario: Scenario, expected_version: int, change_id: int) -> None:
    change = SiteChange.objects.filter(scenario=scenario, pk=change_id).first()
    if change is None:
        raise ValidationError("That site change has already been removed")
    _scenario_changed(scenario, expected_version)
    change.delete()


# --- The establishment: funded posts ---------------------------------------------------------


POST_FIELDS = ("team", "role", "title", "grade", "fte", "annual_cost", "funded_by", "status")


def _post_checked(authority: Authority, fields: dict) -> None:
    team, line = fields.get("team"), fields.get("funded_by")
    if team is not None and team.service.authority_id != authority.pk:
        raise ValidationError({"team": "Choose one of the council's own teams"})
    if line is not None and line.authority_id != authority.pk:
        raise ValidationError({"funded_by": "Choose one of the council's own budget lines"})


@transaction.atomic
def post_save(
    *, authority: Authority, post: Post | None = None, expected_version: int | None = None, **fields
) -> Post:
    """Add a post, or change one. A change names the version the planner opened and is refused
    if someone saved in between (StaleEdit), never merged over their change."""
    values = {name: fields[name] for name in POST_FIELDS if name in fields}
    _post_checked(authority, values)
    if post is None:
        post = Post(authority=authority, **values)
        post.full_clean()
        post.save()
        return post
    if expected_version is None:
        raise _stale("post")
    updated = Post.objects.filter(pk=post.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise _stale("post")
    return Post.objects.get(pk=post.pk)


@transaction.atomic
def post_delete(*, post: Post, expected_version: int) -> None:
    if Post.objects.filter(pk=post.pk, version=expected_version).delete()[0] != 1:
        raise _stale("post")
