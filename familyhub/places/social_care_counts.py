"""Children in need and on child protection plans by area: a council's own counts (the snapshot
it makes for the Children in Need census), loaded into its areas for the needs analysis.

The file: a header, then a row per area with `area_code` (the ward or LSOA code the council's
areas use), `children_in_need` and `child_protection_plans` (whole numbers, blank where not
known) and optionally `as_at` (the snapshot date). Every row is checked before anything is
written; a bad value is reported by row and column and that row is left out; the others load.
Areas the file does not name keep their counts.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from familyhub.core.csvfiles import CsvRow, Problems, open_csv, usable
from familyhub.places.models import Area, Authority

REQUIRED = ["area_code", "children_in_need", "child_protection_plans"]


def load_social_care_counts(path: Path | str, *, authority: Authority, problems: Problems) -> int:
    """Load the counts; returns how many areas were updated. Raises CsvError when the file
    cannot be read or lacks a column."""
    areas = {area.code.lower(): area for area in Area.objects.filter(authority=authority)}

    def parse(row: CsvRow) -> tuple[Area, int | None, int | None, datetime.date | None]:
        code = row.text("area_code")
        area = areas.get(code.lower())
        if area is None:
            raise row.left_out("area_code", f"'{code[:40]}' is not one of the council's areas.")
        need = row.integer("children_in_need", minimum=0)
        plans = row.integer("child_protection_plans", minimum=0)
        if need is not None and plans is not None and plans > need:
            raise row.left_out(
                "child_protection_plans",
                f"{plans} children on plans is more than the {need} children in need "
                "(a child on a plan is a child in need).",
            )
        return area, need, plans, row.date("as_at") if "as_at" in row.values else None

    with open_csv(path, required=REQUIRED, problems=problems) as rows:
        parsed = list(usable(rows, parse))
    with transaction.atomic():
        for area, need, plans, as_at in parsed:
            area.children_in_need = need
            area.child_protection_plans = plans
            area.social_care_counts_as_at = as_at
            area.save(
                update_fields=[
                    "children_in_need",
                    "child_protection_plans",
                    "social_care_counts_as_at",
                ]
            )
    return len(parsed)
