"""The plan command and its CSV files: results on the published tables, and clear input errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from familyhub.core.csvfiles import Problems
from familyhub.planning.csvinput import CsvInputError, read_site_problem, read_travel_times

DATA = Path(__file__).resolve().parents[2] / "places" / "data" / "reference"
WARDS = DATA / "thurrock_wards.csv"
CENTRES = DATA / "thurrock_centres.csv"


def run_plan(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("plan", *args, stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_published_ward_and_centre_tables():
    areas, sites, needs, notes = read_site_problem(WARDS, CENTRES)
    assert len(areas) == 19 and len(sites) == 9
    tilbury = next(a for a in areas if a.name == "Tilbury St Chads")
    assert tilbury.serving_sites == ["Tilbury"]
    # Tilbury's reach of 1,210 under-fives is split over the 2 wards it serves
    assert tilbury.population == 605
    assert any("split equally" in n for n in notes)
    top = min(needs["areas"], key=lambda a: a["rank"])
    # the highest need is among the four wards with the most income-deprived children (IDACI 1-4);
    # West Thurrock leads because Purfleet's 1,250 under-fives all live in its one ward
    assert top["name"] in {
        "Tilbury Riverside & Thurrock Park",
        "Tilbury St Chads",
        "Chadwell St Mary",
        "West Thurrock & South Stifford",
    }


def test_plan_sites_on_the_reference_tables_keeps_one_per_locality():
    result = run_plan(
        "sites", "--areas", str(WARDS), "--sites", str(CENTRES), "--keep", "5", "--json"
    )
    assert result["sites_kept"] == 5
    localities = {s["locality"] for s in result["sites"] if s["decision"] == "keep as hub"}
    assert localities == {"Central", "East", "West"}
    assert "no coordinates" in result["coverage_rule"]
    assert len(result["sites"]) == 9


def test_plan_sites_must_keep_and_walk_options():
    result = run_plan(
        "sites",
        "--areas",
        str(WARDS),
        "--sites",
        str(CENTRES),
        "--keep",
        "4",
        "--must-keep",
        "Aveley",
        "East Tilbury",
        "--max-walk-minutes",
        "20",
        "--json",
    )
    assert {"Aveley", "East Tilbury"} <= set(result["kept"])


def test_plan_sites_infeasible_is_a_clear_message():
    with pytest.raises(CommandError) as caught:
        run_plan("sites", "--areas", str(WARDS), "--sites", str(CENTRES), "--keep", "2", "--json")
    assert "keep exactly 2 sites" in str(caught.value)
    assert "each of the 3 localities" in str(caught.value)


def test_coordinates_switch_coverage_to_walking_time(tmp_path):
    areas = write(
        tmp_path,
        "w.csv",
        "ward,locality,lat,lon,population_0_4\nA,L,51.50,0.0,100\nB,L,51.53,0.0,80\n",
    )
    sites = write(tmp_path, "c.csv", "centre,locality,lat,lon\nX,L,51.50,0.0\nZ,L,51.515,0.0\n")
    result = run_plan(
        "sites", "--areas", str(areas), "--sites", str(sites), "--keep", "1", "--json"
    )
    assert result["kept"] == ["Z"]
    assert "minutes' walk" in result["coverage_rule"]


def test_missing_column_names_file_row_and_column(tmp_path):
    areas = write(tmp_path, "wards.csv", "ward,centre\nA,Hub\n")
    with pytest.raises(CsvInputError) as caught:
        read_site_problem(areas, CENTRES)
    assert str(caught.value).startswith(
        "wards.csv, row 1, column 'locality': the column is missing"
    )


def test_unknown_locality_names_file_row_and_column(tmp_path):
    areas = write(tmp_path, "wards.csv", "ward,centre,locality\nA,Tilbury,East\nB,Tilbury,North\n")
    with pytest.raises(CsvInputError) as caught:
        read_site_problem(areas, CENTRES)
    assert str(caught.value).startswith(
        "wards.csv, row 3, column 'locality': unknown locality 'North'"
    )


def test_unknown_centre_names_file_row_and_column(tmp_path):
    areas = write(tmp_path, "wards.csv", "ward,centre,locality\nA,Nowhere,East\n")
    with pytest.raises(
        CsvInputError, match=r"wards.csv, row 2, column 'centre': unknown centre 'Nowhere'"
    ):
        read_site_problem(areas, CENTRES)


def test_not_a_number_names_file_row_and_column(tmp_path):
    areas = write(
        tmp_path,
        "wards.csv",
        "ward,centre,locality,idaci_rank\nA,Tilbury,East,1\nB,Tilbury,East,high\n",
    )
    with pytest.raises(
        CsvInputError, match=r"wards.csv, row 3, column 'idaci_rank': 'high' is not a number"
    ):
        read_site_problem(areas, CENTRES)


def test_missing_site_column_and_missing_file(tmp_path):
    sites = write(tmp_path, "centres.csv", "centre\nTilbury\n")
    with pytest.raises(CsvInputError, match=r"centres.csv, row 1, column 'locality'"):
        read_site_problem(WARDS, sites)
    with pytest.raises(CsvInputError, match="does not exist"):
        read_site_problem(tmp_path / "nope.csv", CENTRES)


def test_command_error_exits_non_zero_without_a_traceback(tmp_path):
    areas = write(tmp_path, "wards.csv", "ward,centre,locality\nA,Tilbury,Nowhere\n")
    env = dict(os.environ, FAMILYHUB_DEMO="true", DJANGO_SETTINGS_MODULE="familyhub.settings")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "familyhub.cli",
            "plan",
            "sites",
            "--areas",
            str(areas),
            "--sites",
            str(CENTRES),
            "--keep",
            "3",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert completed.returncode != 0
    assert "wards.csv, row 2, column 'locality'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_plan_needs_with_weights():
    result = run_plan(
        "needs",
        "--areas",
        str(WARDS),
        "--sites",
        str(CENTRES),
        "--weight",
        "idaci=1",
        "--weight",
        "child_poverty=0",
        "--weight",
        "imd=0",
        "--weight",
        "under_fives=0",
        "--weight",
        "excess_weight_reception=0",
        "--json",
    )
    first = min(result["areas"], key=lambda a: a["rank"])
    assert first["name"] == "Tilbury Riverside & Thurrock Park"  # IDACI rank 1
    assert first["score"] == 100.0


def test_budget_needs_site_costs(tmp_path):
    with pytest.raises(CommandError, match="add an 'annual_cost' column to thurrock_centres.csv"):
        run_plan("sites", "--areas", str(WARDS), "--sites", str(CENTRES), "--budget", "500000")
    sites = write(tmp_path, "c.csv", "centre,locality,annual_cost\nX,L,100\nY,L,80\nZ,L,50\n")
    areas = write(
        tmp_path, "w.csv", "ward,centre,locality,population_0_4\nA,X,L,10\nB,Y,L,6\nC,Z,L,5\n"
    )
    # need = under-fives / 10 x 100, so need-weighted A 10, B 3.6, C 2.5; budget 150:
    # X + Z (12.5, cost 150) beats X alone (10) and Y + Z (6.1); X + Y costs 180
    result = run_plan(
        "sites",
        "--areas",
        str(areas),
        "--sites",
        str(sites),
        "--budget",
        "150",
        "--min-per-locality",
        "0",
        "--json",
    )
    assert sorted(result["kept"]) == ["X", "Z"] and result["cost"] == 150


AWKWARD_SITES = (
    "centre,locality,annual_cost\n"
    "'OShea Hub,Łódź,1000\n"
    '"St Mary\'s, Grays",Łódź,£1200\n'
    '"The ""Hub""",Zoë\'s,lots\n'  # text in a number column: read as missing
)
AWKWARD_AREAS = (
    "ward,centre,locality,idaci_rank,population_0_4\n"
    "Nguyễn','OShea Hub,Łódź,1,100\n"
    '"Ward, North","St Mary\'s, Grays",Łódź,high,120\n'  # text in a number column
    'O\'Connor Ward,"The ""Hub""",Zoë\'s,3,90\n'
    ",'OShea Hub,Łódź,4,10\n"  # no ward name: the row is left out
)


