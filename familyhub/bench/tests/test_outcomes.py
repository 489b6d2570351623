"""The benchmark builds its own council's records and reports refresh and page times."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from familyhub.childhealth.models import Review
from familyhub.hubs.models import Attendance
from familyhub.places.models import Authority


@pytest.mark.django_db
def test_bench_outcomes_small_run():
    out = io.StringIO()
    call_command("bench", "outcomes", "--contacts", "900", "--requests", "2", "--json", stdout=out)
    report = json.loads(out.getvalue())
    bench = Authority.objects.get(code="BENCH-OUTCOMES")
    reviews = Review.objects.filter(person__authority=bench).count()
    attendances = Attendance.objects.filter(person__authority=bench).count()
    assert report["built"]["reviews"] == reviews and report["built"]["attendances"] == attendances
    assert 800 <= reviews + attendances <= 900
    assert report["refresh_seconds"] >= 0 and len(report["pages"]) == 2
    # A second run wipes and rebuilds its own council only.
    call_command("bench", "outcomes", "--contacts", "300", "--requests", "1", stdout=io.StringIO())
    assert Review.objects.filter(person__authority=bench).count() < reviews
