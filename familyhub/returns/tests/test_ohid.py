"""The OHID interim metrics on a hand-built quarter (2026/27 Q2: 1 July to 30 September 2026),
reconciled with the outcomes part's own figures for the same indicators."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from familyhub.audit.models import AccessLog
from familyhub.childhealth.models import AsqResult
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.dates import add_months
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.models import IndicatorValue
from familyhub.returns import ohid
from familyhub.returns.models import ReturnStatus

pytestmark = pytest.mark.django_db
START, END = date(2026, 7, 1), date(2026, 9, 30)
DOMAINS = ["communication", "gross_motor", "fine_motor", "problem_solving", "personal_social"]


def asq(review_row, bands: dict[str, str]):
    for domain, band in bands.items():
        AsqResult.objects.create(review=review_row, domain=domain, score=40, band=band)


@pytest.fixture
def quarter(make_child, review):
    on_time = make_child(date_of_birth=date(2026, 7, 1))
    review(on_time, ReviewKind.NEW_BIRTH, on_time.date_of_birth + timedelta(days=10))
    late = make_child(date_of_birth=date(2026, 8, 1))
    review(late, ReviewKind.NEW_BIRTH, late.date_of_birth + timedelta(days=20))
    make_child(date_of_birth=date(2026, 8, 15))  # no new birth visit
    expected = make_child(date_of_birth=date(2026, 8, 10))
    review(expected, ReviewKind.ANTENATAL, expected.date_of_birth - timedelta(days=30))
    fed = make_child(date_of_birth=date(2026, 6, 1))
    review(
        fed,
        ReviewKind.SIX_EIGHT_WEEK,
        fed.date_of_birth + timedelta(days=50),
        breastfeeding="partial",
    )
    unrecorded = make_child(date_of_birth=date(2026, 5, 20), given_name="Una", family_name="Fed")
    review(unrecorded, ReviewKind.SIX_EIGHT_WEEK, unrecorded.date_of_birth + timedelta(days=45))
    one = make_child(date_of_birth=date(2025, 8, 10))
    review(one, ReviewKind.TWELVE_MONTH, add_months(one.date_of_birth, 11))
    fifteen = make_child(date_of_birth=date(2025, 5, 10))
    review(fifteen, ReviewKind.TWELVE_MONTH, add_months(fifteen.date_of_birth, 14))
    two_a = make_child(date_of_birth=date(2024, 2, 10))
    first = review(two_a, ReviewKind.TWO_YEAR, add_months(two_a.date_of_birth, 27), asq_used=True)
    asq(first, {d: ("below" if d == "communication" else "on_schedule") for d in DOMAINS})
    two_b = make_child(date_of_birth=date(2024, 3, 5), given_name="Asa", family_name="Partial")
    second = review(two_b, ReviewKind.TWO_YEAR, add_months(two_b.date_of_birth, 26), asq_used=True)
    asq(second, {d: "on_schedule" for d in DOMAINS if d != "personal_social"})
    return {"unrecorded": unrecorded, "partial_asq": two_b}


def by_code(authority_id):
    return {m.code: (m.numerator, m.denominator) for m in ohid.metrics(authority_id, START, END)}


def test_hand_worked_quarter(quarter, authority):
    got = by_code(authority.pk)
    assert got["C1"][0] == 1
    # Turned 30 days in the quarter: born 1 June to 31 August.
    assert got["C2"] == (1, 5)
    assert got["C3"] == (1, 5)
    # Turned 8 weeks in the quarter: born 6 May to 5 August.
    assert got["C8i"] == (2, 4)
    assert got["C8ii"] == (1, 1)  # the unrecorded feeding is out of the denominator
    assert got["C4"] == (1, 1)
    assert got["C5"] == (1, 1)
    assert got["C6i"] == (2, 2)
    assert got["C6ii"] == (2, 2)
    assert got["C6iii"] == (1, 2)  # communication: one below the cut-off
    assert got["C6iv"] == (2, 2)
    assert got["C6vii"] == (1, 1)  # personal-social: scored for one child only
    assert got["C6viii"] == (0, 1)  # only one child scored in all five, below in one


def test_same_cohorts_and_numbers_as_the_outcomes_part(quarter, authority):
    keys = [key for _, key, _ in ohid.FROM_INDICATORS]
    refresh(authority.pk, keys=keys, quarters=2, today=date(2026, 10, 15))
    stored = {
        v.indicator_key: (v.numerator, v.denominator)
        for v in IndicatorValue.objects.filter(
            authority=authority, period_start=START, breakdown="all"
        )
    }
    got = by_code(authority.pk)
    for code, key, _ in ohid.FROM_INDICATORS:
        assert got[code] == stored[key], code
    # The ASQ-3 domain metrics count exactly the C6ii numerator's children.
    cohort = set(ohid.asq_cohort(authority.pk, START, END).values_list("pk", flat=True))
    assert len(cohort) == got["C6ii"][0]
    assert max(got[code][1] for code, _ in ohid.DOMAIN_CODES) <= len(cohort)


def test_return_file_worklist_and_access_log(quarter, generate, officer):
    run = generate("ohid", "2026/27-Q2")
    assert run.status == ReturnStatus.DRAFT
    failures = {(f.person_id, f.record, f.field) for f in run.failures.all()}
    assert (quarter["unrecorded"].pk, "6-8 week review", "breastfeeding") in failures
    assert (quarter["partial_asq"].pk, "2-2½ year review", "asq_personal_social") in failures
    assert all(f.fix_url.startswith("/child-health/people/") for f in run.failures.all())
    sheet = load_workbook(io.BytesIO(bytes(run.file_bytes))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(ohid.HEADER)
    assert [r[0] for r in rows[1:]] == [
        "C1",
        "C2",
        "C3",
        "C8i",
        "C8ii",
        "C4",
        "C5",
        "C6i",
        "C6ii",
        "C6iii",
        "C6iv",
        "C6v",
        "C6vi",
        "C6vii",
        "C6viii",
    ]
    logged = AccessLog.objects.filter(user_id=officer.pk, action="export")
    assert set(logged.values_list("person_pk", flat=True)) == {
        quarter["unrecorded"].pk,
        quarter["partial_asq"].pk,
    }
    assert all("Healthy Child Programme" in e.purpose for e in logged)


def test_a_complete_quarter_validates(make_child, review, generate):
    fed = make_child(date_of_birth=date(2026, 6, 1))
    review(
        fed,
        ReviewKind.SIX_EIGHT_WEEK,
        fed.date_of_birth + timedelta(days=50),
        breastfeeding="exclusive",
    )
    run = generate("ohid", "2026/27-Q2")
    assert run.failure_count == 0
    assert run.status == ReturnStatus.VALIDATED
