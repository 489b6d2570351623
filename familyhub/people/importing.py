"""Importing people from a CSV or Excel file: read, map columns, check every row, then import the
good rows one by one (each row whole or not at all), linking people already on the register
instead of creating them twice. Used by `familyhub import people FILE` and the upload page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from familyhub.audit.log import log_change
from familyhub.core.csvfiles import text_rows
from familyhub.core.exports import FORMULA_START, Row, csv_text
from familyhub.people import services, validation
from familyhub.people.hooks import search_register
from familyhub.people.models import ImportLink, ImportStatus, Person, PersonImport, Sex

# Our field -> the column names we recognise for it (lower case). The synthetic generator's
# columns (id, first_name, surname, dob, sex, address_line1, postcode, town, nhs_number) come first.
FIELDS: dict[str, tuple[str, ...]] = {
    "source_id": ("id", "person_id", "record_id", "rec_id", "reference"),
    "given_name": ("first_name", "given_name", "forename", "firstname", "first name", "given name"),
    "family_name": ("surname", "family_name", "last_name", "lastname", "family name", "last name"),
    "date_of_birth": ("dob", "date_of_birth", "birth_date", "date of birth", "dateofbirth"),
    "sex": ("sex", "gender"),
    "address_line1": ("address_line1", "address", "address1", "address line 1", "street"),
    "address_line2": ("address_line2", "address2", "address line 2"),
    "town": ("town", "city", "town_or_city"),
    "postcode": ("postcode", "post_code", "postal_code", "zip"),
    "nhs_number": ("nhs_number", "nhs", "nhs number", "nhsno"),
    "upn": ("upn", "unique_pupil_number"),
    "ethnicity": ("ethnicity", "ethnic_group"),
    "first_language": ("first_language", "language"),
}
FIELD_LABELS = {
    "source_id": "Your own id",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address_line1": "Address line 1",
    "address_line2": "Address line 2",
    "town": "Town",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "ethnicity": "Ethnicity (ONS 2021 code)",
    "first_language": "First language",
}
REQUIRED = ("given_name", "family_name")
# Only a near-certain match links a row to an existing person: an import has nobody watching
# each row, so a doubtful one becomes a new record for the review queue to catch.
LINK_PROBABILITY = 0.95
MAX_ROWS = 200_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read: wrong type, encoding or columns."""


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows as lists of strings, the header first."""
    name = (filename or "").lower()
    if not data:
        raise ImportFileError("The file is empty")
    if name.endswith(".xls"):
        raise ImportFileError(
            "Old Excel files (.xls) cannot be read: save it as an Excel workbook (.xlsx) or as CSV UTF-8"
        )
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            "This is not a CSV file or a spreadsheet: upload a CSV file (UTF-8) or an .xlsx file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not in UTF-8 (unreadable byte at position {error.start}): in Excel, "
            "save it as 'CSV UTF-8 (comma delimited)' and upload it again"
        )
    # RFC 4180 (core.csvfiles): an apostrophe is a letter, so 'OShea and O'Connor read as written.
    try:
        rows = [[_unguarded(cell) for cell in row] for row in text_rows(text)]
    except csv.Error as error:  # a cell over the csv module's limit (131,072 characters)
        raise ImportFileError(
            f"The file cannot be read as CSV ({error}): a cell is far too long, or a quote mark "
            "opens a cell that never ends"
        )
    if not rows:
        raise ImportFileError("The file is empty")
    return _limit(rows)


def _unguarded(cell: str) -> str:
    """A cell as it was before our own export kept it from running as a formula ("'=x" is "=x"),
    so the rows-to-correct file reads back as the person's values. 'OShea is left alone."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_START else cell


def _read_xlsx(data: bytes) -> list[list[str]]:
    # A damaged workbook can fail anywhere in openpyxl, zipfile, zlib or the XML parser, and
    # while its rows are read as well as when it is opened (read-only mode reads lazily): any
    # error from them means the user's file cannot be read, which they must be told, never a
    # server error (found by fuzzing: zlib.error, EOFError, XML syntax errors).
    try:
        rows = _xlsx_rows(data)
    except Exception as error:  # noqa: BLE001 (see above)
        raise ImportFileError(
            f"The spreadsheet cannot be opened ({error.__class__.__name__}): save it again as .xlsx"
        )
    if not rows:
        raise ImportFileError("The spreadsheet's first sheet is empty")
    return _limit(rows)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    if not book.worksheets:
        return []
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        cells = [
            ""
            if v is None
            else (
                v.date().isoformat()
                if hasattr(v, "date") and hasattr(v, "hour")
                else v.isoformat()
                if hasattr(v, "isoformat")
                else str(v)
            )
            for v in values
        ]
        if any(cell.strip() for cell in cells):
            rows.append(cells)
    book.close()
    return rows


