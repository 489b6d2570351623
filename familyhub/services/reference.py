"""Load a borough's reference data from CSV files shaped like the published figures in
familyhub/places/data/reference/thurrock_*.csv: wards (with their centre and locality), centres
and services. It lives in services because it creates services as well as places.

Everything loads in one transaction. A file that cannot be read (absent, not UTF-8, a column
missing) stops the load with a message naming the file, row and column, and nothing is
half-loaded. Given `problems`, a value that cannot be used (text in a number column, a rate above
1) is read as missing and a row without a name is left out, each recorded with its row, column
and value, and the load goes on; without it the first such value stops the load. Re-loading the
same files updates rows in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from familyhub.core.csvfiles import CsvError, CsvRow, Problems, open_csv, usable
from familyhub.places.models import Area, AreaKind, Authority, Locality, Site, SiteKind, SiteStatus
from familyhub.services.models import Service, ServiceKind

WARD_COLUMNS = ["ward", "centre", "locality", "idaci_rank", "imd_rank"]
CENTRE_COLUMNS = ["centre", "locality"]
SERVICE_COLUMNS = ["service", "commissioner", "provider"]

# When a wards file has no population columns, the under-fives a centre reaches (2011 census, in
# the centres file) are shared among the wards it serves, and the other age bands follow the
# England age profile (ONS mid-year estimates: about 6.2% of people are 0-4, 7.4% 5-10,
# 5.9% 11-15 and 4.7% 16-19).
_BAND_RATIO_TO_UNDER_FIVES = {"5_10": 7.4 / 6.2, "11_15": 5.9 / 6.2, "16_19": 4.7 / 6.2}
_UNDER_FIVE_SHARE = 0.062


@dataclass
class LoadReport:
    localities: int = 0
    areas: int = 0
    sites: int = 0
    services: int = 0
    notes: list[str] = field(default_factory=list)


def _find(directory: Path, word: str, prefix: str = "") -> Path | None:
    """The CSV whose name contains `word`, preferring the same prefix as the wards file
    (thurrock_wards.csv goes with thurrock_centres.csv, not sefton_centres.csv)."""
    matches = sorted(directory.glob(f"{prefix}*{word}*.csv")) or sorted(
        directory.glob(f"*{word}*.csv")
    )
    return matches[0] if matches else None


def _service_kind(name: str) -> str:
    lowered = name.lower()
    for words, kind in (
        (("health visiting", "0-5"), ServiceKind.HEALTH_VISITING),
        (("school nursing", "5-19"), ServiceKind.SCHOOL_NURSING),
        (("children's centre", "family hub"), ServiceKind.FAMILY_HUB),
        (("early help", "early offer"), ServiceKind.EARLY_HELP),
        (("front door", "mash"), ServiceKind.FRONT_DOOR),
        (("social care",), ServiceKind.SOCIAL_CARE),
    ):
        if any(word in lowered for word in words):
            return kind
    return ServiceKind.COMMISSIONED


@transaction.atomic
def load_reference(
    directory: Path | str, *, authority: Authority, problems: Problems | None = None
) -> LoadReport:
    """Load the folder's wards, centres and services. With `problems`, unusable values and
    rows are recorded there and the load goes on (see the module's docstring)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CsvError(directory, "is not a folder of reference CSV files.")
    wards = _find(directory, "wards")
    if wards is None:
        raise CsvError(directory, "has no wards file (a CSV whose name contains 'wards').")
    prefix = wards.name.split("wards")[0]
    report = LoadReport()
    centres = _load_centres(_find(directory, "centres", prefix), authority, report, problems)
    _load_wards(wards, authority, centres, report, problems)
    services = _find(directory, "services", prefix)
    if services is not None:
        _load_services(services, authority, report, problems)
    return report


def _locality(authority: Authority, name: str, cache: dict[str, Locality]) -> Locality:
    if name not in cache:
        cache[name], _ = Locality.objects.get_or_create(authority=authority, name=name)
    return cache[name]


def _load_centres(
    path: Path | None, authority: Authority, report: LoadReport, problems: Problems | None
) -> dict[str, dict[str, Any]]:
    """Centres become family hub sites; returns their reach figures by name for the wards."""
    if path is None:
        return {}
    localities: dict[str, Locality] = {}
    centres: dict[str, dict[str, Any]] = {}

    def parse(row: CsvRow) -> None:
        name = row.text("centre")
        if name in centres:
            raise row.left_out("centre", f"'{name}' appears twice.")
        locality_name = row.text("locality")
        grade = row.integer("ofsted_grade", minimum=1)
        if grade is not None and grade > 4:
            row.unusable(
                "ofsted_grade", f"{grade} is not a grade: 1 (outstanding) to 4 (inadequate)."
            )
            grade = None
        locality = _locality(authority, locality_name, localities)
        site, _ = Site.objects.update_or_create(
            authority=authority,
            name=name,
            defaults={
                "kind": SiteKind.FAMILY_HUB,
                "status": SiteStatus.OPEN,
                "locality": locality,
                "ofsted_grade": grade,
            },
        )
        centres[name] = {
            "site": site,
            "locality": locality,
            "reach_families": row.integer("reach_families", minimum=0) or 0,
            "reach_under_fives": row.integer("reach_under_fives", minimum=0) or 0,
            "row": row.number,
        }

    with open_csv(path, required=CENTRE_COLUMNS, problems=problems) as rows:
        for _ in usable(rows, parse):
            pass
    report.sites = len(centres)
    report.localities += len(localities)
    return centres


def _load_wards(
    path: Path,
    authority: Authority,
    centres: dict[str, dict],
    report: LoadReport,
    problems: Problems | None,
) -> None:
    localities: dict[str, Locality] = {}

    def parse(row: CsvRow) -> dict[str, Any]:
        name = row.text("ward")
        centre = row.text("centre", required=False)
        if centres and centre and centre not in centres:
            row.unusable("centre", f"'{centre}' is not in the centres file.")
            centre = ""
        locality_name = row.text("locality")
        return {
            "row": row,
            "name": name,
            "code": row.text("code", required=False) or slugify(name),
            "centre": centre,
            "locality": _locality(authority, locality_name, localities),
            "imd_rank": row.integer("imd_rank", minimum=1),
            "idaci_rank": row.integer("idaci_rank", minimum=1),
            "rates": {
                "child_poverty_rate": row.real("children_in_poverty_rate", minimum=0, maximum=1),
                "unemployment_rate": row.real("unemployment_rate", minimum=0, maximum=1),
                "low_birth_weight_rate": row.real("low_birth_weight_rate", minimum=0, maximum=1),
                "excess_weight_reception_rate": row.real(
                    "excess_weight_reception_rate", minimum=0, maximum=1
                ),
            },
            "population_0_4": row.integer("population_0_4", minimum=0),
        }

    with open_csv(path, required=WARD_COLUMNS, problems=problems) as rows:
        parsed = list(usable(rows, parse))
    if not parsed:
        raise CsvError(path, "has no wards in it.")
    # Ranks in a ward table are among the borough's own wards; a rural ward may be missing, so
    # the decile is read against the highest rank given, not the number of rows.
    highest_rank = max((ward["imd_rank"] for ward in parsed if ward["imd_rank"]), default=0)
    wards_per_centre: dict[str, int] = {}
    for ward in parsed:
        wards_per_centre[ward["centre"]] = wards_per_centre.get(ward["centre"], 0) + 1
    estimated = False
    for ward in parsed:
        served_by: dict[str, Any] | None = centres.get(ward["centre"])
        share = 1 / wards_per_centre[ward["centre"]]
        under_fives = ward["population_0_4"]
        families = None
        if under_fives is None:
            estimated = True
            under_fives = round((served_by["reach_under_fives"] if served_by else 0) * share)
            families = round((served_by["reach_families"] if served_by else 0) * share)
        if families is None:
            families = round(under_fives * 0.78)
        area, _ = Area.objects.update_or_create(
            authority=authority,
            code=ward["code"],
            defaults={
                "name": ward["name"],
                "kind": AreaKind.WARD,
                "locality": ward["locality"],
                "imd_rank": ward["imd_rank"],
                "imd_decile": min(10, math.ceil(ward["imd_rank"] * 10 / highest_rank))
                if ward["imd_rank"]
                else None,
                "idaci_rank": ward["idaci_rank"],
                **ward["rates"],
                "population_0_4": under_fives,
                "population_5_10": round(under_fives * _BAND_RATIO_TO_UNDER_FIVES["5_10"]),
                "population_11_15": round(under_fives * _BAND_RATIO_TO_UNDER_FIVES["11_15"]),
                "population_16_19": round(under_fives * _BAND_RATIO_TO_UNDER_FIVES["16_19"]),
                "population_total": round(under_fives / _UNDER_FIVE_SHARE),
                "families_with_under_fives": families,
            },
        )
        if served_by:
            site: Site = served_by["site"]
            site.reach_areas.add(area)
            if site.area_id is None:
                site.area = area
                site.save(update_fields=["area"])
    report.areas = len(parsed)
    report.localities += len(localities)
    if estimated:
        report.notes.append(
            "Ward populations were estimated from the centres' reach (2011 census) and the England "
            "age profile, because the wards file has no population columns."
        )


def _load_services(
    path: Path, authority: Authority, report: LoadReport, problems: Problems | None
) -> None:
    def parse(row: CsvRow) -> None:
        name = row.text("service")
        cost = row.real("cost_2016_17_gbp", minimum=0)
        Service.objects.update_or_create(
            authority=authority,
            name=name,
            defaults={
                "kind": _service_kind(name),
                "commissioner": row.text("commissioner", required=False),
                "provider": row.text("provider", required=False),
                "main_location": row.text("main_location", required=False),
                "part_of": row.text("part_of", required=False),
                "contract_value": None if cost is None else Decimal(str(cost)),
            },
        )
        report.services += 1

    with open_csv(path, required=SERVICE_COLUMNS, problems=problems) as rows:
        for _ in usable(rows, parse):
            pass
