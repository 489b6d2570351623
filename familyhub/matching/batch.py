"""The batch engine: blocking, comparison, training and scoring in DuckDB; clustering by connected
components. The same comparison levels as compare.py (written here in SQL) and the same
parameters as real-time search.

    frame = frame_from_csv(path)            # or frame_from_register()
    engine = Engine(frame)
    engine.block(); engine.compare()
    parameters = engine.train()             # EM over the candidate pairs (+ labelled pairs)
    pairs = engine.score(parameters)        # l, r, score, probability per candidate pair
    labels = engine.cluster(parameters)     # one cluster id per record

Training is expectation-maximisation over the candidate pairs the blocking rules produce (not
over random pairs): search and batch only ever score candidate pairs, and among those the people
who are not one person are mostly relatives at one address, so u measured there is what makes a
twin's different given name outweigh a shared birthday, surname and postcode.
"""

from __future__ import annotations

import bisect
import math
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jellyfish
import numpy as np
import pandas as pd

from familyhub.core.csvfiles import (
    DATE_HINT,
    CsvError,
    Problem,
    Problems,
    read_header,
    rfc4180_reader,
)
from familyhub.matching.compare import (
    CLOSE_NAME,
    JOINT,
    LEVELS,
    MODEL_COMPARISONS,
    YEAR_TYPO,
    joint_index,
    model_size,
)
from familyhub.matching.models import MatchKey
from familyhub.matching.parameters import DEFAULTS, prior_weight, weights_of
from familyhub.people.nicknames import NAME_GROUPS

CSV_COLUMNS = ("id", "first_name", "surname", "dob", "sex", "postcode", "nhs_number")
COMPARISONS = tuple(LEVELS)
LEVEL_COLUMNS = {"given": "g", "family": "f", "dob": "d", "postcode": "p", "nhs": "n", "sex": "s"}


class InputError(ValueError):
    """A file the engine cannot read, with a message naming the column and rows."""


@cache
def _nickname_tables() -> tuple[dict[str, str], dict[str, list[int]]]:
    canon: dict[str, str] = {}
    groups: dict[str, list[int]] = {}
    for index, group in enumerate(NAME_GROUPS):
        for name in group:
            canon.setdefault(name, group[0])
            groups.setdefault(name, []).append(index)
    return canon, groups


def _letters(series: pd.Series) -> pd.Series:
    text = series.fillna("").astype(str)
    if not text.map(str.isascii).all():
        text = text.map(
            lambda s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        )
    return text.str.lower().str.replace(r"[^a-z ]", "", regex=True)


def _soundex_map(values: pd.Series) -> pd.Series:
    unique = values.unique()
    codes = {v: (jellyfish.soundex(v) if v else "") for v in unique}
    return values.map(codes)


def build_frame(
    *,
    ids: Any,
    given: pd.Series,
    family: pd.Series,
    dob: pd.Series,
    postcode: pd.Series,
    nhs: pd.Series,
    sex: pd.Series,
    previous: pd.Series | None = None,
) -> pd.DataFrame:
    """Normalise raw columns the way keys.key_values does, vectorised."""
    canon, _groups = _nickname_tables()
    first = _letters(given).str.strip().str.split(" ", n=1).str[0].fillna("")
    fam = _letters(family).str.replace(" ", "", regex=False)
    compact = postcode.fillna("").astype(str).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    digits = nhs.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    sexes = sex.fillna("").astype(str).str.strip().str.upper().str[:1]
    frame = pd.DataFrame(
        {
            "id": np.asarray(ids, dtype=np.int64),
            "given": first.values,
            "given_canon": first.map(lambda n: canon.get(n, n)).values,
            "family": fam.values,
            "family_key": _soundex_map(fam).values,
            "previous_families": previous.fillna("").values if previous is not None else "",
            "dob": pd.to_datetime(dob).values,
            "postcode": compact.str[:8].values,
            "nhs_number": digits.where(digits.str.len() == 10, "").values,
            "sex": sexes.where(sexes.isin(["F", "M"]), "").values,
        }
    )
    return frame


