"""Reading a site network problem from CSV files shaped like a council's ward and centre tables.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
Every error names the file, the row and the column, so a planner can fix the file and rerun.
Files are read by familyhub.core.csvfiles (RFC 4180). Given `problems`, a number that cannot be
used is read as missing and a row without its name is left out, each recorded there, and the
file goes on; without it the first one stops the read.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from familyhub.core.csvfiles import CsvError, CsvRow, Problems, open_csv, read_header, usable
from familyhub.planning.needs import score_areas
from familyhub.planning.optimiser import AreaInput, SiteInput

# our name -> the column names a council's file may use for it (first found wins)
AREA_COLUMNS = {
    "name": ["ward", "area", "name"],
    "locality": ["locality"],
    "centre": ["centre", "site"],
    "imd": ["imd_rank"],
    "idaci": ["idaci_rank"],
    "child_poverty": ["children_in_poverty_rate", "child_poverty_rate"],
    "unemployment": ["unemployment_rate"],
    "low_birth_weight": ["low_birth_weight_rate"],
    "excess_weight_reception": ["excess_weight_reception_rate"],
    "under_fives": ["population_0_4", "under_fives", "children_under_5"],
    "latitude": ["lat", "latitude"],
    "longitude": ["lon", "lng", "longitude"],
}
SITE_COLUMNS = {
    "name": ["centre", "site", "name"],
    "locality": ["locality"],
    "kind": ["kind"],
    "cost": ["annual_cost", "cost", "annual_cost_gbp"],
    "reach_under_fives": ["reach_under_fives"],
    "latitude": ["lat", "latitude"],
    "longitude": ["lon", "lng", "longitude"],
}
NUMERIC = {
    "imd",
    "idaci",
    "child_poverty",
    "unemployment",
    "low_birth_weight",
    "excess_weight_reception",
    "under_fives",
    "latitude",
    "longitude",
    "cost",
    "reach_under_fives",
    "minutes",
}


class CsvInputError(CsvError):
    """A planning file that cannot be used; `row` 0 and `column` "-" mean the whole file."""

    def __init__(self, path: Path | str, row: int | None, column: str | None, message: str):
        super().__init__(path, message, row=row or None, column=None if column == "-" else column)


def _read(
    path: Path,
    columns: dict[str, list[str]],
    required: list[str],
    problems: Problems | None = None,
) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise CsvInputError(path, 0, "-", "the file does not exist")
    try:
        header = read_header(path)
        found: dict[str, str] = {}
        for key, names in columns.items():
            for name in names:
                if name in header:
                    found[key] = name
                    break
        for key in required:
            if key not in found:
                raise CsvInputError(
                    path,
                    1,
                    columns[key][0],
                    f"the column is missing (the header has: {', '.join(header) or 'nothing'})",
                )

        def parse(csv_row: CsvRow) -> dict:
            row: dict = {"_row": csv_row.number}
            for key, column in found.items():
                needed = key in required
                if needed and not csv_row.text(column, required=False):
                    raise csv_row.left_out(column, "this is blank")
                if key in NUMERIC:
                    row[key] = csv_row.real(column, required=needed)
                else:
                    row[key] = csv_row.text(column, required=False)
            return row

        with open_csv(path, required=[], problems=problems) as csv_rows:
            rows = list(usable(csv_rows, parse))
    except CsvInputError:
        raise
    except CsvError as error:
        raise CsvInputError(path, error.row, error.column, error.message) from None
    if not rows:
        why = [str(p) for p in problems[:3]] if problems else []
        raise CsvInputError(
            path, 2, "-", "; ".join(["the file has no rows that can be used", *why])
        )
    return rows


def read_travel_times(
    path: Path, *, problems: Problems | None = None
) -> dict[tuple[str, str], float]:
    rows = _read(
        path,
        {"area": ["ward", "area"], "site": ["centre", "site"], "minutes": ["minutes"]},
        ["area", "site", "minutes"],
        problems,
    )
    return {(r["area"], r["site"]): r["minutes"] for r in rows}


def read_site_problem(
    areas_path: Path,
    sites_path: Path,
    *,
    weights: dict[str, float] | None = None,
    problems: Problems | None = None,
) -> tuple[list[AreaInput], list[SiteInput], dict, list[str]]:
    """Areas and sites from the two files, with each area's need score and need-weighted population.

    Returns (areas, sites, needs analysis, notes about how the figures were made). With
    `problems`, the values and rows that could not be used are recorded there (for the caller
    to show: they change the figures) and the files go on.
    """
    site_rows = _read(sites_path, SITE_COLUMNS, ["name", "locality"], problems)
    area_rows = _read(areas_path, AREA_COLUMNS, ["name", "locality"], problems)
    has_area_coords = all(
        r.get("latitude") is not None and r.get("longitude") is not None for r in area_rows
    )
    site_names: dict[str, dict] = {}
    for r in site_rows:
        if r["name"] in site_names:
            raise CsvInputError(
                sites_path, r["_row"], SITE_COLUMNS["name"][0], "a second site with this name"
            )
        site_names[r["name"]] = r
    localities = {r["locality"] for r in site_rows}
    seen_areas: set[str] = set()
    centre_column = _column_name(areas_path, AREA_COLUMNS["centre"])
    for r in area_rows:
        if r["name"] in seen_areas:
            raise CsvInputError(
                areas_path, r["_row"], AREA_COLUMNS["name"][0], "a second area with this name"
            )
        seen_areas.add(r["name"])
        if r["locality"] not in localities:
            raise CsvInputError(
                areas_path,
                r["_row"],
                "locality",
                f"unknown locality {r['locality']!r}: the sites file has "
                f"{', '.join(sorted(localities))}",
            )
        centres = [c.strip() for c in (r.get("centre") or "").split(";") if c.strip()]
        if not centres and not has_area_coords:
            raise CsvInputError(
                areas_path,
                r["_row"],
                centre_column or "centre",
                "no centre named, and there are no coordinates to work coverage out from",
            )
        for centre in centres:
            if centre not in site_names:
                raise CsvInputError(
                    areas_path,
                    r["_row"],
                    centre_column or "centre",
                    f"unknown centre {centre!r}: it is not in {Path(sites_path).name}",
                )
        r["serving"] = centres

    notes = []
    if all(r.get("under_fives") is not None for r in area_rows):
        population = {r["name"]: r["under_fives"] for r in area_rows}
        notes.append("Population: children under five from the areas file.")
    elif all(
        site_names[c].get("reach_under_fives") is not None for r in area_rows for c in r["serving"]
    ) and all(r["serving"] for r in area_rows):
        served: dict[str, int] = defaultdict(int)
        for r in area_rows:
            for c in r["serving"]:
                served[c] += 1
        population = {
            r["name"]: sum(site_names[c]["reach_under_fives"] / served[c] for c in r["serving"])
            for r in area_rows
        }
        for r in area_rows:
            r["under_fives"] = population[r["name"]]
        notes.append(
            "Population: the areas file has no under-five counts, so each centre's reach "
            "(under-fives) is split equally among the areas it serves."
        )
    else:
        population = {r["name"]: 1.0 for r in area_rows}
        notes.append("Population: no counts given, so every area counts as 1 (need only).")
    needs = score_areas(area_rows, weights)
    need_by_name = {a["name"]: a["score"] for a in needs["areas"]}
    areas = [
        AreaInput(
            name=r["name"],
            locality=r["locality"],
            population=population[r["name"]],
            need=need_by_name[r["name"]],
            weight=population[r["name"]] * need_by_name[r["name"]] / 100,
            serving_sites=r["serving"],
            latitude=r.get("latitude"),
            longitude=r.get("longitude"),
        )
        for r in area_rows
    ]
    sites = [
        SiteInput(
            name=r["name"],
            locality=r["locality"],
            kind=r.get("kind") or "centre",
            cost=r.get("cost") or 0.0,
            latitude=r.get("latitude"),
            longitude=r.get("longitude"),
        )
        for r in site_rows
    ]
    notes.append(
        "Need-weighted population = population x need score / 100 (need score 0-100, see needs)."
    )
    return areas, sites, needs, notes


def _column_name(path: Path, names: list[str]) -> str | None:
    try:
        header = read_header(path)
    except CsvError:
        return None
    return next((n for n in names if n in header), None)
