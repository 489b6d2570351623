"""familyhub refresh-outcomes: on demand, with clear messages for bad options."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from familyhub.outcomes.models import IndicatorValue

pytestmark = pytest.mark.django_db


def test_refresh_outcomes_writes_figures(authority, deprived):
    out = io.StringIO()
    call_command("refresh_outcomes", "--quarters", "2", "--years", "1", stdout=out)
    assert "Refreshed" in out.getvalue()
    assert IndicatorValue.objects.filter(authority=authority).exists()


def test_refresh_outcomes_one_indicator(authority, deprived):
    call_command(
        "refresh_outcomes",
        "--indicator",
        "engaged_families",
        "--quarters",
        "1",
        stdout=io.StringIO(),
    )
    assert set(IndicatorValue.objects.values_list("indicator_key", flat=True)) == {
        "engaged_families"
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authority", "E99999999"], "--authority"),
        (["--indicator", "made_up"], "--indicator"),
        (["--quarters", "0"], "--quarters"),
    ],
)
def test_bad_options_name_the_option(authority, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("refresh_outcomes", *args, stdout=io.StringIO())