def _parse_dates(raw: pd.Series) -> tuple[pd.Series, list[int]]:
    text = raw.fillna("").astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    other = pd.to_datetime(text.where(iso.isna()), format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(other)
    bad = text.ne("") & parsed.isna()
    return parsed, list(np.flatnonzero(bad.to_numpy()))


def frame_from_csv(
    path: str | Path, *, truth: str | None = None, problems: Problems | None = None
) -> pd.DataFrame:
    """The normalised records of a CSV as a DataFrame (see load_csv)."""
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    load_csv(con, path, truth=truth, problems=problems)
    frame = con.execute("SELECT * FROM src").df()
    con.close()
    return frame


# A file where more than this share of a column's values cannot be used (and at least
# MOSTLY_AT_LEAST of them) is the wrong file, or the column is in another format: not a file with
# a few bad rows. A small file's problems are all listed anyway.
MOSTLY_UNUSABLE = 0.5
MOSTLY_AT_LEAST = 20
# Problems listed one by one per kind (the rest are counted): a million-row file may have many.
_LISTED = 10_000
_DOB_SQL = "coalesce(try_strptime(trim(dob), '%Y-%m-%d'), try_strptime(trim(dob), '%d/%m/%Y'))"
# The id and date of birth as read, computed once as table `raw` is made (the checks and the
# normalisation both use them); named so no column of a council's file can share the name.
_ID, _DOB = "__familyhub_id", "__familyhub_dob"
_REJECTED = {
    "TOO MANY COLUMNS": "has more values than the header has columns (is a value with a comma "
    "in it not in double quotes?)",
    "UNQUOTED VALUE": 'has a double quote inside a value that is not written twice ("")',
}


def _read_csv_sql(columns: list[str], *, parallel: bool) -> str:
    """DuckDB's reader told the file's shape instead of sniffing it: RFC 4180 (comma, `"` the
    only quote, doubled inside a value), every column text. The sniffer, left to itself, took the
    apostrophe of a surname like 'OShea for the quote character and refused the file. A row with
    too many values or a stray quote is set aside in the rejects table (and reported), not fatal;
    a short row is padded with missing values."""
    spec = ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in columns)
    return (
        f"read_csv(?, columns = {{{spec}}}, header = true, auto_detect = false, delim = ',', "
        "quote = '\"', escape = '\"', null_padding = true, store_rejects = true, "
        "rejects_table = 'csv_rejects', rejects_scan = 'csv_scans'"
        f"{'' if parallel else ', parallel = false'})"
    )


