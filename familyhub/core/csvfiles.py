"""Reading council CSV files with errors that name the file, the row and the column.

    problems = Problems()
    with open_csv(path, required=["ward", "locality"], problems=problems) as rows:
        for ward in usable(rows, parse_ward):     # parse_ward(row); row.number: header = 1
            ...
    for line in problems.lines(): print(line)

Files are read as RFC 4180 says: comma-separated, `"` the only quote character (a quote inside a
quoted value is doubled). An apostrophe is an ordinary letter, so 'OShea, O'Connor and Nguyễn'
are read as written; there is no guessing of the dialect.

Two ways to read, chosen by the caller:
- strict (no `problems` given): the first value that cannot be used raises CsvError, whose
  message a person can act on: which file, which row, which column, and what was wrong. For a
  caller that has nowhere to show a report.
- lenient (`problems=Problems()`): a value that cannot be used (29 February 2023, a 13th month,
  text in a number column, a number out of range) is read as missing for that row and recorded
  as a Problem (row, column, value, what was wrong); a row that cannot be used at all (a required
  value empty, more values than the header has columns) is left out and recorded; the file goes
  on. The caller shows the problems. A file that cannot be read at all (absent, not UTF-8, a
  required column missing) still raises CsvError.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# The formats a date may be written in: ISO, and the day-first form a UK spreadsheet writes.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "dates are read as 2019-03-27 or 27/03/2019"
NOT_UTF8 = "is not UTF-8 text. Save it as 'CSV UTF-8' and try again."


def rfc4180_reader(handle: Iterable[str]) -> Iterator[list[str]]:
    """csv.reader with RFC 4180's rules spelt out, so no default elsewhere can change them."""
    return csv.reader(handle, delimiter=",", quotechar='"', doublequote=True, strict=False)


class CsvError(ValueError):
    def __init__(
        self, path: Path | str, message: str, *, row: int | None = None, column: str | None = None
    ):
        self.path, self.row, self.column, self.message = Path(path), row, column, message
        where = [self.path.name]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


class RowLeftOut(CsvError):
    """Raised (lenient reading only) for a row that cannot be used: it has been recorded as a
    Problem, and `usable()` goes on to the next row."""


@dataclass(frozen=True)
class Problem:
    """One value (or row) a lenient read could not use. `row` is numbered as a spreadsheet
    numbers it (the header is row 1); `message` says what was wrong with `value`, and
    `left_out` whether the whole row was left out (else the value was read as missing)."""

    file: str
    row: int
    column: str
    value: str
    message: str
    left_out: bool = False

    @property
    def problem(self) -> str:
        outcome = "so the row was left out" if self.left_out else "so it was read as missing"
        return f"{self.message.rstrip('.')}, {outcome}."

    def __str__(self) -> str:
        return self.text(self.file)

    def text(self, file: str, *, outcome: bool = True) -> str:
        """The problem, naming the file as `file` (a full path, say)."""
        where = [file] if file else []
        where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.problem if outcome else self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.column,
            "value": self.value,
            "problem": self.problem,
        }


class Problems(list[Problem]):
    """The values and rows a lenient read could not use, in the order met. A reader that finds
    very many (a million-row file) may list only the first ones and count the rest in
    `not_listed`."""

    not_listed: int = 0

    @property
    def total(self) -> int:
        return len(self) + self.not_listed

    def lines(self, *, limit: int = 20) -> list[str]:
        """Lines for a person: how many, then the first `limit` problems."""
        if not self.total:
            return []
        head = f"{self.total:,} value{'s' if self.total != 1 else ''} could not be used:"
        more = self.total - min(limit, len(self))
        return [
            head,
            *(f"  {p}" for p in self[:limit]),
            *([f"  ... and {more:,} more."] if more else []),
        ]

    def as_json(self, *, limit: int = 1000) -> dict[str, object]:
        return {"count": self.total, "rows": [p.as_dict() for p in self[:limit]]}


def _shown(raw: str) -> str:
    return raw if len(raw) <= 60 else raw[:57] + "..."