def test_awkward_names_are_read_as_written_and_unusable_numbers_reported(tmp_path):
    sites_path = write(tmp_path, "centres.csv", AWKWARD_SITES)
    areas_path = write(tmp_path, "wards.csv", AWKWARD_AREAS)
    problems = Problems()
    areas, sites, _needs, _notes = read_site_problem(areas_path, sites_path, problems=problems)
    assert [s.name for s in sites] == ["'OShea Hub", "St Mary's, Grays", 'The "Hub"']
    assert [s.cost for s in sites] == [1000.0, 1200.0, 0.0]
    assert [a.name for a in areas] == ["Nguyễn'", "Ward, North", "O'Connor Ward"]
    assert areas[1].serving_sites == ["St Mary's, Grays"]
    assert [(p.file, p.row, p.column, p.value, p.left_out) for p in problems] == [
        ("centres.csv", 4, "annual_cost", "lots", False),
        ("wards.csv", 3, "idaci_rank", "high", False),
        ("wards.csv", 5, "ward", "", True),
    ]
    # Without a report the first one stops the read, as before.
    with pytest.raises(CsvInputError, match=r"centres.csv, row 4, column 'annual_cost': 'lots'"):
        read_site_problem(areas_path, sites_path)


def test_the_plan_command_reports_what_it_could_not_use(tmp_path):
    sites_path = write(tmp_path, "centres.csv", AWKWARD_SITES)
    areas_path = write(tmp_path, "wards.csv", AWKWARD_AREAS)
    result = run_plan("needs", "--areas", str(areas_path), "--sites", str(sites_path), "--json")
    assert result["problems"]["count"] == 3
    assert result["problems"]["rows"][1] == {
        "file": "wards.csv",
        "row": 3,
        "field": "idaci_rank",
        "value": "high",
        "problem": "'high' is not a number, so it was read as missing.",
    }
    from io import StringIO

    out = StringIO()
    call_command(
        "plan", "needs", "--areas", str(areas_path), "--sites", str(sites_path), stdout=out
    )
    assert "3 values could not be used:" in out.getvalue()
    assert "wards.csv, row 5, column 'ward': this is blank, so the row was left out." in (
        out.getvalue()
    )


def test_travel_times_with_a_bad_row_read_the_rest(tmp_path):
    path = write(
        tmp_path,
        "times.csv",
        "ward,centre,minutes\n'OShea Ward,\"St Mary's, Grays\",12\nZoë,Hub,soon\nZoë,Hub,8\n",
    )
    problems = Problems()
    assert read_travel_times(path, problems=problems) == {
        ("'OShea Ward", "St Mary's, Grays"): 12.0,
        ("Zoë", "Hub"): 8.0,
    }
    assert [(p.row, p.column, p.value, p.left_out) for p in problems] == [
        (3, "minutes", "soon", True)
    ]
