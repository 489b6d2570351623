"""Published public health figures by ward or LSOA: the Fingertips indicator files of the Office
for Health Improvement and Disparities, and the indicators read from them.

A Fingertips file (Download > "data for indicator" as CSV, or the API's
`all_data/csv/by_indicator_id`) has one row per indicator, area, period and breakdown, with the
columns `Indicator ID`, `Indicator Name`, `Area Code`, `Area Name`, `Area Type`, `Sex`, `Age`,
`Category Type`, `Category`, `Time period`, `Value`, `Lower CI 95.0 limit`,
`Upper CI 95.0 limit`, `Count`, `Denominator` (and more, which are not read). Rows for the
council (its ONS code) and for its own areas (places.Area codes) are kept; rows for England, the
region or other councils are left out without complaint, as are rows broken down by a category
(deprivation decile, ethnic group), which would count the same people twice. A row that cannot
be used is reported by row number and column, and nothing of it is saved.

Only the indicators Familyhub shows are stored: their Fingertips IDs are below. The IDs are
those of the Child and Maternal Health profile; a council with another source writes the rows in
this layout with the same ID.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction

from familyhub.core.indicators import Cell, cells, indicator
from familyhub.outcomes.models import AreaFigure
from familyhub.places.models import Area, Authority

SMOKING_AT_DELIVERY = 93085  # Smoking status at time of delivery (% of maternities)
SMOKING_EARLY_PREGNANCY = 93579  # Smoking in early pregnancy (% of women at booking)
UNDER_18_CONCEPTIONS = 20401  # Under 18s conception rate / 1,000 females aged 15 to 17
KNOWN = {
    SMOKING_AT_DELIVERY: "Smoking status at time of delivery",
    SMOKING_EARLY_PREGNANCY: "Smoking in early pregnancy",
    UNDER_18_CONCEPTIONS: "Under 18s conception rate / 1,000",
}
REQUIRED = ["Indicator ID", "Area Code", "Time period", "Count", "Denominator"]


@dataclass
class AreaImportReport:
    saved: int = 0
    left_out: int = 0  # other places' rows and breakdowns by category: not ours to keep
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def _months(start: datetime.date, months: int) -> datetime.date:
    year, month = divmod(start.month - 1 + months, 12)
    return datetime.date(start.year + year, month + 1, 1) - datetime.timedelta(days=1)


def parse_time_period(raw: str) -> tuple[datetime.date, datetime.date] | None:
    """Fingertips' periods: a financial year '2023/24', a calendar year '2022', pooled years
    '2020 - 22' or '2020/21 - 22/23', a quarter '2023/24 Q2'. None for anything else."""
    text = " ".join(raw.split())
    if match := re.fullmatch(r"(\d{4})/(\d{2}) Q([1-4])", text):
        start = datetime.date(int(match[1]), 4, 1)
        start = _months(start, 3 * (int(match[3]) - 1)) + datetime.timedelta(days=1)
        return start, _months(start, 3)
    if match := re.fullmatch(r"(\d{4})/(\d{2})", text):
        year = int(match[1])
        return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
    if match := re.fullmatch(r"(\d{4})/(\d{2}) - (\d{2})/(\d{2})", text):
        year = int(match[1])
        return datetime.date(year, 4, 1), datetime.date(2000 + int(match[4]), 3, 31)
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if match := re.fullmatch(r"(\d{4}) - (\d{2})", text):
        year = int(match[1])
        return datetime.date(year, 1, 1), datetime.date(2000 + int(match[2]), 12, 31)
    return None


def _number(raw: str) -> float | None | str:
    """A figure, None where the file leaves it blank, or the reason it cannot be read."""
    text = raw.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return f"'{raw.strip()[:40]}' is not a number"
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        return f"'{raw.strip()[:40]}' is not a count or a rate"
    return value


def import_rows(rows: list[list[str]], *, authority: Authority, source: str) -> AreaImportReport:
    """Import a Fingertips file's rows (header first) for one council."""
    report = AreaImportReport()
    if not rows:
        report.problems.append((1, "file", "The file is empty"))
        return report
    columns = {name.strip(): index for index, name in enumerate(rows[0])}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        report.problems.append((1, "header", "Columns missing: " + ", ".join(missing)))
        return report
    areas = dict(Area.objects.filter(authority=authority).values_list("code", "pk"))
    for number, row in enumerate(rows[1:], start=2):

        def value(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        code = value("Area Code")
        if value("Category Type") or (code != authority.code and code not in areas):
            report.left_out += 1
            continue
        problem = _row_problem(value)
        if problem:
            report.problems.append((number, *problem))
            continue
        _save(value, authority=authority, area_id=areas.get(code), source=source)
        report.saved += 1
    return report


def _row_problem(value) -> tuple[str, str] | None:
    raw_id = value("Indicator ID")
    if not raw_id.isdigit() or int(raw_id) not in KNOWN:
        known = ", ".join(f"{key} ({name})" for key, name in KNOWN.items())
        return "Indicator ID", f"'{raw_id[:20]}' is not one Familyhub shows (it shows {known})"
    if parse_time_period(value("Time period")) is None:
        return "Time period", f"'{value('Time period')[:30]}' is not a period Fingertips writes"
    for name in ("Count", "Denominator", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit"):
        if isinstance(_number(value(name)), str):
            return name, str(_number(value(name)))
    count, denominator = _number(value("Count")), _number(value("Denominator"))
    if isinstance(count, float) and isinstance(denominator, float) and count > denominator:
        return "Count", f"the count ({count:g}) is more than the denominator ({denominator:g})"
    return None


@transaction.atomic
def _save(value, *, authority: Authority, area_id: int | None, source: str) -> None:
    start, end = parse_time_period(value("Time period")) or (None, None)
    figures = {
        name: _number(value(column))
        for name, column in [
            ("count", "Count"),
            ("denominator", "Denominator"),
            ("value", "Value"),
            ("lower_ci", "Lower CI 95.0 limit"),
            ("upper_ci", "Upper CI 95.0 limit"),
        ]
    }
    AreaFigure.objects.update_or_create(
        authority=authority,
        fingertips_id=int(value("Indicator ID")),
        area_id=area_id,
        period_start=start,
        defaults={
            "indicator_name": (value("Indicator Name") or KNOWN[int(value("Indicator ID"))])[:240],
            "time_period": value("Time period")[:20],
            "period_end": end,
            "source_file": source[:200],
            **figures,
        },
    )


def _cells(fingertips_id: int, authority_id: int, start, end) -> list[Cell]:
    """A period's figures by area. A figure counts in the financial year its period ends in (a
    calendar year 2024 in 2024/25; pooled years in their last). Where the file has the council's
    areas, they are used; the council's own row only where it has no area rows, so no birth is
    counted twice. Rows without a count and denominator (a value alone) cannot be added up."""
    rows = AreaFigure.objects.filter(
        authority_id=authority_id,
        fingertips_id=fingertips_id,
        period_end__range=(start, end),
        count__isnull=False,
        denominator__isnull=False,
    )
    if rows.filter(area__isnull=False).exists():
        rows = rows.filter(area__isnull=False)
    return cells(
        {"area_id": area_id, "numerator": round(count or 0), "denominator": round(denominator or 0)}
        for area_id, count, denominator in rows.values_list("area_id", "count", "denominator")
    )


NOTE = (
    "Published figures imported from Fingertips ({source}), not counted from Familyhub's own "
    "records: no drill-down to people. A figure counts in the financial year its period ends in."
)


@indicator(
    key="smoking_at_delivery",
    title="Smoking at time of delivery",
    period="year",
    higher_is_better=False,
    target=6.0,
    numerator="Mothers known to smoke at the time of delivery",
    denominator="Maternities with a known smoking status",
    part="outcomes",
    note=NOTE.format(source="indicator 93085") + " The target is the national ambition of 6%.",
)
def smoking_at_delivery(authority_id: int, start, end) -> list[Cell]:
    return _cells(SMOKING_AT_DELIVERY, authority_id, start, end)


@indicator(
    key="smoking_early_pregnancy",
    title="Smoking in early pregnancy",
    period="year",
    higher_is_better=False,
    numerator="Women known to smoke at the booking appointment",
    denominator="Women booked with a known smoking status",
    part="outcomes",
    note=NOTE.format(source="indicator 93579"),
)
def smoking_early_pregnancy(authority_id: int, start, end) -> list[Cell]:
    return _cells(SMOKING_EARLY_PREGNANCY, authority_id, start, end)


@indicator(
    key="under_18_conceptions",
    title="Under 18 conceptions",
    unit="per 1,000",
    period="year",
    higher_is_better=False,
    numerator="Conceptions to women aged under 18",
    denominator="Women aged 15 to 17",
    part="outcomes",
    note=NOTE.format(source="indicator 20401")
    + " Published for calendar years, so 2023 shows in 2023/24.",
)
def under_18_conceptions(authority_id: int, start, end) -> list[Cell]:
    return _cells(UNDER_18_CONCEPTIONS, authority_id, start, end)