def _columns(path: Path) -> list[str]:

    try:
        header = read_header(path)
    except CsvError as exc:
        raise InputError(f"{path}: {exc.message}") from exc
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"column_{i + 1}"
        base, n = name, 2
        while name.lower() in (c.lower() for c in names):  # DuckDB's names ignore case
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _file_rows(path: Path, rejected: list[int], wanted: set[int]) -> dict[int, int]:
    """The spreadsheet row (header = 1, a blank line counted) of each wanted record, numbered as
    DuckDB read them (rn: the k-th record it kept). Without blank lines this is arithmetic on the
    rejected rows; with them, one pass of Python's reader (DuckDB skips blank lines silently)."""
    import mmap

    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        blank = False
        if size:
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                blank = any(data.find(p) != -1 for p in (b"\n\n", b"\n\r\n", b"\r\r"))
    if not blank:
        # The k-th kept record is row k + 1, moved on by each rejected row before it: the i-th
        # rejected row (from 0) comes after `line - 2 - i` kept records.
        before = [line - 2 - i for i, line in enumerate(sorted(rejected))]
        return {k: k + 1 + bisect.bisect_left(before, k) for k in wanted}

    skip = set(rejected)
    found: dict[int, int] = {}
    kept = 0
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as text:
        for number, cells in enumerate(rfc4180_reader(text), start=1):
            if number == 1 or not cells or number in skip:
                continue
            kept += 1
            if kept in wanted:
                found[kept] = number
                if len(found) == len(wanted):
                    break
    return found


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    # fetchall, not fetchone: DuckDB keeps a half-read result open and refuses the next register.
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _check_rows(con: duckdb.DuckDBPyConnection, path: Path, found: Problems) -> None:
    """Record in `found` the rows DuckDB set aside and the values of table `raw` that cannot be
    used, and fill table `left_out` (rn) with the rows to leave out. Raises InputError when the
    file as a whole cannot be used."""
    rejects = con.execute(
        "SELECT line, arg_min(error_type, byte_position), arg_min(error_message, byte_position), "
        "arg_min(csv_line, byte_position) FROM csv_rejects GROUP BY line ORDER BY line"
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS csv_rejects")
    con.execute("DROP TABLE IF EXISTS csv_scans")
    encoding = [
        line for line, kind, _, _ in rejects if kind in ("INVALID ENCODING", "INVALID UNICODE")
    ]
    if encoding:
        first = encoding[0]
        raise InputError(f"{path}: the file is not UTF-8 text (row {first})")
    id_int = _ID
    blank = " AND ".join(
        f"coalesce(trim(\"{c}\"), '') = ''"
        for c in [r[0] for r in con.execute("DESCRIBE raw").fetchall()][1:]
        if c not in (_ID, _DOB)
    )
    # (field, condition, message for the value, row left out?)
    checks: list[tuple[str, str, str, bool]] = [
        ("id", "coalesce(trim(id), '') = ''", "is empty; every row needs an id", True),
        ("id", f"trim(id) <> '' AND {id_int} IS NULL", "'{}' is not a whole number", True),
        (
            "id",
            f"rn IN (SELECT rn FROM (SELECT rn, row_number() OVER (PARTITION BY {id_int} "
            f"ORDER BY rn) AS k FROM raw WHERE {id_int} IS NOT NULL) WHERE k > 1)",
            "'{}' is the id of an earlier row",
            True,
        ),
        (
            "dob",
            f"coalesce(trim(dob), '') <> '' AND {_DOB} IS NULL",
            f"'{{}}' is not a real date ({DATE_HINT})",
            False,
        ),
        (
            "nhs_number",
            "coalesce(trim(nhs_number), '') <> '' AND "
            "length(regexp_replace(nhs_number, '[^0-9]', '', 'g')) <> 10",
            "'{}' is not a 10-digit NHS number",
            False,
        ),
    ]
    con.execute("CREATE OR REPLACE TABLE left_out (rn BIGINT)")
    if _count(con, f"SELECT count(*) FROM raw WHERE {blank}"):
        # An empty row (",,,,") is no record: nothing to report, nothing to match.
        con.execute(f"DELETE FROM raw WHERE {blank}").fetchall()
    listed: list[tuple[int, str, str, str, bool]] = []  # rn, field, value, message, left out
    counts: dict[str, int] = {}
    # One pass counts every kind of problem; only the kinds found are read row by row. A
    # repeated id is counted as ids minus distinct ids, and looked for only when there is one.
    tally = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {c})" for _, c, _, _ in checks[:1] + checks[1:2])
        + f", count({id_int}) - count(DISTINCT {id_int}), "
        + ", ".join(f"count(*) FILTER (WHERE {c})" for _, c, _, _ in checks[3:])
        + " FROM raw"
    ).fetchall()[0]
    for (column, condition, message, leave_out), bad in zip(checks, tally, strict=True):
        if not bad:
            continue
        counts[column] = counts.get(column, 0) + int(bad)
        for rn, value in con.execute(
            f"SELECT rn, trim(coalesce(\"{column}\", '')) FROM raw WHERE {condition} "
            f"ORDER BY rn LIMIT {_LISTED}"
        ).fetchall():
            listed.append((rn, column, value, message.format(value[:60]), leave_out))
        found.not_listed += max(0, int(bad) - _LISTED)
        if leave_out:
            con.execute(f"INSERT INTO left_out SELECT rn FROM raw WHERE {condition}").fetchall()
    for name in ("id", "dob"):
        bad = counts.get(name, 0)
        if bad < MOSTLY_AT_LEAST:
            continue
        kept = _count(con, "SELECT count(*) FROM raw")
        given = _count(con, f"SELECT count(*) FROM raw WHERE coalesce(trim({name}), '') <> ''")
        if bad > MOSTLY_UNUSABLE * given:
            example = next(p for p in listed if p[1] == name)
            raise InputError(
                f"{path}: column {name}: {bad:,} of {kept:,} rows cannot be used "
                f"(the first: {example[3]}); is the column in another format?"
            )
    rows = _file_rows(path, [line for line, *_ in rejects], {rn for rn, *_ in listed})
    problems = [
        Problem(
            path.name,
            line,
            "",
            (text or "").strip()[:80],
            _REJECTED.get(kind, message),
            left_out=True,
        )
        for line, kind, message, text in rejects
    ] + [Problem(path.name, rows.get(rn, 0), f, v, m, left_out=o) for rn, f, v, m, o in listed]
    found.extend(sorted(problems, key=lambda p: p.row))


