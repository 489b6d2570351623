"""Form data for tests: a date as the GOV.UK date input posts it (three boxes)."""

from __future__ import annotations

import datetime

from familyhub.core.forms import DATE_PARTS, GovukDateInput


def date_fields(name: str, value: datetime.date | str) -> dict[str, str]:
    """{name_day, name_month, name_year} for a date, or for text such as "27/3/2019"."""
    parts = GovukDateInput().decompress(value) if value else ["", "", ""]
    return {f"{name}_{part}": str(text or "") for part, text in zip(DATE_PARTS, parts, strict=True)}
