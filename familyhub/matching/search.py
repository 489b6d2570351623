"""Real-time duplicate search for single registration.

CONTRACT (the people part's registration journey and API call this; the matching part owns it):

    search_candidates(*, authority, given_name="", family_name="", date_of_birth=None,
                      postcode="", nhs_number="", sex="", limit=10) -> list[Candidate]

    Candidate: person_id (int), public_id (UUID), score (float, the match weight / probability),
    probability (0-1), fields: dict[str, str] mapping field name -> "agree" | "close" | "differ" |
    "missing", so the page can say which fields agree and which differ.

Runs in the database on indexed candidate queries scored with the trained weights; never loads
the register into memory per query. Merged-away people are never returned.

How: one statement on MatchKey ORs the blocking rules below, each served by an index (the
person's given-name family + date of birth, sound-alike family name + date of birth, postcode +
date of birth, postcode + family name, names + year of birth, NHS number; dates of birth are
tried as given and with day and month swapped). PostgreSQL answers the OR with a BitmapOr of
those indexes, so each candidate's key row is read once. On PostgreSQL each shape of the
statement (which rules the query's fields allow) is prepared once per connection and, after
PostgreSQL's first few custom plans, not planned again (planning cost more than running it).
On PostgreSQL, when that finds nobody, trigram similarity (pg_trgm) or double metaphone
(fuzzystrmatch) of the family name, among people born that day, catches spellings the soundex
key misses. (A GIN trigram index over all family names was tried first: at 100,000 people one
lookup took about 20 ms, four times the whole search's budget, so it was dropped.) The
candidates (at most MAX_CANDIDATES) are scored in Python with the active model's weights; only
the best `limit` become Candidates.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from familyhub.matching.compare import compare, model_levels, shown
from familyhub.matching.keys import key_values
from familyhub.matching.models import MatchKey
from familyhub.matching.parameters import active_weights, prior_weight, probability, weights_of
from familyhub.people.models import Person

MAX_CANDIDATES = 200
FALLBACK_CANDIDATES = 50


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


_FALLBACK = (
    "k.dob = %(dob)s AND (k.family %% %(family)s OR dmetaphone(k.family) = dmetaphone(%(family)s))"
)

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


def blocking_rules(keys: dict) -> list[str]:
    """The blocking rules the query's fields allow, as SQL conditions on MatchKey `k` with
    parameters named as in rule_parameters(); each is served by one index of MatchKey.

    Only the rules that apply are written: a rule switched off with a NULL instead would make
    PostgreSQL plan the prepared statement afresh every time (a plan for the NULL values costs
    less than the generic one), and the planning is the slow part of a search."""
    dobs = "%(dob)s, %(dob_swapped)s" if keys["dob"] and _swapped(keys["dob"]) else "%(dob)s"
    born = f"k.dob IN ({dobs})"
    rules: list[str] = []
    if keys["nhs_number"]:
        rules.append("k.nhs_number = %(nhs_number)s")
    if keys["dob"]:
        if keys["given_canon"]:
            rules.append(f"(k.given_canon = %(given_canon)s AND {born})")
        if keys["family_key"]:
            rules.append(f"(k.family_key = %(family_key)s AND {born})")
        if keys["postcode"]:
            rules.append(f"(k.postcode = %(postcode)s AND {born})")
    if keys["postcode"] and keys["family_key"]:
        rules.append("(k.postcode = %(postcode)s AND k.family_key = %(family_key)s)")
    if keys["given_canon"] and keys["family_key"]:
        names = "k.given_canon = %(given_canon)s AND k.family_key = %(family_key)s"
        if keys["dob_year"]:
            names += " AND k.dob_year BETWEEN %(year_before)s AND %(year_after)s"
        rules.append(f"({names})")
    return rules


def rule_parameters(keys: dict, authority_id: int) -> dict[str, Any]:
    dob = keys["dob"]
    year = keys["dob_year"]
    return {
        "authority": authority_id,
        "nhs_number": keys["nhs_number"],
        "given_canon": keys["given_canon"],
        "family_key": keys["family_key"],
        "postcode": keys["postcode"],
        "dob": dob,
        "dob_swapped": _swapped(dob) if dob else None,
        "year_before": year - 1 if year else None,
        "year_after": year + 1 if year else None,
    }


def _statement(condition: str, limit: int) -> str:

    return (
        f"SELECT {_COLUMNS} FROM {MatchKey._meta.db_table} k "
        f"JOIN {Person._meta.db_table} p ON p.id = k.person_id "
        f"WHERE p.merged_into_id IS NULL AND k.authority_id = %(authority)s AND {condition} "
        f"LIMIT {int(limit)}"
    )


# Statement texts by rule set, built once per process: the same text every time is what lets
# PostgreSQL reuse its prepared plan. There are a few dozen rule sets at most.
_STATEMENTS: dict[tuple[str, ...], str] = {}


def _rules_statement(rules: list[str]) -> str:
    key = tuple(rules)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _statement("(" + " OR ".join(rules) + ")", MAX_CANDIDATES)
    return _STATEMENTS[key]


def _fallback_statement() -> str:
    key = ("fallback",)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _statement(_FALLBACK, FALLBACK_CANDIDATES)
    return _STATEMENTS[key]


def _fetch(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
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


def _fetch_prepared(sql: str, params: dict[str, Any]) -> list[tuple]:
    """PostgreSQL: a server-side-binding cursor on Django's connection, with the statement
    prepared once per connection (protocol-level, so PgBouncer 1.21+ can carry it too).

    Django opens psycopg connections with prepare_threshold=None, which turns preparing off for
    every cursor, even when asked with prepare=True; the threshold is set here for this one
    statement only, so Django's own (client-binding, never prepared) statements are untouched."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold  # type: ignore[union-attr]
    raw.prepare_threshold = 0  # type: ignore[union-attr]
    try:
        with psycopg.Cursor(raw) as cursor:  # type: ignore[arg-type]
            cursor.execute(sql, params, prepare=True)  # type: ignore[arg-type]
            return cursor.fetchall()
    finally:
        raw.prepare_threshold = threshold  # type: ignore[union-attr]