def load_csv(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    truth: str | None = None,
    problems: Problems | None = None,
) -> int:
    """Read a CSV with the synthetic generator's columns into table `src` of `con`, normalised
    (the same rules as keys.key_values, in DuckDB SQL). Returns the number of records.

    Raises InputError naming the column (and the rows) when the file cannot be used: not there,
    not UTF-8, a column missing, or most of a column's values unusable. A value that cannot be
    used (a date of birth that does not exist, an NHS number that is not 10 digits) is read as
    missing, and a row that cannot be used (no whole-number id, an id already used, too many
    values) is left out: with `problems` each is recorded there (row, field, value) and the file
    goes on; without it the first one raises InputError."""
    path = Path(path)
    columns = _columns(path)
    wanted = list(CSV_COLUMNS) + ([truth] if truth else [])
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; the file has "
            f"{', '.join(columns) or 'no columns'}"
        )
    parallel = True
    while True:
        try:
            con.execute(
                "CREATE OR REPLACE TABLE raw AS SELECT row_number() OVER () AS rn, *, "
                f"try_cast(trim(id) AS BIGINT) AS {_ID}, CAST({_DOB_SQL} AS DATE) AS {_DOB} FROM "
                + _read_csv_sql(columns, parallel=parallel),
                [str(path)],
            )
            break
        except duckdb.Error as exc:
            text = str(exc)
            if parallel and "parallel=false" in text:
                parallel = False  # a value with a line break in it: read in one pass
                continue
            if "unicode" in text.lower() or "utf" in text.lower():
                raise InputError(f"{path}: the file is not UTF-8 text") from exc
            raise InputError(f"{path}: cannot read it as CSV ({text.splitlines()[0]})") from exc
    found = Problems() if problems is None else problems
    _check_rows(con, path, found)
    leave_out = _count(con, "SELECT count(*) FROM left_out")
    if problems is None and found:
        more = f" (and {found.total - 1:,} more)" if found.total > 1 else ""
        raise InputError(f"{found[0].text(str(path), outcome=False)}{more}")
    canon, _groups = _nickname_tables()
    con.register("canon_df", pd.DataFrame(list(canon.items()), columns=["name", "canon"]))
    letters = "regexp_replace(lower(strip_accents(coalesce({0}, ''))), '[^a-z]', '', 'g')"
    truth_sql = (
        f", CASE WHEN trim(coalesce(\"{truth}\", '')) = '' THEN trim(id) "
        f'ELSE trim("{truth}") END AS truth'
        if truth
        else ""
    )
    con.execute(
        f"""
        CREATE TABLE norm AS
        SELECT {_ID} AS id,
               {letters.format("split_part(trim(first_name), ' ', 1)")} AS given,
               {letters.format("surname")} AS family,
               {_DOB} AS dob,
               left(regexp_replace(upper(coalesce(postcode, '')), '[^A-Z0-9]', '', 'g'), 8)
                   AS postcode,
               CASE WHEN length(regexp_replace(coalesce(nhs_number, ''), '[^0-9]', '', 'g')) = 10
                    THEN regexp_replace(nhs_number, '[^0-9]', '', 'g') ELSE '' END AS nhs_number,
               CASE WHEN upper(left(trim(coalesce(sex, '')), 1)) IN ('F', 'M')
                    THEN upper(left(trim(sex), 1)) ELSE '' END AS sex
               {truth_sql}
        FROM raw {"WHERE rn NOT IN (SELECT rn FROM left_out)" if leave_out else ""}
        """
    )
    families = [r[0] for r in con.execute("SELECT DISTINCT family FROM norm").fetchall()]
    con.register(
        "sound_df",
        pd.DataFrame(
            {
                "family": families,
                "family_key": [jellyfish.soundex(f) if f else "" for f in families],
            }
        ),
    )
    con.execute(
        f"""
        CREATE TABLE src AS
        SELECT n.id, n.given, coalesce(c.canon, n.given) AS given_canon, n.family,
               coalesce(s.family_key, '') AS family_key, '' AS previous_families,
               n.dob, n.postcode, n.nhs_number, n.sex
               {", n.truth" if truth else ""}
        FROM norm n LEFT JOIN canon_df c ON c.name = n.given
        LEFT JOIN sound_df s ON s.family = n.family
        """
    )
    con.execute("DROP TABLE raw")
    con.execute("DROP TABLE norm")
    con.execute("DROP TABLE left_out")
    for name in ("canon_df", "sound_df"):
        con.unregister(name)
    count = con.execute("SELECT count(*) FROM src").fetchone()
    return int(count[0]) if count else 0


def frame_from_register(authority_id: int | None = None) -> pd.DataFrame:
    """The register's match keys (already normalised), streamed from the database."""
    from django.db import connection

    columns = [
        "person_id",
        "given",
        "given_canon",
        "family",
        "family_key",
        "previous_families",
        "dob",
        "postcode",
        "nhs_number",
        "sex",
    ]
    query = MatchKey.objects.filter(person__merged_into__isnull=True)
    if authority_id is not None:
        query = query.filter(authority_id=authority_id)
    sql, params = query.values_list(*columns).query.sql_with_params()
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            chunks.append(pd.DataFrame.from_records(rows, columns=columns))
    frame = pd.concat(chunks) if chunks else pd.DataFrame(columns=columns)
    frame = frame.rename(columns={"person_id": "id"})
    frame["id"] = frame["id"].astype(np.int64)
    frame["dob"] = pd.to_datetime(frame["dob"])
    return frame.reset_index(drop=True)


