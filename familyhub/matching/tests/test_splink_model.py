"""Splink 5 as the trainer of the match model: the same comparisons as the engine, parameters of
the engine's shape, the same estimates as the engine's own counts, review decisions as pairwise
labels, and `familyhub dedupe --trainer splink`."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from familyhub.matching.batch import Engine, pairwise_metrics, pattern_scores
from familyhub.matching.compare import compare, model_size
from familyhub.matching.keys import refresh_all_keys
from familyhub.matching.models import MatchModel
from familyhub.matching.parameters import weights_of
from familyhub.matching.splink_model import SplinkTrainer
from familyhub.testing import synthetic


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("splink") / "people.csv"
    synthetic.write_csv(path, 2000, seed=11)
    return path


@pytest.fixture
def engine(csv_path):
    engine = Engine.from_csv(csv_path, truth="true_person_id")
    engine.block()
    engine.compare()
    yield engine
    engine.close()


def test_splink_parameters_have_the_engines_shape(engine):
    parameters = SplinkTrainer(engine).train()
    assert parameters["version"] == 3
    assert parameters["trainer"].startswith("splink 5")
    assert 0 < parameters["prior"] < 1
    for name in ("identity", "nhs", "sex"):
        spec = parameters["comparisons"][name]
        assert len(spec["m"]) == len(spec["u"]) == model_size(name)
        assert abs(sum(spec["m"]) - 1) < 1e-3 and abs(sum(spec["u"]) - 1) < 1e-3
        assert min(spec["m"]) > 0 and min(spec["u"]) > 0  # unseen levels keep a weight
    weights_of(parameters)  # raises if any comparison has the wrong number of levels


def test_splink_counts_what_the_engine_counts(engine):
    """Splink's comparison vectors are the engine's levels: trained from the same labels, the
    two models are the same model."""
    ours = engine.train()
    splinks = SplinkTrainer(engine).train()
    assert splinks["prior"] == pytest.approx(ours["prior"])
    for name in ("identity", "nhs", "sex"):
        for kind in ("m", "u"):
            np.testing.assert_allclose(
                splinks["comparisons"][name][kind], ours["comparisons"][name][kind], atol=1e-6
            )


def _probability(parameters: dict, a: dict, b: dict) -> float:
    levels = compare(a, b)
    row = pd.DataFrame(
        [
            {
                "g": levels["given"],
                "f": levels["family"],
                "d": levels["dob"],
                "p": levels["postcode"],
                "n": levels["nhs"],
                "s": levels["sex"],
            }
        ]
    )
    return float(pattern_scores(row, parameters)["probability"].iloc[0])


def _person(given: str, sex: str, dob: datetime.date, nhs: str = "") -> dict:
    return {
        "given": given,
        "family": "okafor",
        "previous_families": "",
        "dob": dob,
        "postcode": "RM175DQ",
        "nhs_number": nhs,
        "sex": sex,
    }


def test_splink_model_tells_twins_apart_and_matches_a_nickname(engine):
    parameters = SplinkTrainer(engine).train()
    threshold = parameters["threshold"]
    born = datetime.date(2019, 4, 2)
    twin_a, twin_b = _person("amara", "F", born), _person("chioma", "F", born)
    assert _probability(parameters, twin_a, twin_b) < threshold
    kate, katherine = _person("kate", "F", born), _person("katherine", "F", born)
    assert _probability(parameters, kate, katherine) >= threshold


def test_splink_learns_from_decisions_as_pairwise_labels(engine):
    trainer = SplinkTrainer(engine)
    before = trainer.train()
    truth = pd.Series(engine.frame["truth"].to_numpy(), index=engine.frame["id"].to_numpy())
    pairs = engine.con.execute("SELECT l, r FROM pairs ORDER BY l, r LIMIT 300").df()
    pairs["match"] = (
        truth.reindex(pairs["l"]).to_numpy() == truth.reindex(pairs["r"]).to_numpy()
    ).astype(int)
    after = trainer.train(decisions=pairs, label_weight=20)
    assert after["labelled_pairs"] == 300
    assert after["comparisons"]["identity"] != before["comparisons"]["identity"]
    engine.score(after)
    metrics = pairwise_metrics(engine.cluster(after["threshold"]), engine.frame["truth"])
    assert metrics["f1"] > 0.8


def test_splink_predict_scores_like_the_engine(engine):
    trainer = SplinkTrainer(engine)
    parameters = trainer.train()
    engine.score(parameters)
    ours = pairwise_metrics(engine.cluster(parameters["threshold"]), engine.frame["truth"])
    info = trainer.predict(parameters)
    assert info["splink_predicted_pairs"] > 0
    splinks = pairwise_metrics(engine.cluster(parameters["threshold"]), engine.frame["truth"])
    assert splinks["f1"] == pytest.approx(ours["f1"], abs=1e-4)


def test_dedupe_json_with_either_trainer(csv_path):
    reports = {
        trainer: json.loads(
            run(
                "dedupe",
                "--input",
                str(csv_path),
                "--truth",
                "true_person_id",
                "--trainer",
                trainer,
                "--simulate-review",
                "40",
                "--json",
            )
        )
        for trainer in ("splink", "engine")
    }
    assert reports["splink"]["trainer"] == "splink"
    assert "Splink 5" in reports["splink"]["training"]
    assert reports["splink"]["metrics"]["f1"] == pytest.approx(
        reports["engine"]["metrics"]["f1"], abs=1e-3
    )
    review = reports["splink"]["review"]
    assert review["f1_after_retraining_and_decisions"] >= review["f1_before"] - 0.01
    scored = json.loads(
        run(
            "dedupe",
            "--input",
            str(csv_path),
            "--truth",
            "true_person_id",
            "--scorer",
            "engine",
            "--json",
        )
    )
    assert reports["splink"]["scorer"] == "splink"
    assert scored["scorer"] == "engine"
    assert scored["metrics"]["f1"] == pytest.approx(reports["splink"]["metrics"]["f1"], abs=1e-3)


@pytest.mark.django_db
def test_dedupe_register_trains_with_splink(authority):
    from familyhub.demo import synth

    synth.fill_database(600, authority=authority, seed=4, duplicate_rate=0.1)
    refresh_all_keys()
    report = json.loads(run("dedupe", "--json"))
    assert report["trainer"] == report["scorer"] == "splink"
    assert report["queued"] > 0
    model = MatchModel.objects.get(active=True)
    assert model.method.startswith("splink 5")
    assert len(model.parameters["comparisons"]["identity"]["m"]) == model_size("identity")
    engine_report = json.loads(run("dedupe", "--json", "--trainer", "engine"))
    assert engine_report["trainer"] == "engine"
    assert MatchModel.objects.get(active=True).method.startswith("familyhub dedupe")
