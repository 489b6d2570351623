"""EYFSP results by child: the import (found by UPN or name and date of birth, bad rows named
by row and field) and the Good Level of Development against a hand-worked year."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command

from familyhub.core.indicators import period_of
from familyhub.outcomes.eyfsp import good_level_of_development, import_rows
from familyhub.outcomes.models import EARLY_LEARNING_GOALS, EyfspResult
from familyhub.testing import factories

pytestmark = pytest.mark.django_db
NAMES = [name for _code, name, _area, _gld in EARLY_LEARNING_GOALS]


def row(upn="", given="", family="", born="", school="Riverside Primary", **emerging):
    """A child's row: every goal expected unless named in `emerging` (by code)."""
    codes = [code for code, *_ in EARLY_LEARNING_GOALS]
    return [upn, given, family, born, school] + [emerging.get(code, "Expected") for code in codes]


HEADER = ["UPN", "Given name", "Family name", "Date of birth", "School", *NAMES]


@pytest.fixture
def children():
    authority = factories.AuthorityFactory()
    area = factories.AreaFactory(authority=authority)
    service = factories.ServiceFactory(authority=authority, name="Early years")
    born = datetime.date(2019, 10, 1)

    def make(**fields):
        return factories.PersonFactory(authority=authority, area=area, date_of_birth=born, **fields)

    return {
        "authority": authority,
        "service": service,
        "all_expected": make(upn="A123456789012", given_name="Ada", family_name="One"),
        "emerging_writing": make(given_name="Ben", family_name="Two"),
        "emerging_world": make(upn="C123456789012", given_name="Cal", family_name="Three"),
    }


def test_the_import_and_the_good_level_of_development(children):
    rows = [
        HEADER,
        row(upn="A123456789012"),
        row(given="Ben", family="Two", born="01/10/2019", writing="Emerging"),
        row(upn="C123456789012", natural_world="emerging"),  # not a GLD goal
        row(upn="Z999999999999"),  # nobody
        row(upn="A123456789012", number="maybe"),
    ]
    report = import_rows(
        rows, authority_id=children["authority"].pk, year=2025, service=children["service"], by=None
    )
    assert report.saved == 3
    assert [(r, f) for r, f, _m in report.problems] == [(5, "upn"), (6, "Number")]
    assert "'maybe' is not expected or emerging" in report.problems[1][2]
    results = {r.person_id: r.good_level_of_development for r in EyfspResult.objects.all()}
    assert results == {
        children["all_expected"].pk: True,
        children["emerging_writing"].pk: False,
        children["emerging_world"].pk: True,
    }
    # 31 July 2025 falls in the financial year 2025/26: 2 of 3 with a GLD.
    year = period_of(datetime.date(2025, 7, 31), "year")
    (cell,) = good_level_of_development(children["authority"].pk, year.start, year.end)
    assert (cell["numerator"], cell["denominator"]) == (2, 3)
    previous = period_of(datetime.date(2024, 7, 31), "year")
    assert good_level_of_development(children["authority"].pk, previous.start, previous.end) == []


def test_a_gld_column_that_disagrees_with_the_goals_is_refused(children):
    header = [*HEADER, "GLD"]
    rows = [header, [*row(upn="A123456789012", writing="Emerging"), "Y"]]
    report = import_rows(
        rows, authority_id=children["authority"].pk, year=2025, service=children["service"], by=None
    )
    assert report.saved == 0 and report.problems[0][:2] == (2, "gld")


def test_a_file_without_the_goals_says_which_are_missing(children):
    report = import_rows(
        [["UPN", "Writing"]],
        authority_id=children["authority"].pk,
        year=2025,
        service=children["service"],
        by=None,
    )
    assert report.problems[0][1] == "header" and "Word reading" in report.problems[0][2]


def test_the_command_reads_a_csv_file(children, tmp_path):
    path = tmp_path / "eyfsp.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, row(upn="A123456789012")])
    out = io.StringIO()
    call_command(
        "import_eyfsp", str(path), "--year", "2025", "--service", "Early years", stdout=out
    )
    assert "1 results saved, 0 problems" in out.getvalue()
