"""Smoking in pregnancy from the maternity records: the import's row reports and the indicators,
counted by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from familyhub.core import indicators as registry
from familyhub.outcomes.maternity import import_rows
from familyhub.outcomes.models import MaternitySmoking
from familyhub.outcomes.tests.conftest import Q_END, Q_START, by_area, totals

pytestmark = pytest.mark.django_db
HEADER = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "booking_date",
    "smoking_at_booking",
    "delivery_date",
    "smoking_at_delivery",
]


@pytest.fixture
def mothers(make_child, affluent):
    return [
        make_child(
            given_name="Ann",
            family_name="One",
            nhs_number="9000000001",
            date_of_birth=date(1995, 1, 1),
            sex="F",
        ),
        make_child(
            given_name="Bea",
            family_name="Two",
            nhs_number="9000000002",
            date_of_birth=date(1996, 2, 2),
            sex="F",
            ethnicity="A1",
        ),
        make_child(
            given_name="Cat",
            family_name="Three",
            nhs_number="",
            date_of_birth=date(1997, 3, 3),
            sex="F",
            area=affluent,
        ),
        make_child(
            given_name="Dee",
            family_name="Four",
            nhs_number="9000000004",
            date_of_birth=date(1998, 4, 4),
            sex="F",
        ),
    ]


def test_the_import_saves_good_rows_and_names_the_bad_ones(mothers, hv_service):
    rows = [
        HEADER,
        ["9000000001", "", "", "", "2024-10-01", "smoker", "2025-05-01", "non-smoker"],
        ["9000000002", "", "", "", "2024-11-01", "Current smoker", "2025-05-20", "smoker"],
        ["", "Cat", "Three", "03/03/1997", "2024-12-01", "no", "2025-06-10", "no"],
        ["9000000004", "", "", "", "2024-12-02", "ex-smoker", "2025-06-11", "unknown"],
        ["9999999999", "", "", "", "2024-12-02", "smoker", "", ""],
        ["9000000001", "", "", "", "soon", "smoker", "", ""],
        ["9000000002", "", "", "", "2025-01-01", "sometimes", "", ""],
        ["9000000004", "", "", "", "2025-01-01", "smoker", "2024-12-01", "smoker"],
        ["9000000004", "", "", "", "2025-02-01", "smoker", "", "smoker"],
    ]
    report = import_rows(rows, authority_id=mothers[0].authority_id, service=hv_service, by=None)
    assert report.saved == 4
    assert [(r, c) for r, c, _m in report.problems] == [
        (6, "nhs_number"),
        (7, "booking_date"),
        (8, "smoking_at_booking"),
        (9, "delivery_date"),
        (10, "delivery_date"),
    ]
    assert "The delivery is before the booking" in report.problems[3][2]
    # The same pregnancy again is updated, not doubled.
    import_rows(rows[:2], authority_id=mothers[0].authority_id, service=hv_service, by=None)
    assert MaternitySmoking.objects.count() == 4


def test_the_indicators_count_known_statuses_by_area(mothers, hv_service, deprived, affluent):
    authority_id = mothers[0].authority_id
    import_rows(
        [
            HEADER,
            ["9000000001", "", "", "", "2024-10-01", "smoker", "2025-05-01", "non-smoker"],
            ["9000000002", "", "", "", "2024-11-01", "smoker", "2025-05-20", "smoker"],
            ["", "Cat", "Three", "1997-03-03", "2024-12-01", "no", "2025-06-10", "no"],
            ["9000000004", "", "", "", "2024-12-02", "smoker", "2025-06-11", "unknown"],
        ],
        authority_id=authority_id,
        service=hv_service,
        by=None,
    )
    at_delivery = registry.get("maternity_smoking_at_delivery")
    cells = at_delivery.compute(authority_id, Q_START, Q_END)
    assert totals(cells) == (1, 3)  # the unknown status is left out of the denominator
    assert by_area(cells, deprived) == (1, 2) and by_area(cells, affluent) == (0, 1)
    quit_cells = registry.get("maternity_quit_by_delivery").compute(authority_id, Q_START, Q_END)
    assert totals(quit_cells) == (1, 2)  # Ann stopped, Bea did not (Dee's delivery unknown)
    by_group = at_delivery.characteristics(authority_id, Q_START, Q_END)
    asian = [c for c in by_group if c["ethnic_group"] == "A"]
    assert [(c["numerator"], c["denominator"]) for c in asian] == [(1, 1)]
    people = at_delivery.people(authority_id, Q_START, Q_END)
    assert list(people.values_list("given_name", flat=True)) == ["Bea"]


def test_the_command_reads_a_csv_file(mothers, hv_service, tmp_path, capsys):
    path = tmp_path / "maternity.csv"
    path.write_text(
        ",".join(HEADER) + "\n9000000001,,,,2024-10-01,smoker,,\n9000000001,,,,x,smoker,,\n"
    )
    call_command("import_maternity_smoking", str(path), "--service", hv_service.name)
    out = capsys.readouterr().out
    assert "row 3, booking_date:" in out and "1 pregnancies saved" in out
