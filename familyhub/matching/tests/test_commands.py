"""familyhub dedupe (a labelled CSV, and the register into the review queue), familyhub bench
matching on a small register, and bad input named by column and row."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from familyhub.matching.keys import refresh_all_keys
from familyhub.matching.models import MatchModel, ReviewPair
from familyhub.people.models import Person
from familyhub.testing import synthetic


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    synthetic.write_csv(path, 1500, seed=5)
    return path


def test_dedupe_csv_reports_pairwise_figures_as_json(tiny_csv):
    report = json.loads(
        run("dedupe", "--input", str(tiny_csv), "--truth", "true_person_id", "--json")
    )
    assert report["records"] == 1500
    metrics = report["metrics"]
    assert set(metrics) >= {"precision", "recall", "f1", "true_pairs", "predicted_pairs"}
    assert metrics["f1"] > 0.8
    assert report["seconds"] >= 0
    assert report["peak_memory_mb"] > 0
    assert "ru_maxrss" in report["peak_memory_measure"]


def test_simulated_review_reports_before_and_after(tiny_csv):
    report = json.loads(
        run(
            "dedupe",
            "--input",
            str(tiny_csv),
            "--truth",
            "true_person_id",
            "--simulate-review",
            "50",
            "--json",
        )
    )
    review = report["review"]
    assert 0 < review["labelled_pairs"] <= 50
    assert review["confirmed"] + review["rejected"] == review["labelled_pairs"]
    assert review["f1_after_retraining_and_decisions"] >= review["f1_before"] - 0.01


def test_bad_files_are_named(tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("id,first_name\n1,Amy\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column.*surname"):
        run("dedupe", "--input", str(missing))
    dates = tmp_path / "dates.csv"
    dates.write_text(
        "id,first_name,surname,dob,sex,postcode,nhs_number\n"
        + "".join(f"{i},Amy,Jones,14th March,F,RM17 5DQ,\n" for i in range(30)),
        encoding="utf-8",
    )
    # A few bad dates are read as missing (test_csv_input.py); a column of them is the wrong file.
    with pytest.raises(CommandError, match=r"column dob: 30 of 30 rows cannot be used"):
        run("dedupe", "--input", str(dates))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,first_name\n1,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("dedupe", "--input", str(latin))
    with pytest.raises(CommandError, match="no file"):
        run("dedupe", "--input", str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="needs --input"):
        run("dedupe", "--simulate-review", "5")


@pytest.mark.django_db
def test_dedupe_register_fills_the_review_queue(authority):
    from familyhub.demo import synth

    stats = synth.fill_database(800, authority=authority, seed=2, duplicate_rate=0.1)
    refresh_all_keys()
    report = json.loads(run("dedupe", "--json"))
    assert report["records"] == Person.objects.count()
    assert report["queued"] > 0
    assert MatchModel.objects.filter(active=True).count() == 1
    truth = {frozenset(pair) for pair in stats.truth}
    queued = {frozenset((p.person_a_id, p.person_b_id)) for p in ReviewPair.objects.all()}
    assert len(truth & queued) >= 0.8 * len(truth)
    # Running again queues nothing twice.
    again = json.loads(run("dedupe", "--json", "--no-train"))
    assert again["queued"] == 0


@pytest.mark.django_db(transaction=True)
def test_bench_matching_small(authority):
    report = json.loads(
        run(
            "bench",
            "matching",
            "--people",
            "300",
            "--queries",
            "20",
            "--concurrency",
            "2",
            "--json",
        )
    )
    assert report["match_keys"] >= 300
    assert report["search_one_connection"]["queries"] > 0
    assert report["search_concurrent"]["searchers"] == 2
    assert report["search_concurrent"]["queries"] > 0
    assert 0 <= report["duplicates_in_top_5"] <= 1
    assert "f1" in report["batch"]["metrics"]
