"""Reading council CSV files with errors that name the file, the row and the column.

    with open_csv(path, required=["ward", "locality"]) as rows:
        for row in rows:                      # row.number is the line in the file (header = 1); row.real() parses a number
            rank = row.integer("imd_rank", required=False)

Every problem raises CsvError, whose message a person can act on: which file, which row, which
column, and what was wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CsvError(ValueError):
    def __init__(
        self, path: Path | str, message: str, *, row: int | None = None, column: str | None = None
    ):
        self.path, self.row, self.column = Path(path), row, column
        where = [self.path.name]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


class CsvRow:
    def __init__(self, path: Path, number: int, values: dict[str, str]) -> None:
        self.path, self.number, self.values = path, number, values

    def error(self, column: str | None, message: str) -> CsvError:
        return CsvError(self.path, message, row=self.number, column=column)

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            raise self.error(column, "is empty; a value is needed.")
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
            value = float(raw.replace(",", "").replace("%", ""))
        except ValueError:
            raise self.error(column, f"'{raw}' is not a number.")
        if raw.endswith("%"):
            value /= 100
        if minimum is not None and value < minimum:
            raise self.error(column, f"{raw} is below the smallest allowed value, {minimum:g}.")
        if maximum is not None and value > maximum:
            raise self.error(column, f"{raw} is above the largest allowed value, {maximum:g}.")
        return value

    def integer(
        self, column: str, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        value = self.real(column, required=required, minimum=minimum)
        if value is None:
            return None
        if value != int(value):
            raise self.error(column, f"'{self.values.get(column)}' is not a whole number.")
        return int(value)


@contextmanager
def open_csv(path: Path | str, *, required: list[str]) -> Iterator[Iterator[CsvRow]]:
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CsvError(path, f"cannot be opened ({error.strerror}).")
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
        except UnicodeDecodeError:
            raise CsvError(path, "is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
        missing = [name for name in required if name not in header]
        if missing:
            raise CsvError(path, f"is missing the column(s) {', '.join(missing)}.", row=1)
        reader.fieldnames = header

        def rows() -> Iterator[CsvRow]:
            try:
                for values in reader:
                    if None in values:
                        raise CsvError(
                            path,
                            "has more values than the header has columns.",
                            row=reader.line_num,
                        )
                    if not any((v or "").strip() for v in values.values()):
                        continue
                    yield CsvRow(path, reader.line_num, values)
            except UnicodeDecodeError:
                raise CsvError(
                    path,
                    "is not UTF-8 text. Save it as 'CSV UTF-8' and try again.",
                    row=reader.line_num + 1,
                )

        yield rows()