# Blocking rules: each pair of records sharing one of these is a candidate pair.
BLOCKING_RULES = (
    "l.nhs_number = r.nhs_number AND l.nhs_number <> ''",
    "l.given_canon = r.given_canon AND l.dob = r.dob AND l.given_canon <> ''",
    "l.family_key = r.family_key AND l.dob = r.dob AND l.family_key <> ''",
    "l.postcode = r.postcode AND l.dob = r.dob AND l.postcode <> ''",
    "l.postcode = r.postcode AND l.family_key = r.family_key AND l.postcode <> ''",
    "l.given_canon = r.given_canon AND l.family_key = r.family_key AND l.dob_year = r.dob_year "
    "AND l.given_canon <> ''",
    "l.given_canon = r.given_canon AND l.family_key = r.family_key AND l.dob_swap = r.dob "
    "AND l.given_canon <> ''",
)

# Each field's level in SQL (the rules of compare.py), over records aliased l and r. The batch
# engine selects them as columns g f d p n s; splink_model.py turns them into DuckDB macros.
FIELD_LEVEL_SQL: dict[str, str] = {
    "g": f"""CASE WHEN l.given = '' OR r.given = '' THEN -1
     WHEN l.given = r.given THEN 0
     WHEN list_has_any(l.groups, r.groups) THEN 1
     WHEN jaro_winkler_similarity(l.given, r.given) >= {CLOSE_NAME} THEN 2 ELSE 3 END""",
    "f": f"""CASE WHEN l.family = '' OR r.family = '' THEN -1
     WHEN l.family = r.family THEN 0
     WHEN jaro_winkler_similarity(l.family, r.family) >= {CLOSE_NAME} THEN 1
     WHEN list_contains(string_split(r.previous_families, ' '), l.family)
       OR list_contains(string_split(l.previous_families, ' '), r.family) THEN 2 ELSE 3 END""",
    "d": f"""CASE WHEN l.dob IS NULL OR r.dob IS NULL THEN -1
     WHEN l.dob = r.dob THEN 0
     WHEN l.dob_swap = r.dob THEN 1
     WHEN (l.dob_year = r.dob_year)::INT + (month(l.dob) = month(r.dob))::INT
          + (day(l.dob) = day(r.dob))::INT = 2
          AND abs(l.dob_year - r.dob_year) <= {YEAR_TYPO} THEN 2 ELSE 3 END""",
    "p": """CASE WHEN l.postcode = '' OR r.postcode = '' THEN -1
     WHEN l.postcode = r.postcode THEN 0
     WHEN length(l.postcode) >= 5 AND length(r.postcode) >= 5
          AND left(l.postcode, length(l.postcode) - 2) = left(r.postcode, length(r.postcode) - 2)
          THEN 1
     WHEN length(l.postcode) >= 5 AND length(r.postcode) >= 5
          AND left(l.postcode, length(l.postcode) - 3) = left(r.postcode, length(r.postcode) - 3)
          THEN 2 ELSE 3 END""",
    "n": """CASE WHEN l.nhs_number = '' OR r.nhs_number = '' THEN -1
     WHEN l.nhs_number = r.nhs_number THEN 0 ELSE 1 END""",
    "s": "CASE WHEN l.sex = '' OR r.sex = '' THEN -1 WHEN l.sex = r.sex THEN 0 ELSE 1 END",
}
LEVEL_SQL = ",\n".join(f"{sql} AS {column}" for column, sql in FIELD_LEVEL_SQL.items())


