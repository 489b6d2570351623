"""UK postcode validation and normalisation."""

from __future__ import annotations

import re

# The outward code, then one space, then the inward code (BS 7666 shape).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(raw: str) -> str | None:
    """'rm175dq ' -> 'RM17 5DQ'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = _POSTCODE.match(compact)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def is_valid_postcode(raw: str) -> bool:
    return normalise_postcode(raw) is not None
