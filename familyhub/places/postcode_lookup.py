"""The postcode -> area lookup, loaded from a file shaped like the ONS National Statistics
Postcode Lookup (ONSPD), and the demo borough's synthetic version of it.

    load_postcode_lookup(path, authority=..., problems=Problems()) -> rows loaded
    area_for_postcode("rm17 5dq") -> Area | None

ONSPD names its columns by edition (the ward column is `osward` in the classic layout and
`wd21cd`, `wd22cd`, ... in later ones), so each role accepts the common names. A national file
can be loaded as it is: rows whose local authority column names another council are skipped,
and so are terminated postcodes (a `doterm` date).

Given `problems`, a row whose postcode is not a UK postcode, whose ward is not one of the
council's or whose postcode came earlier in the file is left out, and a coordinate outside the
United Kingdom is read as missing, each recorded with its row, column and value; the rest loads.
A file where more than half the rows cannot be used is the wrong file, and nothing is loaded.
Without `problems` the first such row stops the load (up to ten are named).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from familyhub.core.csvfiles import CsvError, CsvRow, Problem, Problems, open_csv, read_header
from familyhub.core.exports import write_csv
from familyhub.places.models import Area, Authority, PostcodeArea
from familyhub.places.postcodes import normalise_postcode

DEMO_POSTCODES_FILE = Path(__file__).resolve().parent / "data" / "demo_postcodes.csv"

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
WARD_COLUMNS = (
    "osward",
    "wd25cd",
    "wd24cd",
    "wd23cd",
    "wd22cd",
    "wd21cd",
    "wd20cd",
    "wd19cd",
    "ward_code",
    "ward",
)
AUTHORITY_COLUMNS = ("oslaua", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd", "laua")
LATITUDE_COLUMNS = ("lat", "latitude")
LONGITUDE_COLUMNS = ("long", "longitude", "lon")
# ONSPD's placeholder for a postcode with no grid reference.
_NO_LATITUDE = 99.999999

_BATCH = 5000
_MAX_ERRORS = 10


@dataclass(frozen=True)
class LookupRow:
    row: int
    postcode: str
    ward_code: str
    latitude: float | None
    longitude: float | None


def _column(header: list[str], choices: tuple[str, ...]) -> str | None:
    lowered = {name.lower(): name for name in header}
    for choice in choices:
        if choice in lowered:
            return lowered[choice]
    return None


def _coordinate(row: CsvRow, column: str | None, low: float, high: float) -> float | None:
    if column is None:
        return None
    value = row.real(column)
    if value is None or value == _NO_LATITUDE:
        return None
    if not low <= value <= high:
        row.unusable(column, f"{value:g} is not a coordinate in the United Kingdom.")
        return None
    return value


def read_lookup(
    path: Path | str, *, authority_code: str | None = None, problems: Problems | None = None
) -> Iterator[LookupRow | None]:
    """The live postcodes of a lookup file, checked; raises CsvError naming file, row, column.
    Lenient (given `problems`): a row that cannot be used gives None, after its problem."""
    path = Path(path)
    header = read_header(path)
    postcode_col = _column(header, POSTCODE_COLUMNS)
    ward_col = _column(header, WARD_COLUMNS)
    missing = []
    if postcode_col is None:
        missing.append("a postcode column (pcds, pcd or postcode)")
    if ward_col is None:
        missing.append("a ward column (osward, wd22cd, ...)")
    if missing or postcode_col is None or ward_col is None:
        raise CsvError(path, f"is missing {' and '.join(missing)}.", row=1)
    authority_col = _column(header, AUTHORITY_COLUMNS)
    lat_col = _column(header, LATITUDE_COLUMNS)
    long_col = _column(header, LONGITUDE_COLUMNS)
    doterm_col = _column(header, ("doterm",))

    def parse(row: CsvRow) -> LookupRow | None:
        other_council = authority_col and row.text(authority_col, required=False)
        if authority_code and other_council and other_council != authority_code:
            return None
        if doterm_col and row.text(doterm_col, required=False):
            return None
        raw = row.text(postcode_col)
        postcode = normalise_postcode(raw)
        if postcode is None:
            raise row.left_out(postcode_col, f"'{raw}' is not a UK postcode.")
        return LookupRow(
            row=row.number,
            postcode=postcode,
            ward_code=row.text(ward_col),
            latitude=_coordinate(row, lat_col, 49.0, 61.0),
            longitude=_coordinate(row, long_col, -9.0, 2.0),
        )

    with open_csv(path, required=[], problems=problems) as rows:
        for row in rows:
            try:
                item = parse(row)
            except CsvError:
                if problems is None:
                    raise
                yield None  # left out, and recorded: counted against the file
                continue
            if item is not None:
                yield item


@transaction.atomic
def load_postcode_lookup(
    path: Path | str, *, authority: Authority, problems: Problems | None = None
) -> int:
    """Replace the authority's postcode lookup with the file's rows; returns how many.

    Every row is checked before anything is written, in one transaction, so a file that cannot
    be used leaves the previous lookup exactly as it was. Raises CsvError naming the file, row
    and column. With `problems`, rows that cannot be used are left out and recorded there.
    """
    path = Path(path)
    areas = {area.code: area for area in Area.objects.filter(authority=authority)}
    areas_folded = {code.lower(): area for code, area in areas.items()}
    ward_col = _column(read_header(path), WARD_COLUMNS) or "osward"
    seen: dict[str, int] = {}
    rows: list[PostcodeArea] = []
    errors: list[str] = []
    left_out = 0

    def refuse(error: CsvError, value: str) -> None:
        nonlocal left_out
        left_out += 1
        if problems is None:
            errors.append(str(error))
        else:
            problems.append(
                Problem(
                    path.name,
                    error.row or 0,
                    error.column or "",
                    value,
                    error.message,
                    left_out=True,
                )
            )

    try:
        for item in read_lookup(path, authority_code=authority.code, problems=problems):
            if item is None:
                left_out += 1
                continue
            line = item.row
            area = areas.get(item.ward_code) or areas_folded.get(item.ward_code.lower())
            if area is None:
                refuse(
                    CsvError(
                        path,
                        f"ward '{item.ward_code}' is not an area of {authority.name} "
                        "(load the reference data first, or check the ward codes).",
                        row=line,
                        column=ward_col,
                    ),
                    item.ward_code,
                )
            elif item.postcode in seen:
                refuse(
                    CsvError(
                        path,
                        f"{item.postcode} appears twice (first on row {seen[item.postcode]}).",
                        row=line,
                    ),
                    item.postcode,
                )
            else:
                seen[item.postcode] = line
                rows.append(
                    PostcodeArea(
                        authority=authority,
                        postcode=item.postcode,
                        area=area,
                        latitude=item.latitude,
                        longitude=item.longitude,
                    )
                )
            if len(errors) >= _MAX_ERRORS:
                break
    except CsvError as error:
        errors.append(str(error))
    if errors:
        raise CsvError(path, "nothing was loaded:\n" + "\n".join(errors))
    if left_out > len(rows):
        # Most rows unusable is a file of the wrong shape (another council's ward codes, an old
        # edition), not a few bad rows: replacing the lookup with what is left would lose it.
        shown = "\n".join(problems.lines(limit=10)[1:]) if problems else ""
        raise CsvError(
            path,
            f"nothing was loaded: {left_out} of {left_out + len(rows)} rows cannot be used "
            f"(is this the right lookup for {authority.name}?)\n{shown}".rstrip(),
        )
    PostcodeArea.objects.filter(authority=authority).delete()
    # A postcode is unique across the table: one held by another council is a mistake in the file.
    taken = set(
        PostcodeArea.objects.filter(postcode__in=list(seen)).values_list("postcode", flat=True)
    )
    if taken:
        first = min(taken, key=seen.__getitem__)
        raise CsvError(
            path,
            f"{first} already belongs to another council's lookup ({len(taken)} postcodes do).",
            row=seen[first],
        )
    PostcodeArea.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


def area_for_postcode(postcode: str, *, authority: Authority | None = None) -> Area | None:
    """The area a postcode lies in, or None when it is not a postcode or not in the lookup."""
    normalised = normalise_postcode(postcode)
    if normalised is None:
        return None
    lookup = PostcodeArea.objects.filter(postcode=normalised).select_related("area")
    if authority is not None:
        lookup = lookup.filter(authority=authority)
    row = lookup.first()
    return row.area if row else None


# --- The demo borough's synthetic lookup ---------------------------------------------------
#
# Real outward codes and post towns of the Thurrock area, with invented inward codes: a
# postcode in the file may or may not exist, and says nothing about anyone who lives there.
# Each ward's outward codes and rough centre (lat, long) follow its real geography.
DEMO_WARD_PLACES: dict[str, tuple[tuple[str, ...], float, float]] = {
    "grays-thurrock": (("RM17", "RM16"), 51.4800, 0.3270),
    "grays-riverside": (("RM17",), 51.4740, 0.3180),
    "little-thurrock-blackshots": (("RM17", "RM16"), 51.4880, 0.3420),
    "little-thurrock-rectory": (("RM16", "RM17"), 51.4820, 0.3500),
    "chafford-north-stifford": (("RM16",), 51.4920, 0.2950),
    "stifford-clays": (("RM16",), 51.4960, 0.3280),
    "south-chafford": (("RM16", "RM20"), 51.4830, 0.2900),
    "chadwell-st-mary": (("RM16",), 51.4830, 0.3680),
    "east-tilbury": (("RM18",), 51.4800, 0.4150),
    "tilbury-riverside-thurrock-park": (("RM18",), 51.4600, 0.3600),
    "tilbury-st-chads": (("RM18",), 51.4670, 0.3700),
    "the-homesteads": (("SS17",), 51.5250, 0.4150),
    "stanford-east-corringham-town": (("SS17",), 51.5180, 0.4450),
    "corringham-fobbing": (("SS17",), 51.5270, 0.4700),
    "stanford-le-hope-west": (("SS17",), 51.5130, 0.4220),
    "belhus": (("RM15",), 51.5180, 0.2600),
    "ockendon": (("RM15",), 51.5250, 0.2900),
    "west-thurrock-south-stifford": (("RM20", "RM19"), 51.4780, 0.2700),
    "aveley-uplands": (("RM15",), 51.5000, 0.2550),
}
POST_TOWNS = {
    "RM15": "South Ockendon",
    "RM16": "Grays",
    "RM17": "Grays",
    "RM18": "Tilbury",
    "RM19": "Purfleet",
    "RM20": "Grays",
    "SS17": "Stanford-le-Hope",
}
DEMO_AUTHORITY_CODE = "E06000034"
# Inward codes never use C, I, K, M, O or V in their letters (Royal Mail).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def post_town(postcode: str) -> str:
    """The post town of a demo-borough postcode ('' when the outward code is not one of ours)."""
    return POST_TOWNS.get(postcode.split(" ")[0], "")


def write_demo_postcodes(
    wards_csv: Path | str,
    out: Path | str = DEMO_POSTCODES_FILE,
    *,
    centres_csv: Path | str | None = None,
) -> int:
    """Write the demo borough's synthetic ONSPD-shaped lookup; returns the number of postcodes.

    40-120 postcodes a ward, more where more people live (each centre's under-fives reach shared
    among the wards it serves, as load-reference estimates populations). Deterministic: the
    same inputs always give the same file, so it can be committed and regenerated.
    """
    wards_csv = Path(wards_csv)
    if centres_csv is None:
        centres_csv = wards_csv.with_name(wards_csv.name.replace("wards", "centres"))
    centres_csv = Path(centres_csv)
    wards: list[tuple[str, str, int]] = []
    with open_csv(wards_csv, required=["ward", "imd_rank"]) as rows:
        for row in rows:
            wards.append(
                (
                    slugify(row.text("ward")),
                    row.text("centre", required=False),
                    row.integer("imd_rank", required=True) or 0,
                )
            )
    reach: dict[str, int] = {}
    if centres_csv.exists():
        with open_csv(centres_csv, required=["centre"]) as rows:
            for row in rows:
                reach[row.text("centre")] = row.integer("reach_under_fives") or 0
    per_centre: dict[str, int] = {}
    for _, centre, _ in wards:
        per_centre[centre] = per_centre.get(centre, 0) + 1
    sizes = {code: reach.get(centre, 0) / per_centre[centre] for code, centre, _ in wards}
    low, high = min(sizes.values()), max(sizes.values())
    used: set[str] = set()
    lines: list[list[str]] = []
    for code, _, imd_rank in wards:
        outwards, lat, long = DEMO_WARD_PLACES.get(code, (("RM16",), 51.49, 0.33))
        share = (sizes[code] - low) / (high - low) if high > low else 0.5
        count = 40 + round(80 * share)
        # Seeded by the ward code, so adding a ward never changes another ward's postcodes.
        rng = random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:16], 16))
        made = 0
        while made < count:
            outward = outwards[0] if rng.random() < 0.7 else rng.choice(outwards)
            inward = (
                f"{rng.randrange(1, 10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            postcode = f"{outward} {inward}"
            if postcode in used:
                continue
            used.add(postcode)
            made += 1
            lines.append(
                [
                    outward.ljust(4) + inward,
                    postcode,
                    "201001",
                    "",
                    DEMO_AUTHORITY_CODE,
                    code,
                    f"{lat + rng.uniform(-0.008, 0.008):.6f}",
                    f"{long + rng.uniform(-0.012, 0.012):.6f}",
                    str(imd_rank),
                ]
            )
    lines.sort(key=lambda line: line[1])
    header = ["pcd", "pcds", "dointr", "doterm", "oslaua", "osward", "lat", "long", "imd"]
    with Path(out).open("w", newline="", encoding="utf-8") as handle:
        write_csv(handle, [header, *lines], lineterminator="\n")
    return len(lines)
