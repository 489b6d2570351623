"""The OHID Healthy Child Programme interim metrics, quarterly, in the rows of the interim data
submission for the universal health visiting service (2024 to 2025 guidance: C1, C2, C3, C4, C5,
C6i-C6viii, C8i, C8ii, each a numerator and a denominator).

Reconciled with the outcomes part by construction: every metric the child health part already
declares as an indicator is read from that indicator (core.indicators, summed over its cells),
never counted a second way here. Only the ASQ-3 domain metrics (C6iii-C6viii) are counted here,
over exactly the C6ii numerator's cohort (childhealth.indicators' own cohort functions); a test
proves both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from familyhub.childhealth.asq import AsqBand, AsqDomain
from familyhub.childhealth.indicators import Age, _done_by, _reached
from familyhub.childhealth.models import (
    AsqResult,
    Feeding,
    HealthVisitorAllocation,
    Outcome,
    Review,
)
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core import indicators
from familyhub.core.exports import XLSX_TYPE, xlsx_bytes
from familyhub.core.indicators import Indicator
from familyhub.returns.building import BuildContext, Built, fix_child_health


@dataclass(frozen=True)
class Metric:
    code: str
    description: str
    numerator: int
    denominator: int
    # A count metric (C1) is reported as its numerator; the others as a percentage.
    count_only: bool = False

    @property
    def value(self) -> float | None:
        if self.count_only:
            return float(self.numerator)
        return round(100.0 * self.numerator / self.denominator, 1) if self.denominator else None


# The OHID metric codes and the child health indicator that counts each one.
FROM_INDICATORS: list[tuple[str, str, bool]] = [
    ("C1", "antenatal_contact", True),
    ("C2", "new_birth_visit_14_days", False),
    ("C3", "new_birth_visit_after_14_days", False),
    ("C8i", "six_eight_week_by_8_weeks", False),
    ("C8ii", "breastfeeding_6_8_weeks", False),
    ("C4", "twelve_month_by_12_months", False),
    ("C5", "twelve_month_by_15_months", False),
    ("C6i", "two_year_by_2_5_years", False),
    ("C6ii", "two_year_using_asq3", False),
]

DOMAIN_CODES: list[tuple[str, str]] = [
    ("C6iii", AsqDomain.COMMUNICATION),
    ("C6iv", AsqDomain.GROSS_MOTOR),
    ("C6v", AsqDomain.FINE_MOTOR),
    ("C6vi", AsqDomain.PROBLEM_SOLVING),
    ("C6vii", AsqDomain.PERSONAL_SOCIAL),
]


def indicator_totals(key: str, authority_id: int, start: date, end: date) -> tuple[int, int]:
    """An indicator's numerator and denominator for the whole council (its cells summed)."""
    found: Indicator | None = indicators.get(key)
    if found is None:
        raise LookupError(f"The child health indicator {key!r} is not registered")
    numerator = denominator = 0
    for cell in found.compute(authority_id, start, end):
        numerator += cell["numerator"]
        denominator += cell["denominator"]
    return numerator, denominator


def asq_cohort(authority_id: int, start: date, end: date):
    """C6ii's numerator: children who reached 2½ in the quarter with a 2-2½ year review done by
    then using ASQ-3 (the child health indicator's own cohort and test)."""
    deadline = Age(months=30).after_birth()
    return _reached(authority_id, start, end, Age(months=30)).filter(
        _done_by(ReviewKind.TWO_YEAR, deadline, asq_used=True)
    )


def _asq_reviews(authority_id: int, start: date, end: date):
    cohort = asq_cohort(authority_id, start, end)
    return Review.objects.filter(
        person__in=cohort.values("pk"),
        kind=ReviewKind.TWO_YEAR,
        outcome=Outcome.COMPLETED,
        asq_used=True,
    )


