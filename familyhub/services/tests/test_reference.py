from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from familyhub.core.csvfiles import CsvError, Problems
from familyhub.places.models import Area, Locality, Site
from familyhub.services.models import Service
from familyhub.services.reference import load_reference

REFERENCE = Path(__file__).resolve().parents[2] / "places" / "data" / "reference"
pytestmark = pytest.mark.django_db


def test_the_demo_borough_loads_from_the_published_figures(authority):
    call_command("load_reference", str(REFERENCE))
    assert Area.objects.count() == 19
    assert Site.objects.count() == 9
    assert set(Locality.objects.values_list("name", flat=True)) == {"Central", "East", "West"}
    tilbury = Area.objects.get(name="Tilbury Riverside & Thurrock Park")
    assert (tilbury.imd_rank, tilbury.imd_decile, tilbury.idaci_rank) == (1, 1, 1)
    assert tilbury.child_poverty_rate == pytest.approx(0.336)
    # Tilbury centre reaches 1,210 under-fives over its two wards.
    assert tilbury.population_0_4 == 605
    hub = Site.objects.get(name="Tilbury")
    assert set(hub.reach_areas.values_list("name", flat=True)) == {
        "Tilbury Riverside & Thurrock Park",
        "Tilbury St Chads",
    }
    assert Service.objects.get(name__startswith="0-5 Healthy Child").kind == "health_visiting"


def test_loading_twice_updates_rather_than_duplicates(authority):
    call_command("load_reference", str(REFERENCE))
    call_command("load_reference", str(REFERENCE))
    assert (
        Area.objects.count() == 19 and Site.objects.count() == 9 and Service.objects.count() == 15
    )


def _copy_with(tmp_path: Path, name: str, text: str) -> Path:
    for source in REFERENCE.glob("*.csv"):
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / name).write_text(text)
    return tmp_path


def test_a_malformed_value_is_read_as_missing_reported_and_the_load_goes_on(authority, tmp_path):
    wards = (REFERENCE / "thurrock_wards.csv").read_text().splitlines()
    wards[5] = wards[5].replace(",18,11", ",18,eleven")  # Chafford & North Stifford's imd_rank
    folder = _copy_with(tmp_path, "thurrock_wards.csv", "\n".join(wards) + "\n")
    out = io.StringIO()
    call_command("load_reference", str(folder), stdout=out)
    assert Area.objects.count() == 19 and Site.objects.count() == 9
    assert Area.objects.get(name="Chafford & North Stifford").imd_rank is None
    assert (
        "thurrock_wards.csv, row 6, column 'imd_rank': 'eleven' is not a number, so it was read "
        "as missing." in out.getvalue()
    )


def test_without_a_report_a_malformed_value_names_the_file_row_and_column_and_loads_nothing(
    authority, tmp_path
):
    wards = (REFERENCE / "thurrock_wards.csv").read_text().splitlines()
    wards[5] = wards[5].replace(",18,11", ",18,eleven")
    folder = _copy_with(tmp_path, "thurrock_wards.csv", "\n".join(wards) + "\n")
    with pytest.raises(CsvError) as error:
        load_reference(folder, authority=authority)
    assert "thurrock_wards.csv, row 6, column 'imd_rank': 'eleven' is not a number." in str(
        error.value
    )
    assert Area.objects.count() == 0 and Site.objects.count() == 0 and Locality.objects.count() == 0


def test_awkward_names_load_as_written_and_unusable_values_are_reported(authority, tmp_path):
    (tmp_path / "x_centres.csv").write_text(
        "centre,locality,ofsted_grade,reach_families,reach_under_fives\n"
        "'OShea Centre,Łódź Road,2,10,12\n"
        "\"St Mary's, Grays\",O'Connor Side,7,10,12\n"  # no Ofsted grade 7
        '"The ""Hub""",Zoë\'s,1,lots,12\n'
        ",Nowhere,1,1,1\n",  # no name: left out
        encoding="utf-8",
    )
    (tmp_path / "x_wards.csv").write_text(
        "ward,centre,locality,idaci_rank,imd_rank,children_in_poverty_rate\n"
        "Nguyễn','OShea Centre,Łódź Road,1,2,0.2\n"
        '"Ward, North","St Mary\'s, Grays",O\'Connor Side,2,1,1.7\n'  # a rate above 1
        'Zoë Ward,"The ""Hub""",Zoë\'s,3,x,0.1\n'
        "Lost Ward,Nowhere,Zoë's,4,3,0.1\n",  # a centre not in the centres file
        encoding="utf-8",
    )
    problems = Problems()
    load_reference(tmp_path, authority=authority, problems=problems)
    assert set(Site.objects.values_list("name", flat=True)) == {
        "'OShea Centre",
        "St Mary's, Grays",
        'The "Hub"',
    }
    assert set(Locality.objects.values_list("name", flat=True)) == {
        "Łódź Road",
        "O'Connor Side",
        "Zoë's",
    }
    assert Site.objects.get(name="St Mary's, Grays").ofsted_grade is None
    north = Area.objects.get(name="Ward, North")
    assert north.child_poverty_rate is None and north.imd_rank == 1
    assert Area.objects.get(name="Nguyễn'").reach_sites.get().name == "'OShea Centre"
    assert Area.objects.get(name="Zoë Ward").imd_rank is None
    assert not Area.objects.get(name="Lost Ward").reach_sites.exists()
    assert [(p.file, p.row, p.column, p.value, p.left_out) for p in problems] == [
        ("x_centres.csv", 3, "ofsted_grade", "7", False),
        ("x_centres.csv", 4, "reach_families", "lots", False),
        ("x_centres.csv", 5, "centre", "", True),
        ("x_wards.csv", 3, "children_in_poverty_rate", "1.7", False),
        ("x_wards.csv", 4, "imd_rank", "x", False),
        ("x_wards.csv", 5, "centre", "Nowhere", False),
    ]


def test_a_missing_column_is_named(authority, tmp_path):
    text = (REFERENCE / "thurrock_centres.csv").read_text().replace("locality", "district", 1)
    folder = _copy_with(tmp_path, "thurrock_centres.csv", text)
    with pytest.raises(
        CommandError, match="thurrock_centres.csv, row 1: is missing the column\\(s\\) locality"
    ):
        call_command("load_reference", str(folder))
    assert Site.objects.count() == 0


def test_a_ward_served_by_an_unknown_centre_loads_without_it_and_is_reported(authority, tmp_path):
    text = (
        (REFERENCE / "thurrock_wards.csv")
        .read_text()
        .replace("Ockendon,Ockendon,West", "Ockendon,Nowhere,West")
    )
    folder = _copy_with(tmp_path, "thurrock_wards.csv", text)
    out = io.StringIO()
    call_command("load_reference", str(folder), stdout=out)
    assert "column 'centre': 'Nowhere' is not in the centres file, so it was read as missing" in (
        out.getvalue()
    )
    assert not Area.objects.get(name="Ockendon").reach_sites.exists()
    with pytest.raises(CsvError, match="column 'centre': 'Nowhere' is not in the centres file"):
        load_reference(folder, authority=authority)


def test_a_file_that_is_not_utf8_is_refused(authority, tmp_path):
    folder = _copy_with(tmp_path, "thurrock_services_2016.csv", "")
    (folder / "thurrock_services_2016.csv").write_bytes(
        "service,commissioner,provider\nCaf\xe9,x,y\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_reference", str(folder))
    assert Area.objects.count() == 0
