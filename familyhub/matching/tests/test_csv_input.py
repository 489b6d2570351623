"""`familyhub dedupe --input`: the file is read as RFC 4180 (an apostrophe is a letter, not a
quote), and a value that cannot be used is read as missing and reported by row, field and value
while the rest of the file goes on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from familyhub.core.csvfiles import Problems
from familyhub.matching.batch import InputError, load_csv
from familyhub.testing import synthetic

HEADER = "id,first_name,surname,dob,sex,postcode,nhs_number\n"
AWKWARD = [
    "1,Siobhan,'OShea,2019-03-07,F,RM17 5DQ,\n",  # DuckDB's sniffer took ' for the quote
    "2,Liam,O'Connor,2018-06-01,M,RM17 5DQ,943 476 5919\n",
    '3,"Ann, Marie","Smith ""Smudge""",07/03/2019,F,RM17 5DQ,\n',
    "4,Łukasz,Nguyễn',2017-01-31,M,RM16 2AB,\n",
    "5,Zoë,Brontë,2016-12-25,F,RM16 2AB,\n",
]


def write(tmp_path: Path, lines: list[str], name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def read(path: Path) -> tuple[list[tuple], Problems]:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    problems = Problems()
    load_csv(con, path, problems=problems)
    rows = con.execute("SELECT id, given, family, dob, nhs_number FROM src ORDER BY id").fetchall()
    con.close()
    return rows, problems


def test_awkward_names_are_read_as_written(tmp_path):
    rows, problems = read(write(tmp_path, AWKWARD))
    # Names as the match keys hold them (lower case, letters only, accents off).
    assert [(r[0], r[2]) for r in rows] == [
        (1, "oshea"),
        (2, "oconnor"),
        (3, "smithsmudge"),
        (4, "nguyen"),
        (5, "bronte"),
    ]
    assert [r[1] for r in rows if r[0] != 4] == ["siobhan", "liam", "ann", "zoe"]
    assert rows[1][4] == "9434765919"
    assert [str(r[3]) for r in rows] == [
        "2019-03-07",
        "2018-06-01",
        "2019-03-07",
        "2017-01-31",
        "2016-12-25",
    ]
    assert not problems


def test_impossible_dates_are_read_as_missing_and_reported(tmp_path):
    path = write(
        tmp_path,
        [
            *AWKWARD,
            "6,Amy,Jones,29/02/2023,F,RM17 5DQ,\n",  # 2023 is not a leap year
            "7,Bea,Jones,2023-02-29,F,RM17 5DQ,\n",
            "8,Cal,Jones,2019-13-01,M,RM17 5DQ,\n",  # no 13th month
            "9,Dee,Jones,2020-02-29,F,RM17 5DQ,12345\n",  # a real leap day; a short NHS number
        ],
    )
    rows, problems = read(path)
    assert len(rows) == 9  # nobody is left out for a bad date
    dob = {r[0]: r[3] for r in rows}
    assert dob[6] is None and dob[7] is None and dob[8] is None
    assert str(dob[9]) == "2020-02-29"
    assert [(p.row, p.column, p.value) for p in problems] == [
        (7, "dob", "29/02/2023"),
        (8, "dob", "2023-02-29"),
        (9, "dob", "2019-13-01"),
        (10, "nhs_number", "12345"),
    ]
    assert problems[0].problem == (
        "'29/02/2023' is not a real date (dates are read as 2019-03-27 or 27/03/2019), "
        "so it was read as missing."
    )


def test_rows_that_cannot_be_used_are_left_out_and_reported(tmp_path):
    path = write(
        tmp_path,
        [
            *AWKWARD,
            "6,Amy,Smith, Jr,2019-01-01,F,RM17 5DQ,9434765919\n",  # an unquoted comma
            "x7,Bea,Jones,2019-01-01,F,,\n",  # an id that is not a number
            "3,Cat,Jones,2019-01-01,F,,\n",  # an id already used
            ",,,,,,\n",  # an empty row: nothing to report
            '8,"Dee "D" Jones",Jones,2019-01-01,F,,\n',  # a quote inside a value, not doubled
            "9,Eve,Jones,2019-01-01,F,,\n",
        ],
    )
    rows, problems = read(path)
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 9]
    assert [(p.row, p.column, p.left_out) for p in problems] == [
        (7, "", True),
        (8, "id", True),
        (9, "id", True),
        (11, "", True),
    ]
    assert "has more values than the header has columns" in problems[0].problem
    assert problems[1].value == "x7" and "is not a whole number" in problems[1].problem
    assert "the id of an earlier row" in problems[2].problem