def _candidate_rows(authority_id: int, keys: dict) -> list[dict[str, Any]]:
    """One statement: the rules' index lookups ORed, joined to Person for the public id and to
    leave out merged-away people."""
    rules = blocking_rules(keys)
    if not rules:
        return []
    rows = _fetch(_rules_statement(rules), rule_parameters(keys, authority_id))
    if connection.vendor == "postgresql" and not rows and keys["family"] and keys["dob"]:
        # Nobody found: a family-name spelling the soundex key splits (Thompson / Tomson,
        # Knight / Night), among the few born that day: trigram similarity (pg_trgm) or the
        # same double metaphone (fuzzystrmatch).
        fallback = {"authority": authority_id, "dob": keys["dob"], "family": keys["family"]}
        rows.extend(_fetch(_fallback_statement(), fallback))
    return rows


def score_rows(
    keys: dict,
    rows: list[dict[str, Any]],
    parameters: dict | None = None,
    limit: int | None = None,
) -> list[Candidate]:
    """The rows as Candidates, best first (score, then person id); with `limit`, only the best
    that many are built (the per-field labels are not worth making for the rest)."""
    if parameters is None:
        _parameters, weights, prior = active_weights()
    else:
        weights, prior = weights_of(parameters), prior_weight(parameters)
    scored = []
    for row in rows:
        levels = compare(keys, row)
        model = model_levels(levels)
        score = prior + sum(weights[name][level] for name, level in model.items() if level >= 0)
        scored.append((-round(score, 3), row["person_id"], score, levels, row))
    scored.sort(key=lambda item: (item[0], item[1]))
    if limit is not None:
        scored = scored[: max(0, limit)]
    return [
        Candidate(
            person_id=person_id,
            public_id=row["person__public_id"],
            score=-negative,
            probability=round(probability(score), 4),
            fields=shown(levels),
        )
        for negative, person_id, score, levels, row in scored
    ]


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
    return score_rows(keys, rows, limit=max(0, int(limit)))
