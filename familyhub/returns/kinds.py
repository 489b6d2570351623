"""What each return is: its specification (named by version), the lawful basis under which it
reads people, and the shape of its period. One place, so that the page, the commands and the
files say the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from familyhub.core.dates import add_months
from familyhub.core.indicators import financial_quarter, period_of
from familyhub.returns.models import ReturnKind


@dataclass(frozen=True)
class ReturnSpec:
    kind: str
    title: str
    specification: str
    lawful_basis: str
    period_kind: str  # "month", "quarter" or "year" (financial)
    period_hint: str


SPECS: dict[str, ReturnSpec] = {
    ReturnKind.CSDS: ReturnSpec(
        kind=ReturnKind.CSDS,
        title="Community Services Data Set",
        specification="CSDS v1.6 technical output specification (NHS England), read with OHID's "
        "Healthy Child Programme supplementary guidance for completing the CSDS (February 2026)",
        lawful_basis="The CSDS Data Provision Notice issued by NHS England under section 259(1)(a) "
        "of the Health and Social Care Act 2012 requires every provider of publicly funded "
        "community services to submit it monthly (UK GDPR Article 6(1)(c), legal obligation; "
        "Article 9(2)(h) and (i), health and social care and public health). It holds every "
        "child who had a health visiting or school nursing contact in the month, whether or not "
        "you may open their record.",
        period_kind="month",
        period_hint="a month, for example 2026-11",
    ),
    ReturnKind.OHID: ReturnSpec(
        kind=ReturnKind.OHID,
        title="Healthy Child Programme interim metrics (OHID)",
        specification="OHID interim data submission for the universal health visiting service "
        "(metrics C1, C2, C3, C4, C5, C6i-C6viii, C8i, C8ii, as in the 2024 to 2025 guidance)",
        lawful_basis="The mandated universal reviews of the Local Authorities (Public Health "
        "Functions and Entry to Premises by Local Healthwatch Representatives) Regulations 2013 "
        "(UK GDPR Article 6(1)(e), public task; Article 9(2)(i), public health). The return "
        "itself holds counts only; the worklist names the children whose records leave them "
        "out of a count.",
        period_kind="quarter",
        period_hint="a financial quarter, for example 2026/27-Q2",
    ),
    ReturnKind.SUPPORTING_FAMILIES: ReturnSpec(
        kind=ReturnKind.SUPPORTING_FAMILIES,
        title="Supporting Families data return and results claim",
        specification="Supporting Families programme guidance 2022 to 2025 (chapter 3, the "
        "National Supporting Families Outcome Framework; chapter 5, evidencing successful family "
        "outcomes), continued for 2025 to 2026",
        lawful_basis="The Supporting Families grant conditions and the council's duty to "
        "cooperate to improve children's wellbeing (Children Act 2004, section 10); UK GDPR "
        "Article 6(1)(e), public task. It holds the families your council's early help service "
        "worked with under the programme.",
        period_kind="quarter",
        period_hint="a financial quarter, for example 2026/27-Q2",
    ),
    ReturnKind.CIN: ReturnSpec(
        kind=ReturnKind.CIN,
        title="Children in Need census",
        specification="DfE children in need census 2026 to 2027 business and technical "
        "specification (XML for COLLECT; <Sex>, N00783, in place of <GenderCurrent>)",
        lawful_basis="Section 83 of the Children Act 1989 (the Secretary of State's collection "
        "of information about children in need); UK GDPR Article 6(1)(c), legal obligation. It "
        "holds every child the council supported under section 17 in the year.",
        period_kind="year",
        period_hint="a financial year, for example 2026/27",
    ),
}

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})/(\d{2})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class ReturnPeriod:
    start: date
    end: date
    label: str


def _month(start: date) -> ReturnPeriod:
    end = add_months(start, 1) - timedelta(days=1)
    return ReturnPeriod(start, end, start.strftime("%B %Y"))


def _financial_year(year: int) -> ReturnPeriod:
    return ReturnPeriod(date(year, 4, 1), date(year + 1, 3, 31), f"{year}/{str(year + 1)[-2:]}")


def parse_period(kind: str, text: str) -> ReturnPeriod:
    """The period a person typed for a return, or ValueError naming the shape it takes."""
    spec = SPECS[kind]
    value = (text or "").strip().replace(" ", "")
    m = _MONTH.match(value)
    if spec.period_kind == "month" and m and 1 <= int(m.group(2)) <= 12:
        return _month(date(int(m.group(1)), int(m.group(2)), 1))
    if spec.period_kind == "quarter" and (m := _QUARTER.match(value)):
        year = int(m.group(1))
        if (year + 1) % 100 == int(m.group(2)):
            quarter = financial_quarter(year, int(m.group(3)))
            return ReturnPeriod(quarter.start, quarter.end, quarter.label)
    if spec.period_kind == "year" and (m := _YEAR.match(value)):
        year = int(m.group(1))
        if (year + 1) % 100 == int(m.group(2)):
            return _financial_year(year)
    raise ValueError(f"Enter the period as {spec.period_hint}")


def latest_complete_period(kind: str, today: date) -> ReturnPeriod:
    """The period a return would usually be made for now: the last complete one (the current
    financial year for the census, which is sent after it ends)."""
    spec = SPECS[kind]
    if spec.period_kind == "month":
        return _month(add_months(today.replace(day=1), -1))
    if spec.period_kind == "quarter":
        previous = period_of(period_of(today, "quarter").start - timedelta(days=1), "quarter")
        return ReturnPeriod(previous.start, previous.end, previous.label)
    return _financial_year(period_of(today, "year").start.year)


def period_text(kind: str, period: ReturnPeriod) -> str:
    """The period in the shape parse_period reads (for forms and commands)."""
    spec = SPECS[kind]
    if spec.period_kind == "month":
        return period.start.strftime("%Y-%m")
    fy = period_of(period.start, "year").start.year
    if spec.period_kind == "quarter":
        number = ((period.start.month - 4) % 12) // 3 + 1
        return f"{fy}/{str(fy + 1)[-2:]}-Q{number}"
    return f"{fy}/{str(fy + 1)[-2:]}"