def test_row_numbers_count_blank_lines_and_values_with_line_breaks(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        HEADER + '1,Amy,"Two\nlines",2019-01-01,F,,\n\n2,Bea,Jones,31/04/2019,F,,\n',
        encoding="utf-8",
    )
    rows, problems = read(path)
    assert [r[0] for r in rows] == [1, 2]
    assert [(p.row, p.value) for p in problems] == [(4, "31/04/2019")]


def test_without_a_report_the_first_problem_stops_the_read(tmp_path):
    path = write(tmp_path, [*AWKWARD, "6,Amy,Jones,29/02/2023,F,,\n"])
    with pytest.raises(InputError, match=r"row 7, column 'dob': '29/02/2023' is not a real date"):
        load_csv(duckdb.connect(), path)


def test_a_column_mostly_unusable_is_the_wrong_file(tmp_path):
    us_dates = [f"{i},Amy,Jones,12/{13 + i % 15}/2019,F,,\n" for i in range(40)]
    with pytest.raises(InputError, match=r"column dob: 40 of 40 rows cannot be used"):
        read(write(tmp_path, us_dates))


def test_a_file_that_is_not_utf8_is_refused_even_past_its_first_lines(tmp_path):
    path = tmp_path / "latin.csv"
    body = "".join(f"{i},Amy,Jones,2019-01-01,F,,\n" for i in range(2000))
    path.write_bytes((HEADER + body + "2001,Zo\xeb,Bront\xeb,2019-01-01,F,,\n").encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read(path)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def register_with_bad_rows(tmp_path: Path) -> Path:
    """A synthetic register with the awkward names added and four impossible dates of birth."""
    path = tmp_path / "register.csv"
    synthetic.write_csv(path, 1500, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = [4, 400, 800, 1200]
    for i in bad:
        cells = lines[i].split(",")
        cells[3] = "29/02/2023"  # dob
        lines[i] = ",".join(cells)
    columns = lines[0].strip().split(",")
    start = 900_000
    for offset, line in enumerate(AWKWARD):
        values = dict(zip(HEADER.strip().split(","), _cells(line), strict=True))
        values["id"] = str(start + offset)
        row = [values.get(c, "") for c in columns]
        row[columns.index("true_person_id")] = values["id"]
        lines.append(",".join(_quote(v) for v in row) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _cells(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"') else value


def test_dedupe_goes_on_past_bad_dates_and_reports_them(register_with_bad_rows):
    report = json.loads(
        run(
            "dedupe",
            "--input",
            str(register_with_bad_rows),
            "--truth",
            "true_person_id",
            "--trainer",
            "engine",
            "--scorer",
            "engine",
            "--json",
        )
    )
    assert report["records"] == 1500 + len(AWKWARD)
    problems = report["problems"]
    assert problems["count"] == 4
    assert [(p["row"], p["field"], p["value"]) for p in problems["rows"]] == [
        (5, "dob", "29/02/2023"),
        (401, "dob", "29/02/2023"),
        (801, "dob", "29/02/2023"),
        (1201, "dob", "29/02/2023"),
    ]
    assert report["metrics"]["f1"] > 0.8
    text = run(
        "dedupe",
        "--input",
        str(register_with_bad_rows),
        "--trainer",
        "engine",
        "--scorer",
        "engine",
    )
    assert "4 values in the file could not be used:" in text
    assert "row 5, column 'dob': '29/02/2023' is not a real date" in text