def domain_metrics(authority_id: int, start: date, end: date) -> list[Metric]:
    """C6iii-C6vii: of the children in C6ii with a score in the domain, those at or above its
    cut-off; C6viii: of those with a score in all five, those at or above in all five."""
    results = AsqResult.objects.filter(review__in=_asq_reviews(authority_id, start, end))
    by_domain = {
        row["domain"]: row
        for row in results.values("domain")
        .annotate(
            scored=Count("review__person", distinct=True),
            at_or_above=Count("review__person", distinct=True, filter=~Q(band=AsqBand.BELOW)),
        )
        .order_by()
    }
    metrics = [
        Metric(
            code,
            f"Children at or above the expected level in the ASQ-3 {AsqDomain(domain).label.lower()} "
            "domain, of those reviewed using ASQ-3 with a score in it",
            int(by_domain.get(domain, {}).get("at_or_above", 0)),
            int(by_domain.get(domain, {}).get("scored", 0)),
        )
        for code, domain in DOMAIN_CODES
    ]
    per_child = (
        results.values("review__person")
        .annotate(
            domains=Count("domain", distinct=True),
            below=Count("pk", filter=Q(band=AsqBand.BELOW)),
        )
        .order_by()
    )
    all_five = [row for row in per_child if row["domains"] == len(DOMAIN_CODES)]
    metrics.append(
        Metric(
            "C6viii",
            "Children at or above the expected level in all five ASQ-3 domains, of those with a "
            "score in all five",
            sum(1 for row in all_five if row["below"] == 0),
            len(all_five),
        )
    )
    return metrics


def metrics(authority_id: int, start: date, end: date) -> list[Metric]:
    rows: list[Metric] = []
    for code, key, count_only in FROM_INDICATORS:
        found = indicators.get(key)
        numerator, denominator = indicator_totals(key, authority_id, start, end)
        description = found.numerator_label if found else key
        rows.append(Metric(code, description, numerator, denominator, count_only))
        if code == "C6ii":
            rows.extend(domain_metrics(authority_id, start, end))
    return rows


def _team_of(person_ids: list[int]) -> dict[int, int]:
    return dict(
        HealthVisitorAllocation.objects.filter(person_id__in=person_ids, end__isnull=True)
        .order_by("start")
        .values_list("person_id", "team_id")
    )


def _worklist(context: BuildContext) -> None:
    """The children whose records leave them out of a count they belong in: a 6-8 week review
    with no feeding recorded (out of C8ii), an ASQ-3 review missing a domain score (out of
    C6iii-C6viii)."""
    authority_id, start, end = context.authority_id, context.start, context.end
    no_feeding = (
        _reached(authority_id, start, end, Age(days=56))
        .filter(
            Exists(
                Review.objects.filter(
                    person_id=OuterRef("pk"),
                    kind=ReviewKind.SIX_EIGHT_WEEK,
                    outcome=Outcome.COMPLETED,
                    breastfeeding="",
                )
            )
        )
        .exclude(
            Exists(
                Review.objects.filter(
                    person_id=OuterRef("pk"),
                    kind=ReviewKind.SIX_EIGHT_WEEK,
                    outcome=Outcome.COMPLETED,
                    breastfeeding__in=Feeding.values,
                )
            )
        )
        .values_list("pk", "public_id")
    )
    missing_domains = [
        (review.person_id, review.person.public_id, domain)
        for review in _asq_reviews(authority_id, start, end)
        .select_related("person")
        .prefetch_related("asq_results")
        for domain in sorted(set(AsqDomain.values) - {r.domain for r in review.asq_results.all()})
    ]
    named = list(no_feeding) + [(pk, pid) for pk, pid, _ in missing_domains]
    teams = _team_of([pk for pk, _ in named])
    for pk, public_id in no_feeding:
        context.fail(
            person_id=pk,
            team_id=teams.get(pk),
            record="6-8 week review",
            field_name="breastfeeding",
            message="The 6-8 week review records no feeding (C8ii leaves the child out)",
            fix_url=fix_child_health(public_id),
        )
    for pk, public_id, domain in missing_domains:
        context.fail(
            person_id=pk,
            team_id=teams.get(pk),
            record="2-2½ year review",
            field_name=f"asq_{domain}",
            message=f"ASQ-3 was used but the {AsqDomain(domain).label.lower()} score is missing",
            fix_url=fix_child_health(public_id),
        )
    context.note_people(named)


HEADER = ["Indicator", "Description", "Numerator", "Denominator", "Value"]


def build(context: BuildContext) -> Built:
    rows = metrics(context.authority_id, context.start, context.end)
    context.advance(1)
    _worklist(context)
    context.advance(1)
    label = context.run.period_label
    sheet = [HEADER] + [
        [m.code, m.description, m.numerator, m.denominator, m.value if m.value is not None else ""]
        for m in rows
    ]
    return Built(
        file_name=f"ohid-hcp-metrics-{label.replace('/', '-').replace(' ', '-')}.xlsx",
        content_type=XLSX_TYPE,
        content=xlsx_bytes([(f"Interim metrics {label}", sheet)]),
        counts={m.code: m.numerator for m in rows} | {"metrics": len(rows)},
    )


STEPS = 2
