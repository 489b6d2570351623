from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from familyhub.places.models import Area, Locality, Site
from familyhub.services.models import Service

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
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


def test_a_malformed_value_names_the_file_row_and_column_and_loads_nothing(authority, tmp_path):
    wards = (REFERENCE / "thurrock_wards.csv").read_text().splitlines()
    wards[5] = wards[5].replace(",18,11", ",18,eleven")  # Chafford & North Stifford's imd_rank
    folder = _copy_with(tmp_path, "thurrock_wards.csv", "\n".join(wards) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("load_reference", str(folder))
    assert "thurrock_wards.csv, row 6, column 'imd_rank': 'eleven' is not a number." in str(
        error.value
    )
    assert Area.objects.count() == 0 and Site.objects.count() == 0 and Locality.objects.count() == 0


def test_a_missing_column_is_named(authority, tmp_path):
    text = (REFERENCE / "thurrock_centres.csv").read_text().replace("locality", "district", 1)
    folder = _copy_with(tmp_path, "thurrock_centres.csv", text)
    with pytest.raises(
        CommandError, match="thurrock_centres.csv, row 1: is missing the column\\(s\\) locality"
    ):
        call_command("load_reference", str(folder))
    assert Site.objects.count() == 0


def test_a_ward_served_by_an_unknown_centre_is_refused(authority, tmp_path):
    text = (
        (REFERENCE / "thurrock_wards.csv")
        .read_text()
        .replace("Ockendon,Ockendon,West", "Ockendon,Nowhere,West")
    )
    folder = _copy_with(tmp_path, "thurrock_wards.csv", text)
    with pytest.raises(CommandError, match="column 'centre': 'Nowhere' is not in the centres file"):
        call_command("load_reference", str(folder))


def test_a_file_that_is_not_utf8_is_refused(authority, tmp_path):
    folder = _copy_with(tmp_path, "thurrock_services_2016.csv", "")
    (folder / "thurrock_services_2016.csv").write_bytes(
        "service,commissioner,provider\nCaf\xe9,x,y\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_reference", str(folder))
    assert Area.objects.count() == 0
