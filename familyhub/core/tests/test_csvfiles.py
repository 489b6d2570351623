"""Reading CSV files as RFC 4180 says, and lenient reading: an unusable value is read as missing
and reported with its row, column and value; the file goes on."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from familyhub.core.csvfiles import (
    CsvError,
    Problems,
    open_csv,
    parse_date,
    read_header,
    text_rows,
    usable,
)

# Names a sniffing reader gets wrong: a leading or trailing apostrophe, commas and double quotes
# inside quoted values, letters beyond ASCII.
AWKWARD = (
    "name,born,count\n"
    "'OShea,2019-03-07,1\n"
    "O'Connor,07/03/2019,2\n"
    '"Smith, Jr",2019-03-07,3\n'
    '"Ann ""Nan"" Lee",2019-03-07,4\n'
    "Nguyễn',2019-03-07,5\n"
    "Łukasz,2019-03-07,6\n"
    "Zoë,2019-03-07,7\n"
)
NAMES = ["'OShea", "O'Connor", "Smith, Jr", 'Ann "Nan" Lee', "Nguyễn'", "Łukasz", "Zoë"]


def write(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_awkward_names_are_read_as_written(tmp_path):
    path = write(tmp_path, AWKWARD)
    with open_csv(path, required=["name"]) as rows:
        names = [row.text("name") for row in rows]
    assert names == NAMES
    assert [row[0] for row in text_rows(AWKWARD)][1:] == NAMES


def test_impossible_dates_and_text_in_a_number_column_are_read_as_missing_and_reported(tmp_path):
    path = write(
        tmp_path,
        "name,born,count\n"
        "Amy,29/02/2023,1\n"  # 2023 is not a leap year
        "Bea,2019-13-01,2\n"  # no 13th month
        "Cat,2020-02-29,three\n"  # a real leap day; text in a number column
        "Dan,2019-03-07,4\n",
    )
    problems = Problems()
    with open_csv(path, required=["name"], problems=problems) as rows:
        read = [(row.text("name"), row.date("born"), row.integer("count")) for row in rows]
    assert read == [
        ("Amy", None, 1),
        ("Bea", None, 2),
        ("Cat", datetime.date(2020, 2, 29), None),
        ("Dan", datetime.date(2019, 3, 7), 4),
    ]
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "born", "29/02/2023"),
        (3, "born", "2019-13-01"),
        (4, "count", "three"),
    ]
    assert str(problems[0]) == (
        "people.csv, row 2, column 'born': '29/02/2023' is not a real date (dates are read as "
        "2019-03-27 or 27/03/2019), so it was read as missing."
    )
    assert problems.lines()[0] == "3 values could not be used:"
    assert problems.as_json()["rows"][2] == {
        "file": "people.csv",
        "row": 4,
        "field": "count",
        "value": "three",
        "problem": "'three' is not a number, so it was read as missing.",
    }


def test_without_a_report_the_first_unusable_value_stops_the_read(tmp_path):
    path = write(tmp_path, "name,born\nAmy,2019-03-07\nBea,29/02/2023\n")
    with (
        pytest.raises(CsvError, match=r"people.csv, row 3, column 'born': '29/02/2023' is not"),
        open_csv(path, required=["name"]) as rows,
    ):
        [row.date("born") for row in rows]


def test_a_row_that_cannot_be_used_is_left_out_and_the_file_goes_on(tmp_path):
    path = write(
        tmp_path,
        "name,count\n"
        "Amy,1\n"
        ",2\n"  # no name: the row cannot be used
        "Smith, Jr,3\n"  # a comma not in quotes: one value too many
        "Bea,4\n",
    )
    problems = Problems()
    with open_csv(path, required=["name"], problems=problems) as rows:
        kept = list(usable(rows, lambda row: (row.text("name"), row.integer("count"))))
    assert kept == [("Amy", 1), ("Bea", 4)]
    assert [(p.row, p.column, p.left_out) for p in problems] == [(3, "name", True), (4, "", True)]
    assert "so the row was left out" in str(problems[1])


def test_rows_are_numbered_as_a_spreadsheet_numbers_them(tmp_path):
    # A value holding a line break is one row; a blank line is a row of its own.
    path = write(tmp_path, 'name,count\n"Two\nlines",1\n\nAmy,x\n')
    problems = Problems()
    with open_csv(path, required=["name"], problems=problems) as rows:
        numbers = [(row.number, row.integer("count")) for row in rows]
    assert numbers == [(2, 1), (4, None)]
    assert problems[0].row == 4


def test_a_file_that_cannot_be_read_still_stops(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nZo\xeb\n".encode("latin-1"))
    with (
        pytest.raises(CsvError, match="not UTF-8"),
        open_csv(latin, required=["name"], problems=Problems()) as rows,
    ):
        list(rows)
    with (
        pytest.raises(CsvError, match=r"row 1: is missing the column\(s\) ward"),
        open_csv(write(tmp_path, AWKWARD), required=["count", "ward"], problems=Problems()),
    ):
        pass
    with pytest.raises(CsvError, match="cannot be opened"):
        read_header(tmp_path / "absent.csv")


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffname,count\r\nZoë,1\r\n".encode())
    assert read_header(path) == ["name", "count"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-03-27", datetime.date(2019, 3, 27)),
        ("27/03/2019", datetime.date(2019, 3, 27)),
        ("7/3/2019", datetime.date(2019, 3, 7)),
        ("29/02/2024", datetime.date(2024, 2, 29)),
        ("29/02/2023", None),
        ("2023-02-29", None),
        ("2019-13-01", None),
        ("31/04/2019", None),
        ("14th March", None),
    ],
)
def test_dates_that_do_not_exist_are_not_dates(text, expected):
    assert parse_date(text) == expected
