"""Batch deduplication: of a labelled CSV (measured against its truth column), or of the register
(likely duplicates go to the review queue).

Two trainers of the same model (compare.py's comparisons, parameters.py's shape): "splink"
(the default: Splink 5 estimates m and u, splink_model.py) and "engine" (the batch engine's own
counts, batch.Engine.train). Two scorers of the candidate pairs, with the same results: "splink"
(the default: Splink's predict() with the same blocking rules; it met the 1,000,000-record
targets, see docs/PERFORMANCE.md) and "engine" (the batch engine's DuckDB join on comparison
patterns, an order of magnitude faster).

Peak memory is the process's maximum resident set size (resource.getrusage ru_maxrss), which
counts DuckDB's native memory as well as Python's.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from familyhub.core.csvfiles import Problems
from familyhub.matching.batch import (
    Engine,
    frame_from_register,
    learn_from_labels,
    pairwise_metrics,
)
from familyhub.matching.compare import FIELD_NAMES, LEVELS, SHOWN
from familyhub.matching.models import ReviewPair, ReviewStatus
from familyhub.matching.parameters import DEFAULTS, active_parameters, save_model
from familyhub.matching.splink_model import SplinkTrainer

LEVEL_COLUMNS = ("g", "f", "d", "p", "n", "s")
TRAINERS = ("splink", "engine")
SCORERS = ("splink", "engine")
# A review decision counts as this many labelled pairs when Splink re-estimates m and u: the
# decisions are the pairs the model was least sure of, a few hundred among a register's
# hundred thousand NHS-number pairs.
DECISION_WEIGHT = 20.0
TRAINING = {
    "splink": "Splink {version}: m from pairs sharing an NHS number "
    "(estimate_m_from_label_column) and confirmed decisions, u from candidate pairs whose NHS "
    "numbers differ and rejected decisions (estimate_m_from_pairwise_labels); joint "
    "name/date-of-birth/postcode comparison",
    "engine": "batch engine: counts of candidate pairs where both records have an NHS number "
    "(same number = one person), joint name/date-of-birth/postcode comparison",
}


class Model:
    """The trainer and scorer chosen for one run, over one engine."""

    def __init__(self, engine: Engine, *, trainer: str = "splink", scorer: str = "splink"):
        if trainer not in TRAINERS:
            raise ValueError(f"trainer: '{trainer}' is not one of {', '.join(TRAINERS)}")
        if scorer not in SCORERS:
            raise ValueError(f"scorer: '{scorer}' is not one of {', '.join(SCORERS)}")
        self.engine, self.trainer, self.scorer = engine, trainer, scorer
        self.splink: Any = None
        self.timings: dict[str, float] = {}
        if "splink" in (trainer, scorer):
            self.splink = SplinkTrainer(engine)

    def describe(self) -> str:
        import splink

        return TRAINING[self.trainer].format(version=splink.__version__)

    def method(self) -> str:
        if self.trainer == "splink":
            import splink

            return f"splink {splink.__version__} (familyhub dedupe)"
        return "familyhub dedupe: NHS-number pairs among candidate pairs"

    def train(self, *, start: dict = DEFAULTS, decisions: pd.DataFrame | None = None) -> dict:
        """Parameters from the register's own labels and `decisions` (l, r, match and, for the
        engine trainer, the level columns g..s)."""
        if self.trainer == "splink":
            parameters = self.splink.train(
                start=start, decisions=decisions, label_weight=DECISION_WEIGHT
            )
            self.timings.update(self.splink.timings)
            return parameters
        parameters = self.engine.train(start=start)
        if decisions is not None and len(decisions):
            parameters = learn_from_labels(parameters, decisions)
        return parameters

    def retrain(self, parameters: dict, decisions: pd.DataFrame) -> dict:
        """The model after people's decisions, as each trainer learns from them."""
        if self.trainer == "splink":
            return self.train(start=DEFAULTS, decisions=decisions)
        return learn_from_labels(parameters, decisions)

    def score(self, parameters: dict) -> None:
        """Table `scored` (l, r, score, probability, g..s) for every candidate pair (Splink:
        those at probability 0.01 or more)."""
        pattern_counts = self.engine.pattern_counts
        if self.scorer == "engine" or pattern_counts is None or not len(pattern_counts):
            self.engine.score(parameters)  # no candidate pairs: nothing for Splink to score
            return
        info = self.splink.predict(parameters)
        self.timings.update(info)
        self.engine.con.execute(
            """CREATE OR REPLACE TABLE scored AS
               SELECT s.l, s.r, s.score, s.probability, c.g, c.f, c.d, c.p, c.n, c.s
               FROM scored s JOIN cmp c USING (l, r)"""
        )


def peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _truth_of(frame: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    truth = pd.Series(frame["truth"].to_numpy(), index=frame["id"].to_numpy())
    return (
        truth.reindex(pairs["l"].to_numpy()).to_numpy()
        == truth.reindex(pairs["r"].to_numpy()).to_numpy()
    )


def _cluster_with_decisions(
    engine: Engine, threshold: float, decided: pd.DataFrame | None
) -> np.ndarray:
    """Clusters where people's decisions overrule the model: a confirmed pair is linked, a
    rejected one is not."""
    if decided is None or not len(decided):
        return engine.cluster(threshold)
    engine.con.register("decided_df", decided[["l", "r", "match"]])
    try:
        engine.con.execute(
            """
            CREATE OR REPLACE TABLE scored AS
            SELECT s.l, s.r, s.score,
                   CASE WHEN d.match IS NULL THEN s.probability
                        WHEN d.match = 1 THEN 1.0 ELSE 0.0 END AS probability,
                   s.g, s.f, s.d, s.p, s.n, s.s
            FROM scored s LEFT JOIN decided_df d ON d.l = s.l AND d.r = s.r
            """
        )
    finally:
        engine.con.unregister("decided_df")
    return engine.cluster(threshold)


def run_file(
    path: str | Path,
    *,
    truth: str | None,
    threshold: float | None = None,
    simulate_review: int = 0,
    threads: int = 2,
    trainer: str = "splink",
    scorer: str = "splink",
) -> dict[str, Any]:
    """Deduplicate a CSV with the generator's columns; with `truth`, measure pairwise precision,
    recall and F1. Values that cannot be used are read as missing, and rows that cannot be used
    left out, and both are listed in the report's "problems" (batch.load_csv). With `simulate_review`, also answer that many review-queue pairs from the
    truth (the most uncertain first, as the queue shows them), retrain with them and measure
    again."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)

    problems = Problems()
    engine = Engine.from_csv(path, truth=truth, threads=threads, problems=problems)
    frame = engine.frame
    lap("read_seconds")
    candidate_pairs = engine.block()
    lap("block_seconds")
    engine.compare()
    lap("compare_seconds")
    model = Model(engine, trainer=trainer, scorer=scorer)
    parameters = model.train()
    lap("train_seconds")
    threshold = float(threshold if threshold is not None else parameters["threshold"])
    model.score(parameters)
    labels = engine.cluster(threshold)
    lap("score_and_cluster_seconds")
    timings.update(model.timings)
    result: dict[str, Any] = {
        "input": str(path),
        "records": int(len(frame)),
        # Values read as missing and rows left out: row (header = 1), field, value, problem.
        "problems": problems.as_json(),
        "candidate_pairs": candidate_pairs,
        "threshold": threshold,
        "clusters": int(len(np.unique(labels))),
        "trainer": trainer,
        "scorer": scorer,
        "training": model.describe(),
    }
    if truth:
        result["metrics"] = pairwise_metrics(labels, frame["truth"].to_numpy())
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["timings"] = timings
    result["peak_memory_mb"] = peak_memory_mb()
    result["peak_memory_measure"] = "resource.getrusage(RUSAGE_SELF).ru_maxrss (whole process)"
    if truth and simulate_review:
        result["review"] = _simulate_review(model, frame, parameters, threshold, simulate_review)
    engine.close()
    return result


def review_candidates(engine: Engine, threshold: float, count: int) -> pd.DataFrame:
    """The pairs the review queue shows first: the least certain of the model's links and
    near-links (probability between 0.05 and 0.995), nearest the threshold first."""
    return engine.con.execute(
        """
        SELECT l, r, g, f, d, p, n, s, probability FROM scored
        WHERE probability BETWEEN 0.05 AND 0.995
        ORDER BY abs(probability - ?), l, r LIMIT ?
        """,
        [threshold, int(count)],
    ).df()


REVIEW_METHODS = {
    "engine": "P(match | identity pattern) re-estimated from the decisions (Beta prior of "
    "4 pseudo-pairs at the model's own estimate); decided pairs then linked or kept apart",
    "splink": "decisions fed to Splink as pairwise labels (confirmed: m, rejected: u; each "
    f"counted {DECISION_WEIGHT:g} times) and m and u re-estimated; decided pairs then linked or "
    "kept apart",
}


def _simulate_review(
    model: Model,
    frame: pd.DataFrame,
    parameters: dict,
    threshold: float,
    count: int,
) -> dict[str, Any]:
    started = time.perf_counter()
    engine = model.engine
    before = pairwise_metrics(engine.cluster(threshold), frame["truth"].to_numpy())
    asked = review_candidates(engine, threshold, count)
    asked["match"] = _truth_of(frame, asked).astype(int)
    retrained = model.retrain(parameters, asked)
    model.score(retrained)
    model_only = pairwise_metrics(engine.cluster(threshold), frame["truth"].to_numpy())
    after = pairwise_metrics(
        _cluster_with_decisions(engine, threshold, asked), frame["truth"].to_numpy()
    )
    return {
        "labelled_pairs": int(len(asked)),
        "confirmed": int(asked["match"].sum()),
        "rejected": int(len(asked) - asked["match"].sum()),
        "method": REVIEW_METHODS[model.trainer],
        "f1_before": before["f1"],
        "f1_after_retraining": model_only["f1"],
        "f1_after_retraining_and_decisions": after["f1"],
        "before": before,
        "after": after,
        "seconds": round(time.perf_counter() - started, 2),
    }


# --- the register ---------------------------------------------------------------------------


def _shown(row: Any) -> dict[str, str]:
    out = {}
    for name, column in zip(LEVELS, LEVEL_COLUMNS, strict=True):
        level = int(getattr(row, column))
        out[FIELD_NAMES[name]] = "missing" if level < 0 else SHOWN[name][level]
    return out


def labelled_pairs_frame() -> pd.DataFrame | None:
    """People's decisions so far, as labelled comparison rows (levels as found when queued)."""

    rows = []
    for levels, status in ReviewPair.objects.exclude(status=ReviewStatus.PENDING).values_list(
        "levels", "status"
    ):
        if levels and all(column in levels for column in LEVEL_COLUMNS):
            row = {column: int(levels[column]) for column in LEVEL_COLUMNS}
            row["match"] = 1 if status == ReviewStatus.CONFIRMED else 0
            rows.append(row)
    return pd.DataFrame(rows) if rows else None


def decided_pairs_frame() -> pd.DataFrame | None:
    """People's decisions so far as pairs of people (l < r, match 0/1), for Splink."""

    rows = [
        (min(a, b), max(a, b), 1 if status == ReviewStatus.CONFIRMED else 0)
        for a, b, status in ReviewPair.objects.exclude(status=ReviewStatus.PENDING).values_list(
            "person_a_id", "person_b_id", "status"
        )
    ]
    return pd.DataFrame(rows, columns=["l", "r", "match"]) if rows else None


def run_register(
    *,
    authority_id: int | None = None,
    train: bool = True,
    threshold: float | None = None,
    review_floor: float = 0.5,
    threads: int = 2,
    trainer: str = "splink",
    scorer: str = "splink",
    stdout=None,
) -> dict[str, Any]:
    """Deduplicate the register: train (from the register and people's decisions so far), save
    the model, and put every likely duplicate pair not yet decided in the review queue."""
    from django.db import transaction

    started = time.perf_counter()
    frame = frame_from_register(authority_id)
    result: dict[str, Any] = {"records": int(len(frame))}
    if len(frame) < 2:
        result.update(candidate_pairs=0, queued=0, seconds=round(time.perf_counter() - started, 2))
        return result
    engine = Engine(frame, threads=threads)
    result["candidate_pairs"] = engine.block()
    engine.compare()
    parameters = active_parameters(fresh=True)
    model = Model(engine, trainer=trainer, scorer=scorer)
    if train:
        decisions = decided_pairs_frame() if trainer == "splink" else labelled_pairs_frame()
        n_labelled = 0 if decisions is None else len(decisions)
        parameters = model.train(start=DEFAULTS, decisions=decisions)
        save_model(
            parameters,
            method=model.method() + (f" and {n_labelled} reviewed pairs" if n_labelled else ""),
            trained_on=len(frame),
            labelled_pairs=n_labelled,
        )
        result["trained"] = True
        result["trainer"] = trainer
        result["labelled_pairs"] = n_labelled
    threshold = float(threshold if threshold is not None else parameters["threshold"])
    model.score(parameters)
    result["scorer"] = scorer
    links = engine.links(min(threshold, review_floor))
    existing = set(ReviewPair.objects.values_list("person_a_id", "person_b_id"))
    new = [
        ReviewPair(
            person_a_id=int(row.l),
            person_b_id=int(row.r),
            score=round(float(row.score), 3),
            probability=round(float(row.probability), 4),
            comparison=_shown(row),
            levels={column: int(getattr(row, column)) for column in LEVEL_COLUMNS},
        )
        for row in links.itertuples(index=False)
        if (int(row.l), int(row.r)) not in existing
    ]
    with transaction.atomic():
        ReviewPair.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    engine.close()
    result.update(
        threshold=threshold,
        queued=len(new),
        pending=ReviewPair.objects.filter(status=ReviewStatus.PENDING).count(),
        seconds=round(time.perf_counter() - started, 2),
        peak_memory_mb=peak_memory_mb(),
    )
    return result
