"""The postcode -> area lookup: loading ONSPD-shaped files (a few bad rows left out and reported,
a file that cannot be used leaves the lookup as it was), and looking up."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from familyhub.core.csvfiles import CsvError, Problems
from familyhub.places.models import PostcodeArea
from familyhub.places.postcode_lookup import (
    DEMO_POSTCODES_FILE,
    area_for_postcode,
    load_postcode_lookup,
    write_demo_postcodes,
)
from familyhub.places.postcodes import is_valid_postcode
from familyhub.testing.factories import AreaFactory

pytestmark = pytest.mark.django_db

REFERENCE_WARDS = Path(__file__).resolve().parents[1] / "data" / "reference" / "thurrock_wards.csv"


@pytest.fixture
def wards(authority):
    return {
        code: AreaFactory(authority=authority, code=code, name=code.title())
        for code in ("grays-riverside", "tilbury-st-chads")
    }


def _write(tmp_path, lines: list[str], name: str = "onspd.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_an_onspd_file_and_looks_postcodes_up(tmp_path, authority, wards):
    path = _write(
        tmp_path,
        [
            "pcd,pcds,doterm,oslaua,osward,lat,long",
            "RM175DQ,RM17 5DQ,,E06000034,grays-riverside,51.47,0.32",
            "RM186AB,RM18 6AB,,E06000034,tilbury-st-chads,51.46,0.36",
            "RM186AD,RM18 6AD,201506,E06000034,tilbury-st-chads,51.46,0.36",
            "CM11AA,CM1 1AA,,E07000070,someone-elses-ward,51.73,0.47",
        ],
    )
    assert load_postcode_lookup(path, authority=authority) == 2
    assert area_for_postcode(" rm175dq") == wards["grays-riverside"]
    assert area_for_postcode("RM18 6AB", authority=authority) == wards["tilbury-st-chads"]
    assert area_for_postcode("RM18 6AD") is None, "terminated postcodes are not loaded"
    assert area_for_postcode("CM1 1AA") is None, "another council's rows are skipped"
    assert area_for_postcode("not a postcode") is None
    row = PostcodeArea.objects.get(postcode="RM17 5DQ")
    assert (row.latitude, row.longitude) == (51.47, 0.32)


def test_accepts_later_onspd_ward_column_names(tmp_path, authority, wards):
    path = _write(tmp_path, ["pcds,wd22cd", "RM17 5DQ,grays-riverside"])
    assert load_postcode_lookup(path, authority=authority) == 1


def test_reloading_replaces_the_rows(tmp_path, authority, wards):
    first = _write(
        tmp_path, ["pcds,osward", "RM17 5DQ,grays-riverside", "RM17 5DR,grays-riverside"]
    )
    load_postcode_lookup(first, authority=authority)
    load_postcode_lookup(first, authority=authority)
    assert PostcodeArea.objects.count() == 2
    second = _write(tmp_path, ["pcds,osward", "RM18 6AB,tilbury-st-chads"], name="new.csv")
    load_postcode_lookup(second, authority=authority)
    assert list(PostcodeArea.objects.values_list("postcode", flat=True)) == ["RM18 6AB"]


def test_a_bad_postcode_names_the_file_row_and_column_and_loads_nothing(tmp_path, authority, wards):
    load_postcode_lookup(
        _write(tmp_path, ["pcds,osward", "RM17 5DQ,grays-riverside"], "old.csv"),
        authority=authority,
    )
    path = _write(
        tmp_path,
        ["pcds,osward", "RM18 6AB,tilbury-st-chads", "RM1X 99,tilbury-st-chads"],
        name="broken.csv",
    )
    with pytest.raises(CsvError) as caught:
        load_postcode_lookup(path, authority=authority)
    message = str(caught.value)
    assert "broken.csv" in message and "row 3" in message and "column 'pcds'" in message
    assert "RM1X 99" in message
    assert list(PostcodeArea.objects.values_list("postcode", flat=True)) == ["RM17 5DQ"]


def test_an_unknown_ward_names_the_row_and_column_and_loads_nothing(tmp_path, authority, wards):
    path = _write(
        tmp_path,
        ["pcds,osward", "RM17 5DQ,grays-riverside", "RM17 5DR,nowhere-ward"],
        name="wards.csv",
    )
    with pytest.raises(CsvError) as caught:
        load_postcode_lookup(path, authority=authority)
    message = str(caught.value)
    assert "wards.csv" in message and "row 3" in message and "column 'osward'" in message
    assert "nowhere-ward" in message
    assert not PostcodeArea.objects.exists()


def test_a_file_without_a_ward_column_is_refused(tmp_path, authority, wards):
    path = _write(tmp_path, ["pcds,lat", "RM17 5DQ,51.4"])
    with pytest.raises(CsvError, match="row 1.*ward column"):
        load_postcode_lookup(path, authority=authority)


def test_the_command_reports_a_bad_file_clearly(tmp_path, authority, wards):
    path = _write(tmp_path, ["pcds,osward", "RM17 5DQ,nowhere"], name="bad.csv")
    with pytest.raises(CommandError, match="bad.csv, row 2, column 'osward'"):
        call_command("load_postcodes", str(path), stdout=io.StringIO())
    good = _write(tmp_path, ["pcds,osward", "RM17 5DQ,grays-riverside"], name="good.csv")
    out = io.StringIO()
    call_command("load_postcodes", str(good), stdout=out)
    assert "Loaded 1 postcodes" in out.getvalue()


def test_a_few_bad_rows_are_left_out_reported_and_the_rest_loads(tmp_path, authority, wards):
    path = _write(
        tmp_path,
        [
            "pcds,osward,lat,long",
            "RM17 5DQ,grays-riverside,51.47,0.31",
            "RM1X 99,tilbury-st-chads,51.46,0.36",  # not a postcode: left out
            "RM18 6AB,tilbury-st-chads,151.46,0.36",  # latitude outside the UK: read as missing
            "RM18 6AD,nowhere-ward,51.46,0.36",  # not one of the council's wards: left out
            "RM17 5DQ,grays-riverside,51.47,0.31",  # twice: the second left out
            "RM18 7AA,tilbury-st-chads,51.46,0.36",
        ],
        name="lookup.csv",
    )
    problems = Problems()
    assert load_postcode_lookup(path, authority=authority, problems=problems) == 3
    assert sorted(PostcodeArea.objects.values_list("postcode", flat=True)) == [
        "RM17 5DQ",
        "RM18 6AB",
        "RM18 7AA",
    ]
    assert PostcodeArea.objects.get(postcode="RM18 6AB").latitude is None
    assert [(p.row, p.column, p.value, p.left_out) for p in problems] == [
        (3, "pcds", "RM1X 99", True),
        (4, "lat", "151.46", False),
        (5, "osward", "nowhere-ward", True),
        (6, "", "RM17 5DQ", True),
    ]
    out = io.StringIO()
    call_command("load_postcodes", str(path), stdout=out)
    assert "Loaded 3 postcodes" in out.getvalue()
    assert "lookup.csv, row 3, column 'pcds': 'RM1X 99' is not a UK postcode" in out.getvalue()


def test_a_file_whose_rows_mostly_cannot_be_used_loads_nothing(tmp_path, authority, wards):
    load_postcode_lookup(
        _write(tmp_path, ["pcds,osward", "RM17 5DQ,grays-riverside"], "old.csv"),
        authority=authority,
    )
    path = _write(
        tmp_path,
        ["pcds,osward", "RM18 6AB,E05002222", "RM18 6AD,E05002223", "RM18 7AA,tilbury-st-chads"],
        name="wrong.csv",
    )
    with pytest.raises(CsvError, match="2 of 3 rows cannot be used"):
        load_postcode_lookup(path, authority=authority, problems=Problems())
    assert list(PostcodeArea.objects.values_list("postcode", flat=True)) == ["RM17 5DQ"]


def test_the_demo_lookup_has_40_to_120_valid_postcodes_for_each_of_19_wards():
    with DEMO_POSTCODES_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"pcds", "osward", "lat", "long"} <= set(rows[0])
    per_ward: dict[str, int] = {}
    for row in rows:
        assert is_valid_postcode(row["pcds"])
        assert row["pcds"].split(" ")[0] in {"RM15", "RM16", "RM17", "RM18", "RM19", "RM20", "SS17"}
        per_ward[row["osward"]] = per_ward.get(row["osward"], 0) + 1
    assert len(per_ward) == 19
    assert all(40 <= count <= 120 for count in per_ward.values())
    assert len({row["pcds"] for row in rows}) == len(rows)


@pytest.mark.skipif(not REFERENCE_WARDS.exists(), reason="the reference wards file is not here")
def test_the_demo_lookup_is_regenerated_exactly(tmp_path):
    out = tmp_path / "demo.csv"
    write_demo_postcodes(REFERENCE_WARDS, out)
    assert out.read_bytes() == DEMO_POSTCODES_FILE.read_bytes()


@pytest.mark.skipif(not REFERENCE_WARDS.exists(), reason="the reference wards file is not here")
def test_the_demo_lookup_loads_onto_the_demo_boroughs_wards(authority):
    from familyhub.services.reference import load_reference

    load_reference(REFERENCE_WARDS.parent, authority=authority)
    count = load_postcode_lookup(DEMO_POSTCODES_FILE, authority=authority)
    assert count == PostcodeArea.objects.filter(authority=authority).count() > 19 * 40
    assert PostcodeArea.objects.values("area").distinct().count() == 19
    first = PostcodeArea.objects.order_by("postcode").first()
    assert area_for_postcode(first.postcode.replace(" ", "").lower()) == first.area