class CsvRow:
    def __init__(
        self,
        path: Path,
        number: int,
        values: dict[str, str],
        problems: Problems | None = None,
    ) -> None:
        self.path, self.number, self.values, self.problems = path, number, values, problems

    def error(self, column: str | None, message: str) -> CsvError:
        return CsvError(self.path, message, row=self.number, column=column)

    def unusable(self, column: str, message: str, *, needed: bool = False) -> None:
        """A value that cannot be used: strict reading raises; lenient reading records it and the
        value is read as missing (the caller gets None), or, when the row cannot do without it
        (`needed`), the row is left out."""
        if self.problems is None:
            raise self.error(column, message)
        if needed:
            raise self.left_out(column, message)
        raw = (self.values.get(column) or "").strip()
        self.problems.append(Problem(self.path.name, self.number, column, raw, message))

    def left_out(self, column: str | None, message: str) -> CsvError:
        """The error to raise for a row that cannot be used at all: in lenient reading it is
        recorded first, and `usable()` skips the row."""
        if self.problems is None:
            return self.error(column, message)
        raw = (self.values.get(column) or "").strip() if column else ""
        self.problems.append(
            Problem(self.path.name, self.number, column or "", raw, message, left_out=True)
        )
        return RowLeftOut(self.path, message, row=self.number, column=column)

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.left_out(column, "is empty; a value is needed.")
        return value

    def real(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        raw = self.text(column, required=required)
        if not raw:
            return None
        try:
            value = float(raw.replace(",", "").replace("%", "").replace("£", ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.unusable(column, f"'{_shown(raw)}' is not a number.", needed=required)
            return None
        if raw.endswith("%"):
            value /= 100
        if minimum is not None and value < minimum:
            self.unusable(
                column, f"{raw} is below the smallest allowed value, {minimum:g}.", needed=required
            )
            return None
        if maximum is not None and value > maximum:
            self.unusable(
                column, f"{raw} is above the largest allowed value, {maximum:g}.", needed=required
            )
            return None
        return value

    def integer(
        self, column: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        value = self.real(column, required=required, minimum=minimum)
        if value is None:
            return None
        if value != int(value):
            self.unusable(
                column, f"'{self.values.get(column)}' is not a whole number.", needed=required
            )
            return None
        return int(value)

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        raw = self.text(column, required=required)
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            self.unusable(
                column, f"'{_shown(raw)}' is not a real date ({DATE_HINT}).", needed=required
            )
        return parsed


def parse_date(raw: str) -> datetime.date | None:
    """A date written as 2019-03-27 or 27/03/2019; None for anything else, including dates that
    do not exist (29 February in a year that is not a leap year, a 13th month)."""
    text = raw.strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def usable(rows: Iterable[CsvRow], parse: Callable[[CsvRow], T]) -> Iterator[T]:
    """parse(row) for every row, leaving out the rows it finds it cannot use (RowLeftOut)."""
    for row in rows:
        try:
            yield parse(row)
        except RowLeftOut:
            continue


def read_header(path: Path | str) -> list[str]:
    """The file's column names, stripped (raises CsvError when it cannot be opened or read)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [name.strip() for name in next(rfc4180_reader(handle), [])]
    except OSError as error:
        raise CsvError(path, f"cannot be opened ({error.strerror}).")
    except UnicodeDecodeError:
        raise CsvError(path, NOT_UTF8, row=1)
    except csv.Error as error:
        raise CsvError(path, f"cannot be read as CSV ({error}).", row=1)


def text_rows(text: str) -> list[list[str]]:
    """The rows of CSV text already decoded (an upload), blank lines left out."""
    return [row for row in rfc4180_reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


@contextmanager
def open_csv(
    path: Path | str, *, required: list[str], problems: Problems | None = None
) -> Iterator[Iterator[CsvRow]]:
    """The rows of a CSV file whose first row names the columns. Rows are numbered as a
    spreadsheet numbers them (the header is row 1, a blank line is a row, a value holding a line
    break is still one row); blank rows are skipped."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CsvError(path, f"cannot be opened ({error.strerror}).")
    with handle:
        reader = rfc4180_reader(handle)
        try:
            header = [name.strip() for name in next(reader, [])]
        except UnicodeDecodeError:
            raise CsvError(path, NOT_UTF8)
        except csv.Error as error:
            raise CsvError(path, f"cannot be read as CSV ({error}).", row=1)
        missing = [name for name in required if name not in header]
        if missing:
            raise CsvError(path, f"is missing the column(s) {', '.join(missing)}.", row=1)

        def rows() -> Iterator[CsvRow]:
            number = 1
            try:
                for cells in reader:
                    number += 1
                    if not any(cell.strip() for cell in cells):
                        continue
                    row = CsvRow(path, number, dict(zip(header, cells, strict=False)), problems)
                    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                        error = row.left_out(
                            None,
                            f"has {len(cells)} values but the header has {len(header)} "
                            "columns (is a value with a comma in it not in double quotes?).",
                        )
                        if problems is None:
                            raise error
                        continue  # recorded by left_out
                    yield row
            except UnicodeDecodeError:
                raise CsvError(path, NOT_UTF8, row=number + 1)
            except csv.Error as error:
                raise CsvError(path, f"cannot be read as CSV ({error}).", row=number + 1)

        yield rows()