@dataclass
class Engine:
    """`frame` is the normalised records (build_frame's columns); or pass `con`, a DuckDB
    connection already holding them as table `src` (load_csv), and `frame` is then filled with
    just the ids (and truth), so a million records never pass through pandas."""

    frame: pd.DataFrame = None  # type: ignore[assignment]
    threads: int = 2
    memory_limit: str = "1500MB"
    con: duckdb.DuckDBPyConnection = None  # type: ignore[assignment]
    pattern_counts: pd.DataFrame | None = field(init=False, default=None)

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        truth: str | None = None,
        threads: int = 2,
        problems: Problems | None = None,
    ) -> Engine:
        con = duckdb.connect()
        con.execute(f"SET threads = {int(threads)}")
        con.execute("SET enable_progress_bar = false")
        try:
            load_csv(con, path, truth=truth, problems=problems)
        except InputError:
            con.close()
            raise
        return cls(con=con, threads=threads)

    def __post_init__(self) -> None:
        if self.con is None:
            self.con = duckdb.connect()
            self.con.register("frame_df", self.frame)
            self.con.execute("CREATE VIEW src AS SELECT * FROM frame_df")
        con = self.con
        con.execute(f"SET threads = {int(self.threads)}")
        con.execute(f"SET memory_limit = '{self.memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        _canon, groups = _nickname_tables()
        nick = pd.DataFrame(
            [(name, gid) for name, gids in groups.items() for gid in gids],
            columns=["name", "gid"],
        )
        con.register("nick_df", nick)
        con.execute(
            """
            CREATE TABLE recs AS
            WITH g AS (SELECT name, list(gid) AS groups FROM nick_df GROUP BY name)
            SELECT f.id, f.given, f.given_canon, f.family, f.family_key,
                   coalesce(f.previous_families, '') AS previous_families,
                   CAST(f.dob AS DATE) AS dob, year(f.dob) AS dob_year,
                   CASE WHEN day(f.dob) <= 12 AND day(f.dob) <> month(f.dob)
                        THEN make_date(year(f.dob), day(f.dob), month(f.dob)) END AS dob_swap,
                   f.postcode, f.nhs_number, f.sex,
                   coalesce(g.groups, []::BIGINT[]) AS groups
            FROM src f LEFT JOIN g ON g.name = f.given
            """
        )
        if self.frame is None:
            columns = [row[0] for row in con.execute("DESCRIBE src").fetchall()]
            wanted = "id, truth" if "truth" in columns else "id"
            self.frame = pd.DataFrame(con.execute(f"SELECT {wanted} FROM src").fetchnumpy())

    def block(self) -> int:
        """Candidate pairs: the union of every blocking rule's pairs, each pair once."""
        selects = " UNION ".join(
            f"SELECT l.id AS l, r.id AS r FROM recs l JOIN recs r ON {rule} AND l.id < r.id"
            for rule in BLOCKING_RULES
        )
        self.con.execute(f"CREATE OR REPLACE TABLE pairs AS {selects}")
        return int(self.con.execute("SELECT count(*) FROM pairs").fetchone()[0])  # type: ignore[index]

    def compare(self) -> None:
        self.con.execute(
            f"""
            CREATE OR REPLACE TABLE cmp AS
            SELECT p.l, p.r, {LEVEL_SQL}
            FROM pairs p JOIN recs l ON l.id = p.l JOIN recs r ON r.id = p.r
            """
        )
        self.pattern_counts = self.con.execute(
            "SELECT g, f, d, p, n, s, count(*) AS c FROM cmp GROUP BY ALL"
        ).df()

    def levels_of(self, pairs: list[tuple[int, int]]) -> pd.DataFrame:
        """Comparison levels of given pairs (labelled pairs), in the same columns as cmp."""
        wanted = pd.DataFrame(
            [(min(a, b), max(a, b)) for a, b in pairs], columns=["l", "r"], dtype=np.int64
        )
        self.con.register("wanted_df", wanted)
        try:
            return self.con.execute(
                f"""SELECT w.l, w.r, {LEVEL_SQL} FROM wanted_df w
                    JOIN recs l ON l.id = w.l JOIN recs r ON r.id = w.r"""
            ).df()
        finally:
            self.con.unregister("wanted_df")

    def train(
        self,
        *,
        start: dict | None = None,
        iterations: int = 0,
        labelled: pd.DataFrame | None = None,
        label_weight: float = 1.0,
    ) -> dict:
        """Estimate m, u and the prior from the candidate pairs themselves.

        Where both records carry an NHS number, it says (almost surely) whether they are one
        person: those pairs are the register's own labelled sample, and m and u of every other
        comparison are counted from them, among candidate pairs, so u carries the household
        structure (a sibling at the same address with the same surname is a typical
        non-match). People's review decisions (`labelled`: columns g..s and `match` 0/1) are
        added to those counts, `label_weight` times each. Optional EM iterations then refine
        the model over all candidate pairs (off by default: EM over candidate pairs drifts
        towards finding households rather than people). Without NHS numbers or labels the
        starting parameters stand."""
        assert self.pattern_counts is not None, "compare() first"
        counts = self.pattern_counts
        base = start or DEFAULTS
        silver = counts[counts["n"] >= 0].copy()
        silver["match"] = (silver["n"] == 0).astype(float)
        silver_total = float(silver["c"].sum())
        parts = []
        if silver_total:
            parts.append(silver.rename(columns={"c": "w"}))
        if labelled is not None and len(labelled):
            extra = labelled.copy()
            extra["w"] = label_weight
            parts.append(extra)
        if not parts:
            # No NHS numbers and no decisions: nothing in the register says who is whom. EM
            # over candidate pairs finds households rather than people here (measured F1 0.53
            # on the synthetic register with NHS numbers removed, against 0.90 for the
            # defaults), so the defaults stand until people's decisions refine them.
            return {**base, "threshold": 0.5}
        sample = pd.concat(parts, ignore_index=True)
        parameters = supervised(sample, start=base)
        if silver_total:
            matches = float(silver.loc[silver["match"] == 1, "c"].sum())
            parameters["prior"] = min(max(matches / silver_total, 1e-4), 0.9)
        if iterations:
            parameters = em(
                counts,
                start=parameters,
                iterations=iterations,
                labelled=labelled,
                label_weight=label_weight,
            )
        return parameters

    def score(self, parameters: dict) -> None:
        """Scores every candidate pair into table `scored` (l, r, score, probability)."""
        table = pattern_scores(self._patterns_frame(), parameters)
        self.con.register("pattern_df", table)
        self.con.execute(
            """
            CREATE OR REPLACE TABLE scored AS
            SELECT c.l, c.r, t.score, t.probability, c.g, c.f, c.d, c.p, c.n, c.s
            FROM cmp c JOIN pattern_df t USING (g, f, d, p, n, s)
            """
        )
        self.con.unregister("pattern_df")

    def _patterns_frame(self) -> pd.DataFrame:
        assert self.pattern_counts is not None
        return self.pattern_counts[list(LEVEL_COLUMNS.values())].copy()

    def links(self, threshold: float) -> pd.DataFrame:
        return self.con.execute(
            "SELECT l, r, score, probability, g, f, d, p, n, s FROM scored "
            "WHERE probability >= ? ORDER BY probability DESC",
            [threshold],
        ).df()

    def cluster(self, threshold: float) -> np.ndarray:
        """Cluster id per record (in frame order): connected components of the linked pairs."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        ids = self.frame["id"].to_numpy()
        index = pd.Series(np.arange(len(ids)), index=ids)
        edges = self.con.execute(
            "SELECT l, r FROM scored WHERE probability >= ?", [threshold]
        ).fetchnumpy()
        rows = index.reindex(edges["l"]).to_numpy()
        cols = index.reindex(edges["r"]).to_numpy()
        graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(ids),) * 2)
        _n, labels = connected_components(graph, directed=False)
        return labels

    def close(self) -> None:
        self.con.close()


def _level_arrays(patterns: pd.DataFrame) -> dict[str, np.ndarray]:
    """The model's comparison levels from field level columns (g f d p n s)."""
    fields = {name: patterns[col].to_numpy(dtype=np.int64) for name, col in LEVEL_COLUMNS.items()}
    return {
        name: joint_index(name, fields) if name in JOINT else fields[name]
        for name in MODEL_COMPARISONS
    }


def pattern_scores(patterns: pd.DataFrame, parameters: dict) -> pd.DataFrame:
    """Score and probability for each comparison pattern."""

    weights = weights_of(parameters)
    score = np.full(len(patterns), prior_weight(parameters))
    for name, levels in _level_arrays(patterns).items():
        table = np.asarray(weights[name])
        score += np.where(levels >= 0, table[np.clip(levels, 0, None)], 0.0)
    out = patterns.copy()
    out["score"] = score
    out["probability"] = 1.0 / (1.0 + np.power(2.0, -np.clip(score, -60, 60)))
    return out


def _estimate(
    levels: dict[str, np.ndarray], wm: np.ndarray, wu: np.ndarray, start: dict, shrink: float
) -> dict[str, dict[str, list[float]]]:
    """m and u per model comparison from match / non-match weights per row, shrunk towards
    `start` by `shrink` pseudo-pairs (so a level never seen keeps its starting weight)."""
    comparisons = {}
    for k, lv in levels.items():
        size = model_size(k)
        ok = lv >= 0
        idx = np.clip(lv, 0, None)
        m_num = np.bincount(idx[ok], weights=wm[ok], minlength=size)
        u_num = np.bincount(idx[ok], weights=wu[ok], minlength=size)
        m0 = np.asarray(start["comparisons"][k]["m"], dtype=float)
        u0 = np.asarray(start["comparisons"][k]["u"], dtype=float)
        m = (m_num + shrink * m0 / m0.sum()) / (m_num.sum() + shrink)
        u = (u_num + shrink * u0 / u0.sum()) / (u_num.sum() + shrink)
        comparisons[k] = {
            "m": [float(f"{x:.6g}") for x in m],
            "u": [float(f"{x:.6g}") for x in u],
        }
    return comparisons


def supervised(sample: pd.DataFrame, *, start: dict, shrink: float = 20.0) -> dict:
    """m and u counted from labelled pattern rows (columns g..s, match 0/1, w = weight). The NHS
    comparison keeps `start`'s values: the labels come from it."""
    levels = _level_arrays(sample)
    match = sample["match"].to_numpy(dtype=float)
    weight = sample["w"].to_numpy(dtype=float)
    comparisons = _estimate(levels, weight * match, weight * (1 - match), start, shrink)
    comparisons["nhs"] = dict(start["comparisons"]["nhs"])
    matches = float((weight * match).sum())
    return {
        "version": start.get("version", 2),
        "prior": min(max(matches / float(weight.sum()), 1e-4), 0.9),
        "threshold": start.get("threshold", 0.7),
        "comparisons": comparisons,
    }


def em(
    counts: pd.DataFrame,
    *,
    start: dict,
    iterations: int = 60,
    labelled: pd.DataFrame | None = None,
    label_weight: float = 1.0,
    evidence: tuple[str, ...] = ("identity", "nhs", "sex"),
) -> dict:
    """Fellegi-Sunter EM on pattern counts (columns g f d p n s c), with labelled rows (match
    0/1) fixed to their label.

    The E-step weighs only the `evidence` comparisons (who the person is), the M-step estimates
    every comparison. Letting the household into the E-step makes EM find households (same
    address, same surname) instead of people: candidate pairs are mostly relatives."""
    rows = counts
    fixed = np.zeros(len(counts))
    is_fixed = np.zeros(len(counts), dtype=bool)
    weights = counts["c"].to_numpy(dtype=float)
    if labelled is not None and len(labelled):
        rows = pd.concat([counts, labelled], ignore_index=True)
        fixed = np.concatenate([fixed, labelled["match"].to_numpy(dtype=float)])
        is_fixed = np.concatenate([is_fixed, np.ones(len(labelled), dtype=bool)])
        weights = np.concatenate([weights, np.full(len(labelled), float(label_weight))])
    levels = _level_arrays(rows)
    parameters = dict(start)
    for _ in range(iterations):
        table = weights_of(parameters)
        log_odds = np.full(len(rows), math.log(parameters["prior"] / (1 - parameters["prior"])))
        for k in evidence:
            lv = levels[k]
            w = np.asarray(table[k]) * math.log(2)
            log_odds += np.where(lv >= 0, w[np.clip(lv, 0, None)], 0.0)
        post = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -500, 500)))
        post = np.where(is_fixed, fixed, post)
        wm, wu = weights * post, weights * (1 - post)
        parameters = {
            **parameters,
            "prior": float(np.clip(wm.sum() / weights.sum(), 1e-4, 0.9)),
            "comparisons": _estimate(levels, wm, wu, parameters, 1.0),
        }
    return parameters


