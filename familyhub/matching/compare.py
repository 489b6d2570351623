"""Comparison levels, shared by real-time search (Python, here) and the batch engine (the same
rules written in SQL in batch.py). Each comparison returns a level index, or -1 for missing.

The level names are the Fellegi-Sunter model's: parameters.py holds m and u per level.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import jellyfish

from familyhub.people.nicknames import are_variants, canonical

YEAR_TYPO = 10  # a year this far out, with day and month right, may be a typo
CLOSE_NAME = 0.88  # Jaro-Winkler at or above this is a near spelling (typo, transposition)

LEVELS: dict[str, tuple[str, ...]] = {
    "given": ("exact", "nickname", "close", "else"),
    "family": ("exact", "close", "previous", "else"),
    "dob": ("exact", "swapped", "one_part", "else"),
    "postcode": ("exact", "sector", "district", "else"),
    "nhs": ("agree", "disagree"),
    "sex": ("agree", "disagree"),
}

# How each level reads on the page: agree / close / differ.
SHOWN: dict[str, tuple[str, ...]] = {
    "given": ("agree", "close", "close", "differ"),
    "family": ("agree", "close", "close", "differ"),
    "dob": ("agree", "close", "close", "differ"),
    "postcode": ("agree", "close", "close", "differ"),
    "nhs": ("agree", "differ"),
    "sex": ("agree", "differ"),
}

# The names the search contract uses for each comparison.
FIELD_NAMES = {
    "given": "given_name",
    "family": "family_name",
    "dob": "date_of_birth",
    "postcode": "postcode",
    "nhs": "nhs_number",
    "sex": "sex",
}


def given_level(a: str, b: str) -> int:
    if not a or not b:
        return -1
    if a == b:
        return 0
    if canonical(a) == canonical(b) or are_variants(a, b):
        return 1
    if jellyfish.jaro_winkler_similarity(a, b) >= CLOSE_NAME:
        return 2
    return 3


def family_level(a: str, b: str, previous_a: str = "", previous_b: str = "") -> int:
    if not a or not b:
        return -1
    if a == b:
        return 0
    if jellyfish.jaro_winkler_similarity(a, b) >= CLOSE_NAME:
        return 1
    if (previous_b and a in previous_b.split()) or (previous_a and b in previous_a.split()):
        return 2
    return 3


def dob_level(a: date | None, b: date | None) -> int:
    if a is None or b is None:
        return -1
    if a == b:
        return 0
    if a.day == b.month and a.month == b.day and a.year == b.year:
        return 1
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    # One part wrong is a typo, unless it is the year and decades apart: a parent and a child
    # born on the same day of the year are different people.
    if same == 2 and abs(a.year - b.year) <= YEAR_TYPO:
        return 2
    return 3


def postcode_level(a: str, b: str) -> int:
    """Compact postcodes (no space)."""
    if not a or not b:
        return -1
    if a == b:
        return 0
    if len(a) >= 5 and a[:-2] == b[:-2]:
        return 1
    if len(a) >= 5 and a[:-3] == b[:-3]:
        return 2
    return 3


def exact_level(a: str, b: str) -> int:
    if not a or not b:
        return -1
    return 0 if a == b else 1


def compare(query: dict, candidate: dict) -> dict[str, int]:
    """Level per comparison for two key dicts (keys.key_values shape)."""
    return {
        "given": given_level(query["given"], candidate["given"]),
        "family": family_level(
            query["family"],
            candidate["family"],
            query.get("previous_families", ""),
            candidate.get("previous_families", ""),
        ),
        "dob": dob_level(query["dob"], candidate["dob"]),
        "postcode": postcode_level(query["postcode"], candidate["postcode"]),
        "nhs": exact_level(query["nhs_number"], candidate["nhs_number"]),
        "sex": exact_level(query["sex"], candidate["sex"]),
    }


# The model's comparisons. Names, date of birth and postcode form one joint comparison
# ("identity", 5 x 5 x 5 x 5 levels, missing counted as a level): people at one address share a
# surname and a postcode, twins share a birthday too, a parent and child may share every name,
# so these fields are far from independent among the pairs that are not one person. A joint
# comparison learns, for example, that a different given name with the same birthday, surname and
# address is a twin, not a typo. NHS number and sex stay separate comparisons.
JOINT: dict[str, tuple[str, ...]] = {"identity": ("given", "dob", "family", "postcode")}
MODEL_COMPARISONS: tuple[str, ...] = ("identity", "nhs", "sex")


def model_size(name: str) -> int:
    if name in JOINT:
        size = 1
        for part in JOINT[name]:
            size *= len(LEVELS[part]) + 1
        return size
    return len(LEVELS[name])


def joint_index(name: str, levels: dict) -> Any:
    """Mixed-radix index of a joint comparison's level (works on ints and numpy arrays)."""
    index: Any = 0
    for part in JOINT[name]:
        index = index * (len(LEVELS[part]) + 1) + (levels[part] + 1)
    return index


def model_levels(levels: dict[str, int]) -> dict[str, int]:
    """Field levels -> the model's comparison levels (-1 = missing, for nhs and sex only)."""
    return {
        name: joint_index(name, levels) if name in JOINT else levels[name]
        for name in MODEL_COMPARISONS
    }


def shown(levels: dict[str, int]) -> dict[str, str]:
    """Levels as the page shows them, keyed by the contract's field names."""
    return {
        FIELD_NAMES[name]: ("missing" if level < 0 else SHOWN[name][level])
        for name, level in levels.items()
    }
