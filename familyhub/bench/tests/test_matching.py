"""familyhub bench matching: concurrent searchers as separate processes where the database allows,
and --reuse measuring again on the register an earlier run built."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from familyhub.people.models import Person


def bench(*args: str) -> dict:
    out = io.StringIO()
    call_command("bench", "matching", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_reuse_measures_again_without_rebuilding(authority, tmp_path: Path):
    register = str(tmp_path / "register.json")
    common = ["--people", "200", "--queries", "12", "--searchers", "3", "--no-batch"]
    first = bench(*common, "--register-file", register)
    people = Person.objects.count()
    again = bench(*common, "--register-file", register, "--reuse")
    assert first["reused_register"] is False
    assert again["reused_register"] is True
    assert Person.objects.count() == people  # nobody added the second time
    assert again["seeded_duplicates"] == first["seeded_duplicates"] > 0
    assert again["search_one_connection"]["queries"] == first["search_one_connection"]["queries"]
    concurrent = again["search_concurrent"]
    assert concurrent["searchers"] == 3
    assert concurrent["queries"] == again["search_one_connection"]["queries"]
    assert concurrent["searches_per_second"] > 0
    assert concurrent["p50_ms"] <= concurrent["p95_ms"] <= concurrent["p99_ms"]
    if connection.vendor == "postgresql":
        assert concurrent["mode"] == "processes"
    assert again["loadavg_at_start"]


@pytest.mark.django_db(transaction=True)
def test_reuse_without_a_built_register_says_what_to_do(authority, tmp_path: Path):
    with pytest.raises(CommandError, match="run once without --reuse"):
        bench("--people", "200", "--reuse", "--register-file", str(tmp_path / "none.json"))


@pytest.mark.django_db(transaction=True)
def test_reuse_refuses_a_register_of_another_size(authority, tmp_path: Path):
    register = str(tmp_path / "register.json")
    bench("--people", "100", "--queries", "5", "--searchers", "1", "--no-batch",
          "--register-file", register)  # fmt: skip
    with pytest.raises(CommandError, match="not --people 200"):
        bench("--people", "200", "--reuse", "--register-file", register)


@pytest.mark.django_db(transaction=True)
def test_the_batch_figure_trains_with_splink_as_dedupe_does(authority, tmp_path: Path):
    from familyhub.matching.models import MatchModel

    report = bench("--people", "400", "--queries", "5", "--searchers", "1",
                   "--register-file", str(tmp_path / "register.json"))  # fmt: skip
    batch = report["batch"]
    assert (batch["trainer"], batch["scorer"]) == ("splink", "splink")
    assert batch["records"] >= 400
    # 400 synthetic people with near-duplicates: a trained model finds most of them.
    assert batch["metrics"]["f1"] > 0.5
    assert MatchModel.objects.get(active=True).method.startswith("familyhub bench matching: splink")
