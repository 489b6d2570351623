"""Importing the Early Years Foundation Stage Profile results by child, and the Good Level of
Development indicator over them.

The file: one row a child, a header naming the columns. The child is found in the register by
unique pupil number (`upn`), else by `given_name`, `family_name` and `date_of_birth` together
(exactly one match in the council); never created. One column per early learning goal, named as
the goal (for example "Word reading") or by its code ("word_reading"), holding "expected" or
"emerging" (E/X and the DfE's 2/1 are read too). `gld` may be given; it is checked against the
goals, and a row where it disagrees is refused, because one of the two is wrong. `school` is
optional. A bad row is reported by row number and field, and nothing of it is saved; good rows
are saved (a second import of the same year replaces a child's result).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q

from familyhub.audit.log import log_change
from familyhub.core.indicators import (
    Cell,
    by_characteristic,
    cells,
    characteristic_cells,
    indicator,
    people_behind,
)
from familyhub.outcomes.models import EARLY_LEARNING_GOALS, GLD_GOALS, EyfspResult
from familyhub.outcomes.person_lookup import find_person
from familyhub.people.models import Person

EXPECTED = {"expected", "x", "2", "exp"}
EMERGING = {"emerging", "e", "1", "emg"}
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}


@dataclass
class ImportReport:
    saved: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, message)


def _key(header: str) -> str:
    return "_".join(header.strip().lower().replace(",", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    """Column positions by our field names (goals by code or name)."""
    names = {_key(name): code for code, name, _area, _gld in EARLY_LEARNING_GOALS}
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = _key(raw)
        found[names.get(key, key)] = index
    return found


def import_rows(
    rows: list[list[str]], *, authority_id: int, year: int, service, by
) -> ImportReport:
    """Import a file's rows (header first) for an academic year (the summer it ends)."""
    report = ImportReport()
    if not rows:
        report.problems.append((1, "file", "The file is empty"))
        return report
    columns = _columns(rows[0])
    missing = [name for code, name, _a, _g in EARLY_LEARNING_GOALS if code not in columns]
    if missing:
        report.problems.append((1, "header", "Columns missing for: " + ", ".join(missing)))
        return report
    for number, row in enumerate(rows[1:], start=2):

        def value(name: str, row=row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        child = find_person(authority_id, value, identifier="upn", label="UPN", who="child")
        if isinstance(child, str):
            report.problems.append((number, "upn", child))
            continue
        goals, bad = {}, False
        for code, name, _area, _gld in EARLY_LEARNING_GOALS:
            raw = value(code).lower()
            if raw in EXPECTED:
                goals[code] = "expected"
            elif raw in EMERGING:
                goals[code] = "emerging"
            else:
                report.problems.append(
                    (number, name, f"'{raw or 'blank'}' is not expected or emerging")
                )
                bad = True
        if bad:
            continue
        gld = all(goals[code] == "expected" for code in GLD_GOALS)
        given = value("gld").lower()
        if given and (given not in YES | NO or (given in YES) != gld):
            report.problems.append(
                (
                    number,
                    "gld",
                    f"'{value('gld')}' does not agree with the goals (GLD {'yes' if gld else 'no'})",
                )
            )
            continue
        _save(
            child, year=year, goals=goals, gld=gld, school=value("school"), service=service, by=by
        )
        report.saved += 1
    return report


@transaction.atomic
def _save(child: Person, *, year: int, goals, gld: bool, school: str, service, by) -> None:
    EyfspResult.objects.update_or_create(
        person=child,
        academic_year=year,
        defaults={
            "goals": goals,
            "good_level_of_development": gld,
            "school": school[:160],
            "owning_service": service,
            "recorded_by": by,
        },
    )
    log_change(by, [child], action="create", purpose="Import EYFSP results", channel="task")


def _in_period(start: datetime.date, end: datetime.date) -> Q:
    """Results count in the period their summer term ends in (31 July)."""
    years = range(start.year, end.year + 1)
    return Q(academic_year__in=[y for y in years if start <= datetime.date(y, 7, 31) <= end])


@indicator(
    key="eyfsp_good_level_of_development",
    title="Good Level of Development at the end of Reception",
    period="year",
    numerator="Children with a Good Level of Development",
    denominator="Children with an EYFSP result for the year",
    part="outcomes",
)
def good_level_of_development(
    authority_id: int, start: datetime.date, end: datetime.date
) -> list[Cell]:
    rows = (
        EyfspResult.objects.filter(_in_period(start, end), person__authority_id=authority_id)
        .values("person__area_id")
        .annotate(
            numerator=Count("pk", filter=Q(good_level_of_development=True)),
            denominator=Count("pk"),
        )
        .order_by()
    )
    return cells({"area_id": r["person__area_id"], **r} for r in rows)


@people_behind("eyfsp_good_level_of_development", records=EyfspResult)
def good_level_of_development_people(authority_id: int, start, end):
    return Person.objects.filter(
        authority_id=authority_id,
        pk__in=EyfspResult.objects.filter(
            _in_period(start, end), good_level_of_development=True
        ).values("person_id"),
    )


@by_characteristic("eyfsp_good_level_of_development")
def good_level_of_development_by_characteristic(authority_id: int, start, end):
    results = EyfspResult.objects.filter(_in_period(start, end), person__authority_id=authority_id)
    return characteristic_cells(
        results.annotate(hit=F("good_level_of_development")), person="person__"
    )
