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
given and with day and month swapped). On PostgreSQL, when that finds few people, a trigram
query on the family name (pg_trgm) catches spellings the sound-alike code misses. The candidates
(at most MAX_CANDIDATES) are scored in Python with the active model's weights.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q

from familyhub.matching.compare import compare, model_levels, shown
from familyhub.matching.keys import key_values
from familyhub.matching.parameters import active_weights, prior_weight, probability, weights_of

MAX_CANDIDATES = 200
_VALUES = (
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


def blocking_filter(keys: dict) -> Q | None:
    """The OR of every blocking rule the query's fields allow; None when they allow none."""
    dobs = [keys["dob"]] if keys["dob"] else []
    if dobs and (swapped := _swapped(dobs[0])) is not None:
        dobs.append(swapped)
    rules: list[Q] = []
    if keys["nhs_number"]:
        rules.append(Q(nhs_number=keys["nhs_number"]))
    if dobs:
        if keys["given_canon"]:
            rules.append(Q(given_canon=keys["given_canon"], dob__in=dobs))
        if keys["family_key"]:
            rules.append(Q(family_key=keys["family_key"], dob__in=dobs))
        if keys["postcode"]:
            rules.append(Q(postcode=keys["postcode"], dob__in=dobs))
    if keys["postcode"] and keys["family_key"]:
        rules.append(Q(postcode=keys["postcode"], family_key=keys["family_key"]))
    if keys["given_canon"] and keys["family_key"]:
        if keys["dob_year"]:
            year = keys["dob_year"]
            rules.append(
                Q(
                    given_canon=keys["given_canon"],
                    family_key=keys["family_key"],
                    dob_year__in=[year - 1, year, year + 1],
                )
            )
        else:
            rules.append(Q(given_canon=keys["given_canon"], family_key=keys["family_key"]))
    if not rules:
        return None
    combined = rules[0]
    for rule in rules[1:]:
        combined |= rule
    return combined


def _candidate_rows(authority_id: int, keys: dict) -> list[dict[str, Any]]:
    from familyhub.matching.models import MatchKey

    rules = blocking_filter(keys)
    if rules is None:
        return []
    base = MatchKey.objects.filter(authority_id=authority_id, person__merged_into__isnull=True)
    rows = list(base.filter(rules).values(*_VALUES)[:MAX_CANDIDATES])
    if connection.vendor == "postgresql" and len(rows) < 5 and keys["family"] and keys["dob_year"]:
        # A family-name spelling the sound-alike code splits (Thompson / Tomson), born that year.
        seen = {row["person_id"] for row in rows}
        extra = base.filter(
            family__trigram_similar=keys["family"], dob_year=keys["dob_year"]
        ).values(*_VALUES)[:50]
        rows.extend(row for row in extra if row["person_id"] not in seen)
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
