"""Writing CSV and Excel files that people open in a spreadsheet: the one way every export does it.

    return csv_download([header, *rows], filename="family-1234.csv")     # a page's download
    return csv_stream(rows_generator(), filename="big.csv")              # thousands of rows
    return xlsx_download([("Sites", [header, *rows])], filename="plan.xlsx")
    write_csv(self.stdout, [header, *rows])                               # a command's output

Every text cell goes through `cell()`: a spreadsheet runs a cell that begins with = + - @, a tab
or a carriage return as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), so such a cell is
written with a leading apostrophe, as OWASP's CSV injection guidance says; a plain number such as
"-3.5" is left alone, since it cannot run. CSV downloads start with a UTF-8 byte order mark:
without it Excel reads the file as the local code page and "2-2½ years" or "Zoë" come out
garbled. Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Characters Excel does not allow in a sheet's name.
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

Row = Sequence[object]


def cell(value: object) -> object:
    """A value as a spreadsheet should get it: text that would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Row) -> list[object]:
    return [cell(value) for value in row]


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Row], *, bom: bool = False) -> Iterator[str]:
    """The CSV text of `rows`, one line at a time (so a large file is never held whole)."""
    writer = csv.writer(_Line())
    if bom:
        yield BOM
    for row in rows:
        yield writer.writerow(safe_row(row))


def csv_text(rows: Iterable[Row], *, bom: bool = False) -> str:
    return "".join(csv_lines(rows, bom=bom))


def write_csv(handle, rows: Iterable[Row], *, lineterminator: str = "\r\n") -> None:
    """Write `rows` to an open text file or a command's stdout (no byte order mark: a file piped
    on to another program would start with it)."""
    writer = csv.writer(handle, lineterminator=lineterminator)
    for row in rows:
        writer.writerow(safe_row(row))


def csv_download(rows: Iterable[Row], *, filename: str) -> HttpResponse:
    """A CSV file to download, built whole (a page's table, a family's timeline)."""
    response = HttpResponse(csv_text(rows, bom=True).encode("utf-8"), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def csv_stream(rows: Iterable[Row], *, filename: str) -> StreamingHttpResponse:
    """A CSV file that can be large (thousands of rows), sent as it is written rather than built
    in memory first. `rows` may be a generator; it runs while the response is sent."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(rows, bom=True)), content_type=CSV_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def sheet_name(title: str) -> str:
    return _SHEET_NAME.sub(" ", title).strip()[:31] or "Sheet"


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Row]]]) -> bytes:
    """An Excel workbook with one sheet per (title, rows). Written in openpyxl's write-only mode,
    so rows are not all held as cell objects; text cells get the same protection as CSV (openpyxl
    itself would store any text beginning with = as a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, rows in sheets:
        name = sheet_name(title)
        number = 2
        while name.lower() in used:
            suffix = f" ({number})"
            name = sheet_name(title)[: 31 - len(suffix)] + suffix
            number += 1
        used.add(name.lower())
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
    if not used:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    # openpyxl refuses control characters (a pasted vertical tab, say) that a CSV would carry.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_download(sheets: Iterable[tuple[str, Iterable[Row]]], *, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