def learn_from_labels(parameters: dict, labelled: pd.DataFrame, *, strength: float = 4.0) -> dict:
    """Re-estimate the model with people's decisions (columns g..s and match 0/1).

    The review queue shows pairs by their probability, and every pair with one comparison
    pattern has the same probability, so within one pattern of the identity comparison the
    reviewed pairs are a fair sample: their share of matches estimates P(match | pattern)
    directly. That estimate, shrunk towards the model's own by `strength` pseudo-pairs (a
    Beta prior), replaces the model's for the pattern by moving its m; patterns nobody reviewed
    keep their weights. So decisions correct exactly the patterns the model is unsure of,
    instead of re-weighting the whole model towards an unrepresentative sample."""
    if labelled is None or not len(labelled):
        return parameters
    scored = pattern_scores(labelled[list(LEVEL_COLUMNS.values())], parameters)
    cells = _level_arrays(labelled)["identity"]
    frame = pd.DataFrame(
        {
            "cell": cells,
            "match": labelled["match"].to_numpy(dtype=float),
            "p": scored["probability"].to_numpy(dtype=float).clip(1e-6, 1 - 1e-6),
        }
    )
    spec = parameters["comparisons"]["identity"]
    m = np.asarray(spec["m"], dtype=float)
    for cell, group in frame.groupby("cell"):
        n, k = len(group), float(group["match"].sum())
        model_p = float(group["p"].mean())
        new_p = float(np.clip((k + strength * model_p) / (n + strength), 1e-4, 1 - 1e-4))
        shift = math.log2(new_p / (1 - new_p)) - math.log2(model_p / (1 - model_p))
        m[int(cell)] = max(m[int(cell)] * 2.0**shift, 1e-12)
    m = m / m.sum()
    return {
        **parameters,
        "comparisons": {
            **parameters["comparisons"],
            "identity": {"m": [float(f"{x:.6g}") for x in m], "u": list(spec["u"])},
        },
        "labelled_pairs": int(len(labelled)) + int(parameters.get("labelled_pairs", 0)),
    }


def pairwise_metrics(predicted: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the true clusters."""
    frame = pd.DataFrame({"p": predicted, "t": pd.factorize(truth)[0]})

    def pairs(sizes: pd.Series) -> float:
        s = sizes.to_numpy(dtype=float)
        return float((s * (s - 1) / 2).sum())

    predicted_pairs = pairs(frame.groupby("p").size())
    true_pairs = pairs(frame.groupby("t").size())
    both = pairs(frame.groupby(["p", "t"]).size())
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
        "true_pairs": int(true_pairs),
        "predicted_pairs": int(predicted_pairs),
        "true_positive_pairs": int(both),
    }
