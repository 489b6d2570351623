"""Demo: refresh the outcome figures over the other parts' demo records (a year of quarters).

The child health, hubs and casework demos already record lower completion in deprived wards, so
the dashboards show the gradient; this prints it for the headline health visiting indicator.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from familyhub.outcomes import area_figures, maternity
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.models import (
    EARLY_LEARNING_GOALS,
    GLD_GOALS,
    Breakdown,
    EyfspResult,
    IndicatorValue,
)
from familyhub.people.models import Person, Relationship, RelationshipKind
from familyhub.places.models import Authority
from familyhub.services.models import Service, ServiceKind

DEMO_QUARTERS = 4
DEMO_YEARS = 2


def _eyfsp_results(authority: Authority, rng: random.Random, stdout: Any) -> None:
    """End-of-Reception results for the children who finished Reception last summer, with fewer
    reaching a Good Level of Development in the most deprived wards (England: about two thirds
    overall, with a gap of 15 to 20 points by deprivation)."""
    today = timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1  # the summer just gone
    first, last = datetime.date(year - 6, 9, 1), datetime.date(year - 5, 8, 31)
    # The council's early years team (in the family hub service here) holds the schools' returns.
    service = (
        Service.objects.filter(authority=authority, kind=ServiceKind.FAMILY_HUB)
        .order_by("pk")
        .first()
    )
    if service is None or EyfspResult.objects.filter(person__authority=authority).exists():
        return
    made = 0
    children = Person.objects.filter(
        authority=authority, date_of_birth__range=(first, last), merged_into__isnull=True
    ).select_related("area")
    for child in children.order_by("pk")[:600]:
        decile = (child.area.imd_decile if child.area else None) or 5
        chance = 0.55 + 0.025 * decile  # 58% in decile 1 to 80% in decile 10
        goals = {}
        for code, _name, _area, _gld in EARLY_LEARNING_GOALS:
            goals[code] = "expected" if rng.random() < chance ** (1 / 12) else "emerging"
        EyfspResult.objects.create(
            person=child,
            owning_service=service,
            academic_year=year,
            school=f"{child.area.name if child.area else 'Local'} Primary School",
            goals=goals,
            good_level_of_development=all(goals[code] == "expected" for code in GLD_GOALS),
        )
        made += 1
    stdout.write(f"EYFSP: {made} end-of-Reception results for {year - 1}/{year % 100:02d}.\n")


def _fingertips_rows(authority: Authority, rng: random.Random) -> list[list[str]]:
    """Made-up figures by ward in the Fingertips layout, more smoking and more conceptions in the
    deprived wards (England: about 7% smoking at delivery, 13 conceptions per 1,000 under 18)."""
    header = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Time period"]
    header += ["Count", "Denominator"]
    today = timezone.localdate()
    last_fy = (today.year if today.month >= 4 else today.year - 1) - 1
    rows = [header]
    for area in authority.areas.order_by("code"):
        deprivation = 10 - (area.imd_decile or 5)  # 0 least deprived .. 9 most
        maternities = max(area.population_0_4 // 5, 20)
        young_women = max(area.population_16_19 * 3 // 8, 20)
        for year in (last_fy - 1, last_fy):
            fy = f"{year}/{str(year + 1)[-2:]}"
            for fingertips_id, base, denominator in (
                (area_figures.SMOKING_AT_DELIVERY, 0.035 + 0.009 * deprivation, maternities),
                (area_figures.SMOKING_EARLY_PREGNANCY, 0.05 + 0.012 * deprivation, maternities),
            ):
                count = sum(rng.random() < base for _ in range(denominator))
                rows.append(
                    [str(fingertips_id), area_figures.KNOWN[fingertips_id], area.code, area.name]
                    + [fy, str(count), str(denominator)]
                )
            rate = (6 + 2.2 * deprivation) / 1000
            conceptions = sum(rng.random() < rate for _ in range(young_women))
            rows.append(
                [str(area_figures.UNDER_18_CONCEPTIONS), "Under 18s conception rate / 1,000"]
                + [area.code, area.name, str(year), str(conceptions), str(young_women)]
            )
    return rows


def _maternity_rows(authority: Authority, rng: random.Random) -> list[list[str]]:
    """Made-up maternity records for the mothers of babies born in the last 15 months, in the
    import's layout: more smoking at booking in deprived wards, about two in five stopping."""
    since = timezone.localdate() - datetime.timedelta(days=456)
    rows = [["nhs_number", "given_name", "family_name", "date_of_birth", "booking_date"]]
    rows[0] += ["smoking_at_booking", "delivery_date", "smoking_at_delivery"]
    births = Relationship.objects.filter(
        kind=RelationshipKind.MOTHER,
        relative__authority=authority,
        relative__date_of_birth__gte=since,
        relative__is_unborn=False,
    ).select_related("person", "person__area", "relative")
    for link in births.order_by("pk")[:800]:
        mother, baby = link.person, link.relative
        born = baby.date_of_birth
        if born is None:
            continue
        deprivation = 10 - ((mother.area.imd_decile if mother.area else None) or 5)
        smoker = rng.random() < 0.06 + 0.012 * deprivation
        at_delivery = "smoker" if smoker and rng.random() < 0.6 else "non-smoker"
        if rng.random() < 0.03:
            at_delivery = "unknown"
        booked = born - datetime.timedelta(days=rng.randint(200, 230))
        rows.append(
            [mother.nhs_number, mother.given_name, mother.family_name]
            + [mother.date_of_birth.isoformat() if mother.date_of_birth else ""]
            + [booked.isoformat(), "smoker" if smoker else "non-smoker"]
            + [born.isoformat(), at_delivery]
        )
    return rows


def load_demo(*, authority: Authority, rng: random.Random, stdout: Any) -> None:
    _eyfsp_results(authority, rng, stdout)
    # The demo has no maternity service of its own: health visiting holds the imported records.
    holder = (
        Service.objects.filter(authority=authority, kind=ServiceKind.HEALTH_VISITING)
        .order_by("pk")
        .first()
    )
    if holder is not None:
        found = maternity.import_rows(
            _maternity_rows(authority, rng),
            authority_id=authority.pk,
            service=holder,
            by=None,
        )
        stdout.write(f"Maternity smoking: {found.saved} pregnancies imported.\n")
    report = area_figures.import_rows(
        _fingertips_rows(authority, rng), authority=authority, source="demo-fingertips.csv"
    )
    stdout.write(f"Fingertips figures by ward: {report.saved} imported.\n")
    written = refresh(authority.pk, quarters=DEMO_QUARTERS, years=DEMO_YEARS)
    stdout.write(f"Outcomes: {written} figures over the last {DEMO_QUARTERS} quarters.\n")
    for key in (
        "six_eight_week_by_8_weeks",
        "new_birth_visit_14_days",
        "eyfsp_good_level_of_development",
    ):
        totals = {q: [0, 0] for q in ("1", "5")}
        for q in totals:
            for value in IndicatorValue.objects.filter(
                authority=authority, indicator_key=key, breakdown=Breakdown.QUINTILE, breakdown_id=q
            ).values_list("numerator", "denominator"):
                totals[q][0] += value[0]
                totals[q][1] += value[1]
        if totals["1"][1] and totals["5"][1]:
            most = 100 * totals["1"][0] / totals["1"][1]
            least = 100 * totals["5"][0] / totals["5"][1]
            stdout.write(
                f"  {key}: most deprived fifth {most:.1f}%, least deprived {least:.1f}% "
                "(the year).\n"
            )