def _limit(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(
            f"The file has more than {MAX_ROWS:,} rows: split it into smaller files"
        )
    return rows


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """Our field -> the file's column, for the columns we recognise by name."""
    lowered = {header.strip().lower(): header for header in headers}
    mapping = {}
    for field, names in FIELDS.items():
        for name in names:
            if name in lowered:
                mapping[field] = lowered[name]
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> None:
    missing = [FIELD_LABELS[f] for f in REQUIRED if not mapping.get(f)]
    unknown = [column for column in mapping.values() if column and column not in headers]
    if unknown:
        raise ImportFileError(f"These columns are not in the file: {', '.join(unknown)}")
    if missing:
        raise ImportFileError(
            f"Choose the file's column for: {', '.join(missing)}. The file's columns are: "
            f"{', '.join(headers)}"
        )


@dataclass
class CheckedRow:
    row_number: int  # as a spreadsheet numbers it: the header is row 1
    source_id: str
    fields: dict[str, Any]


def _sex(value: str) -> str:
    value = (value or "").strip().lower()
    return {"f": "F", "female": "F", "girl": "F", "m": "M", "male": "M", "boy": "M"}.get(
        value, Sex.UNKNOWN if value in ("", "u", "unknown", "not known") else value
    )


def check_rows(
    rows: list[list[str]], mapping: dict[str, str]
) -> tuple[list[CheckedRow], list[dict]]:
    """Every row checked with the same rules as the pages. Returns the good rows and, for each
    bad row, its number, its original values and a message per field."""
    headers = rows[0]
    check_mapping(headers, mapping)
    index = {field: headers.index(column) for field, column in mapping.items() if column}
    good: list[CheckedRow] = []
    bad: list[dict] = []
    for offset, row in enumerate(rows[1:]):
        number = offset + 2
        raw = {field: (row[i].strip() if i < len(row) else "") for field, i in index.items()}
        source_id = raw.pop("source_id", "")
        if "sex" in raw:
            raw["sex"] = _sex(raw["sex"])
        errors: dict[str, str] = {}
        try:
            clean = validation.clean_person_fields(raw)
            validation.check_person_rules(clean)
        except ValidationError as error:
            errors = {
                field: _with_value(" ".join(messages), raw.get(field, ""))
                for field, messages in error.message_dict.items()
            }
        if errors:
            bad.append(
                {
                    "row": number,
                    "values": dict(
                        zip(headers, [*row, *[""] * (len(headers) - len(row))], strict=False)
                    ),
                    "errors": {FIELD_LABELS.get(f, f): m for f, m in errors.items()},
                }
            )
        else:
            good.append(CheckedRow(number, source_id, clean))
    return good, bad


def _with_value(message: str, value: object) -> str:
    """The message with the value the file gave, so a person sees what to correct."""
    text = str(value or "").strip()
    return f"{message} (the file has '{text[:60]}')" if text else message


def bad_rows(person_import: PersonImport) -> Iterator[Row]:
    """The rows that need correcting, as they were, with an 'errors' column saying why (for
    familyhub.core.exports, which writes the file)."""
    headers = person_import.rows[0] if person_import.rows else []
    yield ["row", *headers, "errors"]
    for bad in person_import.bad_rows:
        message = "; ".join(f"{field}: {text}" for field, text in bad["errors"].items())
        yield [bad["row"], *[bad["values"].get(h, "") for h in headers], message]


def bad_rows_csv(person_import: PersonImport, *, bom: bool = False) -> str:
    return csv_text(bad_rows(person_import), bom=bom)


def prepare_import(
    *, authority, by, filename: str, data: bytes, mapping: dict[str, str] | None = None
) -> PersonImport:
    """Read and check a file and keep it for importing. Raises ImportFileError for a file that
    cannot be used at all; bad rows are kept in the report, not raised."""
    rows = read_rows(filename, data)
    chosen = mapping or auto_mapping(rows[0])
    check_mapping(rows[0], chosen)
    _, bad = check_rows(rows, chosen)
    return PersonImport.objects.create(
        authority=authority,
        filename=filename[:200],
        rows=rows,
        mapping=chosen,
        created_by=by,
        bad_rows=bad,
    )


def remap(person_import: PersonImport, mapping: dict[str, str]) -> PersonImport:
    check_mapping(person_import.rows[0], mapping)
    _, bad = check_rows(person_import.rows, mapping)
    person_import.mapping = mapping
    person_import.bad_rows = bad
    person_import.save(update_fields=["mapping", "bad_rows"])
    return person_import


def run_import(
    person_import: PersonImport,
    *,
    by,
    team=None,
    advance: Callable[[int], None] | None = None,
    progress: Callable[[Any], Any] | None = None,
) -> PersonImport:
    """Import the good rows: each row in its own transaction (a row is imported whole or not at
    all), linking near-certain matches to the existing person. Bad rows are left for the
    person to correct and upload again. With a team, everyone is registered with it: new people
    at once, people already on the register once a manager of the team confirms it (an import
    must not open records its importer could not see)."""
    good, bad = check_rows(person_import.rows, person_import.mapping)
    person_import.status = ImportStatus.RUNNING
    person_import.bad_rows = bad
    person_import.save(update_fields=["status", "bad_rows"])
    # Run again after a worker stopped part-way (the task retried), it carries on: rows of the
    # chunks already committed have their ImportLink and are not imported a second time.
    done = dict(
        ImportLink.objects.filter(person_import=person_import).values_list("row_number", "created")
    )
    good = [row for row in good if row.row_number not in done]
    created = sum(1 for was_created in done.values() if was_created)
    linked = len(done) - created
    iterator = iter(progress(good) if progress else good)
    while True:
        chunk = [row for _, row in zip(range(CHUNK), iterator, strict=False)]
        if not chunk:
            break
        # One transaction per chunk (one disk sync, not one per row) with a savepoint per row:
        # a bad row rolls back alone, so every row is imported whole or not at all.
        with transaction.atomic():
            for row in chunk:
                try:
                    with transaction.atomic():
                        was_created = _import_row(person_import, row, by=by, team=team)
                except ValidationError as error:
                    _note_failed_row(person_import, row, error)
                    continue
                if was_created:
                    created += 1
                else:
                    linked += 1
        if advance:
            advance(len(chunk))
    person_import.created_count = created
    person_import.linked_count = linked
    person_import.status = ImportStatus.DONE
    person_import.save(update_fields=["created_count", "linked_count", "status", "bad_rows"])
    return person_import


CHUNK = 100


def _import_row(person_import: PersonImport, row: CheckedRow, *, by, team) -> bool:
    """Import one checked row; True when a new person was created, False when linked."""
    fields = row.fields
    found = search_register(
        authority=person_import.authority,
        given_name=fields.get("given_name", ""),
        family_name=fields.get("family_name", ""),
        date_of_birth=fields.get("date_of_birth"),
        postcode=fields.get("postcode", ""),
        nhs_number=fields.get("nhs_number", ""),
        sex=fields.get("sex", ""),
        limit=1,
    )
    best = found[0] if found and found[0].probability >= LINK_PROBABILITY else None
    if best is not None:
        person = Person.objects.get(pk=best.person_id)
    else:
        person = services.person_register(
            authority=person_import.authority, by=by, channel="task", **fields
        )
    ImportLink.objects.create(
        person_import=person_import,
        row_number=row.row_number,
        source_id=row.source_id[:100],
        person=person,
        created=best is None,
        score=best.probability if best else None,
    )
    if team is not None:
        services.registration_record(
            person=person,
            by=by,
            team=team,
            confirmed=best is None,
            reason=f"Imported from {person_import.filename}, row {row.row_number}",
            channel="task",
        )
    elif best is not None:
        log_change(
            by, [person], action="change", purpose="Import: linked to a file's row", channel="task"
        )
    return best is None


def _note_failed_row(person_import: PersonImport, row: CheckedRow, error: ValidationError) -> None:
    messages = error.message_dict if hasattr(error, "error_dict") else {"row": error.messages}
    original = person_import.rows[row.row_number - 1]
    person_import.bad_rows.append(
        {
            "row": row.row_number,
            "values": dict(zip(person_import.rows[0], original, strict=False)),
            "errors": {FIELD_LABELS.get(k, k): " ".join(v) for k, v in messages.items()},
        }
    )
