"""Real-time duplicate search for single registration.

CONTRACT (the people part's registration journey and API call this; the matching part owns it):

    search_candidates(*, authority, given_name="", family_name="", date_of_birth=None,
                      postcode="", nhs_number="", sex="", limit=10) -> list[Candidate]

    Candidate: person_id (int), public_id (UUID), score (float, the match weight / probability),
    probability (0-1), fields: dict[str, str] mapping field name -> "agree" | "close" | "differ" |
    "missing", so the page can say which fields agree and which differ.

Runs in the database on indexed candidate queries scored with the trained weights; never loads
the register into memory per query. Merged-away people are never returned.

How: one query on MatchKey ORs the blocking rules below, each served by an index (the person's
given-name family + date of birth, sound-alike family name + date of birth, postcode + date of
birth, postcode + family name, names + year of birth, NHS number; dates of birth are tried as
given and with day and month swapped). On PostgreSQL, when that finds nobody, trigram
similarity (pg_trgm) or double metaphone (fuzzystrmatch) of the family name, among people born
that day, catches spellings the soundex key misses. (A GIN trigram index over all family names was tried first: at 100,000
people one lookup took about 20 ms, four times the whole search's budget, so it was dropped.) The candidates
(at most MAX_CANDIDATES) are scored in Python with the active model's weights.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from familyhub.matching.compare import compare, model_levels, shown
from familyhub.matching.keys import key_values
from familyhub.matching.parameters import active_weights, prior_weight, probability, weights_of

MAX_CANDIDATES = 200


@dataclass
class Candidate:
    person_id: int
    public_id: uuid.UUID
    score: float
    probability: float
    fields: dict[str, str] = field(default_factory=dict)


def _swapped(dob: date) -> date | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return date(dob.year, dob.day, dob.month)
    except ValueError:
        return None


def blocking_rules(keys: dict) -> list[tuple[str, list[Any]]]:
    """The blocking rules the query's fields allow, as (SQL condition, parameters); each is
    served by one index of MatchKey."""
    dobs = [keys["dob"]] if keys["dob"] else []
    if dobs and (swapped := _swapped(dobs[0])) is not None:
        dobs.append(swapped)
    marks = ", ".join(["%s"] * len(dobs))
    rules: list[tuple[str, list[Any]]] = []
    if keys["nhs_number"]:
        rules.append(("nhs_number = %s", [keys["nhs_number"]]))
    if dobs:
        if keys["given_canon"]:
            rules.append((f"given_canon = %s AND dob IN ({marks})", [keys["given_canon"], *dobs]))
        if keys["family_key"]:
            rules.append((f"family_key = %s AND dob IN ({marks})", [keys["family_key"], *dobs]))
        if keys["postcode"]:
            rules.append((f"postcode = %s AND dob IN ({marks})", [keys["postcode"], *dobs]))
    if keys["postcode"] and keys["family_key"]:
        rules.append(("postcode = %s AND family_key = %s", [keys["postcode"], keys["family_key"]]))
    if keys["given_canon"] and keys["family_key"]:
        if keys["dob_year"]:
            year = keys["dob_year"]
            rules.append(
                (
                    "given_canon = %s AND family_key = %s AND dob_year IN (%s, %s, %s)",
                    [keys["given_canon"], keys["family_key"], year - 1, year, year + 1],
                )
            )
        else:
            rules.append(
                ("given_canon = %s AND family_key = %s", [keys["given_canon"], keys["family_key"]])
            )
    return rules


_COLUMNS = (
    "k.person_id, p.public_id, k.given, k.family, k.previous_families, k.dob, k.postcode, "
    "k.nhs_number, k.sex"
)
_NAMES = (
    "person_id",
    "person__public_id",
    "given",
    "family",
    "previous_families",
    "dob",
    "postcode",
    "nhs_number",
    "sex",
)


def _fetch(where: str, params: list[Any], limit: int) -> list[dict[str, Any]]:
    from familyhub.matching.models import MatchKey
    from familyhub.people.models import Person

    sql = (
        f"SELECT {_COLUMNS} FROM {MatchKey._meta.db_table} k "
        f"JOIN {Person._meta.db_table} p ON p.id = k.person_id "
        f"WHERE p.merged_into_id IS NULL AND k.authority_id = %s AND k.person_id IN ({where}) "
        f"LIMIT {int(limit)}"
    )
    if connection.vendor == "postgresql":
        rows = _fetch_prepared(sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    out = []
    for row in rows:
        item = dict(zip(_NAMES, row, strict=True))
        if isinstance(item["dob"], str):  # SQLite returns text
            item["dob"] = date.fromisoformat(item["dob"])
        if not isinstance(item["person__public_id"], uuid.UUID):
            item["person__public_id"] = uuid.UUID(str(item["person__public_id"]))
        out.append(item)
    return out


def _fetch_prepared(sql: str, params: list[Any]) -> list[tuple]:
    """PostgreSQL: a server-side-binding cursor on Django's connection, so psycopg prepares each
    shape of the candidate query once per connection and the planner is not paid per search
    (Django's own cursors bind on the client, which re-plans every statement)."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    with psycopg.Cursor(raw) as cursor:  # type: ignore[arg-type]
        cursor.execute(sql, params, prepare=True)  # type: ignore[arg-type]
        return cursor.fetchall()


def _candidate_rows(authority_id: int, keys: dict) -> list[dict[str, Any]]:
    """One statement: the union of the rules' index lookups, joined to Person to leave out
    merged-away people."""
    from familyhub.matching.models import MatchKey

    rules = blocking_rules(keys)
    if not rules:
        return []
    table = MatchKey._meta.db_table
    union = " UNION ".join(f"SELECT person_id FROM {table} WHERE {sql}" for sql, _ in rules)
    params: list[Any] = [authority_id]
    for _sql, rule_params in rules:
        params.extend(rule_params)
    rows = _fetch(union, params, MAX_CANDIDATES)
    if connection.vendor == "postgresql" and not rows and keys["family"] and keys["dob"]:
        # Nobody found: a family-name spelling the soundex key splits (Thompson / Tomson,
        # Knight / Night), among the few born that day: trigram similarity (pg_trgm) or the
        # same double metaphone (fuzzystrmatch).
        extra = _fetch(
            f"SELECT person_id FROM {table} WHERE dob = %s "
            "AND (family %% %s OR dmetaphone(family) = dmetaphone(%s))",
            [authority_id, keys["dob"], keys["family"], keys["family"]],
            50,
        )
        rows.extend(extra)
    return rows


def score_rows(
    keys: dict,
    rows: list[dict[str, Any]],
    parameters: dict | None = None,
) -> list[Candidate]:
    if parameters is None:
        _parameters, weights, prior = active_weights()
    else:
        weights, prior = weights_of(parameters), prior_weight(parameters)
    out = []
    for row in rows:
        levels = compare(keys, row)
        model = model_levels(levels)
        score = prior + sum(weights[name][level] for name, level in model.items() if level >= 0)
        out.append(
            Candidate(
                person_id=row["person_id"],
                public_id=row["person__public_id"],
                score=round(score, 3),
                probability=round(probability(score), 4),
                fields=shown(levels),
            )
        )
    out.sort(key=lambda c: (-c.score, c.person_id))
    return out


def search_candidates(
    *,
    authority,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    sex: str = "",
    limit: int = 10,
) -> list[Candidate]:
    """The people in `authority` most likely to be the person described, best first."""
    keys = key_values(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        nhs_number=nhs_number,
        sex=sex,
    )
    authority_id = getattr(authority, "pk", authority)
    rows = _candidate_rows(int(authority_id), keys)
    return score_rows(keys, rows)[: max(0, int(limit))]
