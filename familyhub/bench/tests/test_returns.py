"""The returns benchmark builds its own council's register and generates a month's CSDS."""

from __future__ import annotations

import io
import json

import pytest

from familyhub.bench import returns as bench
from familyhub.people.models import Person
from familyhub.places.models import Authority


@pytest.mark.django_db
def test_bench_returns_small_run():
    out = io.StringIO()
    options = {
        "sizes": "30,60",
        "children": 0,
        "contacts_per_child": 4,
        "month": "2026-11",
        "seed": 1,
        "json": True,
    }
    bench.run(options, out)
    first, second = json.loads(out.getvalue())
    assert (first["children"], second["children"]) == (30, 60)
    assert second["rows"]["CYP001MPI"] == 60  # every child is on a caseload in the month
    assert second["failures"] == 0
    assert second["rows"]["CYP201CareContact"] > 0
    # Each size wipes and rebuilds its own council only.
    assert (
        Person.objects.filter(authority=Authority.objects.get(code=bench.BENCH_CODE)).count() == 60
    )
