"""Match keys: normalised names, sound-alike codes and date parts, one row per person.

The register's hooks (people.hooks, registered in MatchingConfig.ready()) refresh a person's keys
in the same transaction as every write to them (create, edit, move, merge, unmerge), so a search
straight after a write, as in an import, sees it; batch loads call `refresh_all_keys()` once at
the end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

import jellyfish

from familyhub.matching.batch import build_frame
from familyhub.matching.models import MatchKey
from familyhub.people.models import Person, PreviousName
from familyhub.people.nicknames import canonical

_NOT_LETTER = re.compile(r"[^a-z]")
CHUNK = 5000


def norm_name(raw: str | None) -> str:
    """'  O'Brien-Smith ' -> 'obriensmith': case, accents, spaces and punctuation do not count."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    return _NOT_LETTER.sub("", text)


def first_given(raw: str | None) -> str:
    """The first of several given names ('Mary Jane' -> 'mary'), normalised."""
    parts = (raw or "").split()
    return norm_name(parts[0]) if parts else ""


def sound_key(name: str) -> str:
    """Soundex of a normalised name: forgiving of vowel typos and doubled letters."""
    return jellyfish.soundex(name) if name else ""


def given_canon(name: str) -> str:
    return canonical(name) if name else ""


def norm_postcode(raw: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())[:8]


def postcode_sector(compact: str) -> str:
    """'RM175DQ' -> 'RM175' (outward code and the inward code's digit)."""
    return compact[:-2] if len(compact) >= 5 else ""


def postcode_district(compact: str) -> str:
    return compact[:-3] if len(compact) >= 5 else ""


def norm_nhs(raw: str | None) -> str:
    digits = re.sub(r"\D", "", raw or "")
    return digits if len(digits) == 10 else ""


def norm_sex(raw: str | None) -> str:
    value = (raw or "").strip().upper()[:1]
    return value if value in {"F", "M"} else ""


def key_values(
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    previous_families: Iterable[str] = (),
) -> dict:
    given = first_given(given_name)
    family = norm_name(family_name)
    compact = norm_postcode(postcode)
    previous = sorted({norm_name(n) for n in previous_families if norm_name(n)} - {family})
    return {
        "given": given,
        "given_canon": given_canon(given),
        "family": family,
        "family_key": sound_key(family),
        "previous_families": " ".join(previous)[:300],
        "dob": date_of_birth,
        "dob_year": date_of_birth.year if date_of_birth else None,
        "postcode": compact,
        "postcode_sector": postcode_sector(compact),
        "nhs_number": norm_nhs(nhs_number),
        "sex": norm_sex(sex),
    }


def _keys_for(people) -> list:

    keys = []
    for person in people:
        keys.append(
            MatchKey(
                person_id=person.pk,
                authority_id=person.authority_id,
                **key_values(
                    given_name=person.given_name,
                    family_name=person.family_name,
                    date_of_birth=person.date_of_birth,
                    postcode=person.postcode,
                    nhs_number=person.nhs_number,
                    sex=person.sex,
                    previous_families=[p.family_name for p in person.previous_names.all()],
                ),
            )
        )
    return keys


_FIELDS = [
    "authority_id",
    "given",
    "given_canon",
    "family",
    "family_key",
    "previous_families",
    "dob",
    "dob_year",
    "postcode",
    "postcode_sector",
    "nhs_number",
    "sex",
]


def refresh_keys_on_change(person, changed: frozenset[str]) -> None:
    refresh_keys([person.pk])


def refresh_keys_after_merge(*, survivor, duplicate) -> None:
    """After a merge or an unmerge: the merged-away record leaves every search, or comes back."""
    refresh_keys([survivor.pk, duplicate.pk])


