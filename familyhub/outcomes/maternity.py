"""Importing smoking status at booking and at delivery from the maternity service's records, and
the indicators over them.

The file: one row a pregnancy, a header naming the columns. The mother is found in the register
by `nhs_number`, else by `given_name`, `family_name` and `date_of_birth` together (exactly one
match in the council); never created. `booking_date` (needed: it tells one pregnancy from the
next) and `smoking_at_booking`; `delivery_date` and `smoking_at_delivery` once she has given
birth. A status is "smoker" or "non-smoker" (yes/no and current/non are read too; an ex-smoker
is a non-smoker, as the national collections count them) or blank/unknown. A bad row is reported
by row number and column, and nothing of it is saved; good rows are saved (the same pregnancy
imported again is updated, not doubled).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from familyhub.access.records import Category
from familyhub.audit.log import log_change
from familyhub.core.csvfiles import parse_date
from familyhub.core.indicators import (
    Cell,
    by_characteristic,
    cells,
    characteristic_cells,
    indicator,
    people_behind,
)
from familyhub.outcomes.models import MaternitySmoking, SmokingStatus
from familyhub.outcomes.person_lookup import find_person
from familyhub.people.models import Person

SMOKER = {"smoker", "yes", "y", "current", "current smoker"}
NON_SMOKER = {"non-smoker", "non smoker", "nonsmoker", "no", "n", "non", "ex-smoker", "ex smoker"}
UNKNOWN = {"", "unknown", "not known", "not stated"}


@dataclass
class MaternityImportReport:
    saved: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def _status(raw: str) -> str | None:
    text = " ".join(raw.strip().lower().split())
    if text in SMOKER:
        return SmokingStatus.SMOKER
    if text in NON_SMOKER:
        return SmokingStatus.NON_SMOKER
    if text in UNKNOWN:
        return SmokingStatus.UNKNOWN
    return None


def _row_values(value) -> tuple[dict, tuple[str, str] | None]:
    """The row's dates and statuses, or the first (column, message) wrong with them."""
    booked = parse_date(value("booking_date"))
    if booked is None:
        return {}, ("booking_date", f"'{value('booking_date')[:30] or 'blank'}' is not a date")
    delivered = parse_date(value("delivery_date")) if value("delivery_date") else None
    if value("delivery_date") and delivered is None:
        return {}, ("delivery_date", f"'{value('delivery_date')[:30]}' is not a date")
    if delivered is not None and delivered < booked:
        return {}, ("delivery_date", "The delivery is before the booking appointment")
    found: dict[str, object] = {"booking_date": booked, "delivery_date": delivered}
    for column, name in (
        ("smoking_at_booking", "at_booking"),
        ("smoking_at_delivery", "at_delivery"),
    ):
        status = _status(value(column))
        if status is None:
            return {}, (column, f"'{value(column)[:30]}' is not smoker, non-smoker or unknown")
        found[name] = status
    if delivered is None and found["at_delivery"] != SmokingStatus.UNKNOWN:
        return {}, ("delivery_date", "A smoking status at delivery needs the delivery date")
    return found, None


def import_rows(rows: list[list[str]], *, authority_id: int, service, by) -> MaternityImportReport:
    report = MaternityImportReport()
    if not rows:
        report.problems.append((1, "file", "The file is empty"))
        return report
    columns = {name.strip().lower(): index for index, name in enumerate(rows[0])}
    missing = [name for name in ("booking_date", "smoking_at_booking") if name not in columns]
    if missing:
        report.problems.append((1, "header", "Columns missing: " + ", ".join(missing)))
        return report
    for number, row in enumerate(rows[1:], start=2):

        def value(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        mother = find_person(
            authority_id, value, identifier="nhs_number", label="NHS number", who="mother"
        )
        if isinstance(mother, str):
            report.problems.append((number, "nhs_number", mother))
            continue
        found, problem = _row_values(value)
        if problem:
            report.problems.append((number, *problem))
            continue
        _save(mother, found, service=service, by=by)
        report.saved += 1
    return report


@transaction.atomic
def _save(mother: Person, found: dict, *, service, by) -> None:
    MaternitySmoking.objects.update_or_create(
        person=mother,
        booking_date=found["booking_date"],
        defaults={
            "at_booking": found["at_booking"],
            "delivery_date": found["delivery_date"],
            "at_delivery": found["at_delivery"],
            "owning_service": service,
            "recorded_by": by,
        },
    )
    log_change(
        by, [mother], action="create", purpose="Import maternity smoking status", channel="task"
    )


# --- Indicators ----------------------------------------------------------------------------


def _delivered(authority_id: int, start: datetime.date, end: datetime.date) -> QuerySet:
    """Deliveries in the period with a known smoking status at delivery (the national measure's
    denominator leaves the unknowns out, and reports them as data quality)."""
    return MaternitySmoking.objects.filter(
        person__authority_id=authority_id,
        person__merged_into__isnull=True,
        delivery_date__range=(start, end),
    ).exclude(at_delivery=SmokingStatus.UNKNOWN)


def _by_area(queryset: QuerySet, hit: Q) -> list[Cell]:
    rows = (
        queryset.values("person__area_id")
        .annotate(numerator=Count("pk", filter=hit), denominator=Count("pk"))
        .order_by()
    )
    return cells({"area_id": r["person__area_id"], **r} for r in rows)


SMOKER_AT_DELIVERY = Q(at_delivery=SmokingStatus.SMOKER)
QUIT = Q(at_booking=SmokingStatus.SMOKER, at_delivery=SmokingStatus.NON_SMOKER)


@indicator(
    key="maternity_smoking_at_delivery",
    title="Mothers smoking at delivery (maternity records)",
    higher_is_better=False,
    target=6.0,
    numerator="Mothers who smoked at the time of delivery",
    denominator="Deliveries in the quarter with a known smoking status",
    part="outcomes",
    category=Category.HEALTH,
    note="Counted from the maternity records imported into Familyhub, so it shows by ward, "
    "deprivation and characteristic; the published figure (Fingertips) is beside it.",
)
def maternity_smoking_at_delivery(authority_id: int, start, end) -> list[Cell]:
    return _by_area(_delivered(authority_id, start, end), SMOKER_AT_DELIVERY)


@indicator(
    key="maternity_quit_by_delivery",
    title="Smokers at booking who had stopped by delivery",
    numerator="Mothers who smoked at booking and not at delivery",
    denominator="Deliveries in the quarter to mothers who smoked at booking",
    part="outcomes",
    category=Category.HEALTH,
)
def maternity_quit_by_delivery(authority_id: int, start, end) -> list[Cell]:
    smokers = _delivered(authority_id, start, end).filter(at_booking=SmokingStatus.SMOKER)
    return _by_area(smokers, QUIT)


@people_behind("maternity_smoking_at_delivery", records=MaternitySmoking)
def maternity_smoking_at_delivery_people(authority_id: int, start, end) -> QuerySet:
    smokers = _delivered(authority_id, start, end).filter(SMOKER_AT_DELIVERY)
    return Person.objects.filter(pk__in=smokers.values("person_id"))


@by_characteristic("maternity_smoking_at_delivery")
def maternity_smoking_at_delivery_by_characteristic(authority_id: int, start, end):
    delivered = _delivered(authority_id, start, end)
    return characteristic_cells(
        delivered.annotate(hit=ExpressionWrapper(SMOKER_AT_DELIVERY, output_field=BooleanField())),
        person="person__",
    )