def refresh_keys(person_ids: Iterable[int]) -> None:
    """Recompute the keys of these people (after a create, edit, merge or unmerge). People who
    were merged away, or no longer exist, lose their key and so drop out of every search."""
    from django.db import transaction

    ids = sorted({int(i) for i in person_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            people = list(
                Person.objects.filter(pk__in=chunk, merged_into__isnull=True).prefetch_related(
                    "previous_names"
                )
            )
            live = {p.pk for p in people}
            MatchKey.objects.filter(person_id__in=[i for i in chunk if i not in live]).delete()
            MatchKey.objects.bulk_create(
                _keys_for(people),
                update_conflicts=True,
                unique_fields=["person"],
                update_fields=_FIELDS,
            )


_COPY_COLUMNS = (
    "person_id",
    "authority_id",
    "given",
    "given_canon",
    "family",
    "family_key",
    "previous_families",
    "dob",
    "dob_year",
    "postcode",
    "postcode_sector",
    "nhs_number",
    "sex",
)
_COPY_COLUMNS_FRAME = ["id", *_COPY_COLUMNS[1:]]


def _write_keys(frame) -> int:
    """Bulk insert of key rows: COPY on PostgreSQL, executemany elsewhere (the ORM's
    per-value preparation costs minutes at a million rows)."""
    import csv
    import io

    import pandas as pd
    from django.db import connection

    table = MatchKey._meta.db_table
    columns = ", ".join(_COPY_COLUMNS)
    frame = frame.copy()
    frame["dob"] = frame["dob"].dt.strftime("%Y-%m-%d")
    if connection.vendor == "postgresql":
        # A full rebuild: building each index once from sorted data is many times faster than
        # maintaining seven indexes row by row through a million inserts. DDL is transactional
        # here, so a failure leaves the indexes as they were.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE '%%_pkey'",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            # Check the foreign key as rows arrive, so no trigger events are pending when the
            # indexes are built again (PostgreSQL refuses CREATE INDEX then).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC, na_rep="")
        buffer.seek(0)
        connection.ensure_connection()
        raw = connection.connection
        # A quoted empty date is NULL (QUOTE_NONNUMERIC quotes the missing value too).
        statement = (
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NULL (dob, dob_year))"
        )
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return len(frame)
    marks = ", ".join(["%s"] * len(_COPY_COLUMNS))
    rows = [
        tuple(None if (v is pd.NA or (isinstance(v, float) and v != v)) else v for v in row)
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start : start + 20_000]
            )
    return len(rows)


# The person's fields a match key is made from (with the council it is kept within).
KEYED_FIELDS = (
    "authority_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "nhs_number",
    "sex",
)


def refresh_all_keys(*, stdout=None) -> int:
    """Rebuild every key (after a bulk load, or to repair): the register is read in one pass and
    normalised vectorised (the same rules as key_values), then written in batches."""
    import pandas as pd
    from django.db import connection, transaction

    columns = ["pk", *KEYED_FIELDS]
    sql, params = (
        Person.objects.filter(merged_into__isnull=True)
        .order_by()
        .values_list(*columns)
        .query.sql_with_params()
    )
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            chunks.append(pd.DataFrame.from_records(rows, columns=columns))
    with transaction.atomic():
        MatchKey.objects.all().delete()
        if not chunks:
            return 0
        people = pd.concat(chunks, ignore_index=True)
        previous: dict[int, list[str]] = {}
        for person_id, family in PreviousName.objects.values_list("person_id", "family_name"):
            previous.setdefault(person_id, []).append(family)
        prev = people["pk"].map(
            lambda pk: " ".join(sorted({norm_name(n) for n in previous.get(pk, []) if n}))
        )
        frame = build_frame(
            ids=people["pk"],
            given=people["given_name"],
            family=people["family_name"],
            dob=pd.to_datetime(people["date_of_birth"]),
            postcode=people["postcode"],
            nhs=people["nhs_number"],
            sex=people["sex"],
            previous=prev,
        )
        frame["authority_id"] = people["authority_id"].to_numpy()
        dob = frame["dob"]
        years = dob.dt.year
        frame["dob_year"] = years.astype("Int64")
        frame["postcode_sector"] = frame["postcode"].where(frame["postcode"].str.len() >= 5, "")
        frame["postcode_sector"] = frame["postcode_sector"].str[:-2]
        frame["dob_year"] = frame["dob_year"].astype("Int64")
        frame["previous_families"] = frame["previous_families"].fillna("").str[:300]
        total = _write_keys(frame[_COPY_COLUMNS_FRAME])
        if stdout is not None:
            stdout.write(f"Match keys: {total:,}")
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner may scan where the indexes would answer at once.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {MatchKey._meta.db_table}")
            cursor.execute(f"ANALYZE {Person._meta.db_table}")
    return total
