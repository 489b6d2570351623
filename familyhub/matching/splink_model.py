"""Splink 5 as the trainer of the match model's m and u.

The model is the engine's own (compare.py, parameters.py): one joint comparison "identity"
(given name x date of birth x family name x postcode, 5 levels each counting missing, 625
levels) plus NHS number and sex. Here it is declared to Splink as three comparisons whose
levels are written with DuckDB macros made from the batch engine's SQL (batch.FIELD_LEVEL_SQL),
so Splink's comparison vectors are, level for level, the engine's:

    identity: fh_identity(identity_fields_l, identity_fields_r) = k   (k = compare.joint_index)
              for every k some candidate pair has, then "any other pattern" (see identity_order)
    nhs:      null level when either is missing; agree; disagree
    sex:      null level when either is missing; agree; disagree

DuckDB does not share the macro's result between a CASE's branches, and planning a CASE of 625
macro calls took 5-10 s per query (measured), so the identity levels are given commonest first
and only those some candidate pair has.

Splink then estimates (on the engine's DuckDB connection, table `recs`):

- m from the register's own labels: `estimate_m_from_label_column("nhs_number")` (every pair of
  records that share an NHS number is one person), plus people's confirmed review decisions
  through `estimate_m_from_pairwise_labels`;
- u either among candidate pairs whose NHS numbers differ (the default, "candidates": the
  people a search or the batch actually has to tell apart are relatives at one address, and u
  counted among random pairs cannot see that) plus people's rejected decisions, again through
  `estimate_m_from_pairwise_labels` on those non-matching pairs; or ("random") with
  `estimate_u_using_random_sampling`, Splink's standard.

Splink returns proportions per level; this module turns them back into counts (proportion x
pairs), smooths them towards the starting model exactly as batch.supervised does (20
pseudo-pairs, so a level never observed keeps its starting weight) and writes parameters of
parameters.py's shape (version 3). The engine's DuckDB scorer then scores the batch (Splink's
own predict() on the same pairs is SplinkTrainer.predict, `familyhub dedupe --scorer splink`).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import numpy as np
import pandas as pd

from familyhub.matching.batch import BLOCKING_RULES, FIELD_LEVEL_SQL, Engine, _level_arrays
from familyhub.matching.compare import JOINT, LEVELS, model_size
from familyhub.matching.parameters import DEFAULTS

SHRINK = 20.0  # pseudo-pairs of the starting model, as batch.supervised
FIELD_COLUMNS = {"given": "g", "family": "f", "dob": "d", "postcode": "p"}
INPUT_VIEW = "splink_recs"
REFERENCE = re.compile(r"\b([lr])\.(\w+)")
# A record's fields the identity comparison reads, packed in one struct column so each of
# Splink's level conditions is short (Splink parses every one with sqlglot).
IDENTITY_FIELDS = (
    "given",
    "groups",
    "family",
    "previous_families",
    "dob",
    "dob_year",
    "dob_swap",
    "postcode",
)


def register_macros(con: Any) -> str:
    """DuckDB macros for each field's level (batch.FIELD_LEVEL_SQL, over a struct of a record's
    identity fields) and for the identity index (compare.joint_index); returns the SQL of the
    identity index over Splink's column names. One struct column keeps each of Splink's 625
    level conditions short (Splink parses every one with sqlglot)."""
    index = "0"
    for name in JOINT["identity"]:
        body = REFERENCE.sub(r"struct_extract(\1, '\2')", FIELD_LEVEL_SQL[FIELD_COLUMNS[name]])
        con.execute(f"CREATE OR REPLACE MACRO fh_{name}_level(l, r) AS ({body})")
        index = f"({index}) * {len(LEVELS[name]) + 1} + (fh_{name}_level(l, r) + 1)"
    con.execute(f"CREATE OR REPLACE MACRO fh_identity(l, r) AS ({index})")
    return "fh_identity(identity_fields_l, identity_fields_r)"


def _levels(conditions: list[str], *, null: str | None = None) -> list[dict[str, Any]]:
    """Splink level dicts, in CASE order; Splink numbers the non-null levels downwards from
    len - 1, so the level at position i has comparison_vector_value len - 1 - i."""
    out: list[dict[str, Any]] = []
    if null is not None:
        out.append({"sql_condition": null, "label_for_charts": "missing", "is_null_level": True})
    out += [{"sql_condition": c, "label_for_charts": c[-12:]} for c in conditions]
    return out


def settings(identity_call: str, identity_order: list[int]) -> dict[str, Any]:
    """Splink settings: our three comparisons. The identity levels are mutually exclusive, so
    their order changes nothing but speed: DuckDB tries a CASE's branches in turn (it does not
    share the macro's result between them), so the commonest patterns go first."""
    size = model_size("identity")
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "id",
        "probability_two_random_records_match": DEFAULTS["prior"],
        "blocking_rules_to_generate_predictions": [
            rule.replace("<> ''", "IS NOT NULL") for rule in BLOCKING_RULES
        ],
        "comparisons": [
            {
                "output_column_name": "identity",
                "comparison_description": "given x dob x family x postcode (compare.JOINT)",
                "comparison_levels": _levels(
                    [f"{identity_call} = {k}" for k in identity_order]
                    + ([] if len(identity_order) == size else ["TRUE"])
                ),
            },
            {
                "output_column_name": "nhs",
                "comparison_levels": _levels(
                    ["nhs_number_l = nhs_number_r", "TRUE"],
                    null="nhs_number_l IS NULL OR nhs_number_r IS NULL",
                ),
            },
            {
                "output_column_name": "sex",
                "comparison_levels": _levels(
                    ["sex_l = sex_r", "TRUE"], null="sex_l = '' OR sex_r = ''"
                ),
            },
        ],
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": False,
        "additional_columns_to_retain": [],
    }


def identity_order(engine: Engine, *, every_level: bool = False) -> list[int]:
    """The identity levels Splink is given, commonest first among the engine's candidate pairs
    (compare() done). Unless `every_level`, only the levels some candidate pair has: every pair
    Splink trains on (pairs sharing an NHS number, candidate pairs, review decisions) is a
    candidate pair, so the other levels would count nothing, and each level costs DuckDB time
    to plan (measured: 625 levels take 5-10 s per query, 50 levels 0.4 s). The levels left out
    meet Splink's last level, "any other pattern", and keep their starting weights."""
    size = model_size("identity")
    frequency = np.zeros(size)
    if engine.pattern_counts is not None and len(engine.pattern_counts):
        cells = _level_arrays(engine.pattern_counts)["identity"]
        frequency += np.bincount(
            cells, weights=engine.pattern_counts["c"].to_numpy(dtype=float), minlength=size
        )
    if every_level or not frequency.any():
        frequency += np.asarray(DEFAULTS["comparisons"]["identity"]["u"], dtype=float) * 1e-9
    order = np.argsort(-frequency, kind="stable")
    return [int(k) for k in order if frequency[k] > 0]


class SplinkTrainer:
    """A Splink Linker over the engine's records (same DuckDB connection)."""

    def __init__(self, engine: Engine, *, every_level: bool = False) -> None:
        from splink import DuckDBAPI

        self.engine = engine
        con = engine.con
        self.identity_call = register_macros(con)
        # Splink's label column must be NULL where there is no NHS number, not ''.
        con.execute(
            f"""CREATE OR REPLACE VIEW {INPUT_VIEW} AS
                SELECT id, given_canon, family_key, dob, dob_year, dob_swap, postcode,
                       NULLIF(nhs_number, '') AS nhs_number, sex,
                       struct_pack({", ".join(IDENTITY_FIELDS)}) AS identity_fields
                FROM recs"""
        )
        self.db_api = DuckDBAPI(connection=con.cursor())
        self.table = self.db_api.register(INPUT_VIEW)
        self.timings: dict[str, float] = {}
        order = identity_order(engine, every_level=every_level)
        self.settings = settings(self.identity_call, order)
        # Our level index for each comparison, by Splink's position in the CASE.
        self.orders = {"identity": order, "nhs": [0, 1], "sex": [0, 1]}
        self._labels: tuple | None = None

    def linker(self):
        from splink import Linker

        return Linker(self.table, self.settings, log_level=logging.ERROR)

    # --- estimates, as counts per level in our order ------------------------------------

    def _trained(self, linker: Any, kind: str) -> dict[str, np.ndarray]:
        """The last trained m (or u) proportions per comparison, in our level order (NaN for
        a level not observed)."""
        out = {}
        for comparison in linker._settings_obj.comparisons:
            levels = comparison._comparison_levels_excluding_null
            values = np.full(model_size(comparison.output_column_name), np.nan)
            for level in levels:
                trained = getattr(level, f"_trained_{kind}_probabilities")
                value = trained[-1]["probability"] if trained else None
                order = self.orders[comparison.output_column_name]
                position = len(levels) - 1 - level.comparison_vector_value
                if position < len(order):  # not "any other pattern"
                    values[order[position]] = value if isinstance(value, float | int) else np.nan
            out[comparison.output_column_name] = values
        return out

    def _pairwise(
        self, pairs_sql: str, name: str
    ) -> tuple[dict[str, np.ndarray] | None, dict[str, int]]:
        """Level proportions of the labelled pairs a query selects (columns l, r), counted by
        Splink's estimate_m_from_pairwise_labels; and how many pairs there were. The pairs stay
        in DuckDB (a million pairs need not pass through Python)."""
        con = self.engine.con
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT l AS id_l, r AS id_r FROM ({pairs_sql})"
        )
        try:
            counts = _pair_counts(con, f"SELECT id_l AS l, id_r AS r FROM {name}")
            if not counts["identity"]:
                return None, counts
            linker = self.linker()
            linker.training.estimate_m_from_pairwise_labels(name)
            proportions = self._trained(linker, "m")
            linker.table_management.delete_tables_created_by_splink_from_db()
            return proportions, counts
        finally:
            con.execute(f"DROP TABLE IF EXISTS {name}")

    def _decisions(self, decisions: pd.DataFrame, match: int, name: str):
        chosen = decisions.loc[decisions["match"] == match, ["l", "r"]]
        frame = pd.DataFrame(
            {
                "l": np.minimum(chosen["l"], chosen["r"]).to_numpy(dtype=np.int64),
                "r": np.maximum(chosen["l"], chosen["r"]).to_numpy(dtype=np.int64),
            }
        )
        self.engine.con.register(f"{name}_df", frame)
        try:
            return self._pairwise(f"SELECT l, r FROM {name}_df", name)
        finally:
            self.engine.con.unregister(f"{name}_df")

    def _register_labels(self, u_from: str, max_pairs: float) -> tuple[dict, dict, float | None]:
        """Counts per level from the register's own labels (kept: review decisions are
        added to them without counting the register again), and the prior."""
        con = self.engine.con
        counts_m: dict[str, np.ndarray] = {}
        counts_u: dict[str, np.ndarray] = {}

        started = time.perf_counter()
        same_number = _pair_counts(
            con,
            f"""SELECT l.id AS l, r.id AS r FROM {INPUT_VIEW} l JOIN {INPUT_VIEW} r
                ON l.nhs_number = r.nhs_number AND l.id < r.id""",
        )
        n_match = same_number["identity"]
        if n_match:
            linker = self.linker()
            linker.training.estimate_m_from_label_column("nhs_number")
            _add(counts_m, self._trained(linker, "m"), same_number)
            linker.table_management.delete_tables_created_by_splink_from_db()
        self._lap("splink_m_seconds", started)

        started = time.perf_counter()
        prior = None
        if u_from == "random":
            linker = self.linker()
            linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
            _add(counts_u, self._trained(linker, "u"), dict.fromkeys(self.orders, int(max_pairs)))
            linker.table_management.delete_tables_created_by_splink_from_db()
            n_nhs = _count(con, f"SELECT count(*) FROM {INPUT_VIEW} WHERE nhs_number IS NOT NULL")
            if n_nhs > 1 and n_match:
                prior = n_match / (n_nhs * (n_nhs - 1) / 2)
        else:
            proportions, differ = self._pairwise(
                f"""SELECT p.l, p.r FROM pairs p JOIN {INPUT_VIEW} l ON l.id = p.l
                    JOIN {INPUT_VIEW} r ON r.id = p.r WHERE l.nhs_number <> r.nhs_number""",
                "fh_nonmatch_labels",
            )
            _add(counts_u, proportions, differ)
            if n_match + differ["identity"]:
                prior = n_match / (n_match + differ["identity"])
        self._lap("splink_u_seconds", started)
        return counts_m, counts_u, prior

    def _lap(self, name: str, started: float) -> None:
        self.timings[name] = round(time.perf_counter() - started, 2)

    def train(
        self,
        *,
        start: dict | None = None,
        decisions: pd.DataFrame | None = None,
        label_weight: float = 1.0,
        u_from: str = "candidates",
        max_pairs: float = 1e7,
    ) -> dict:
        """Parameters (parameters.py shape) trained by Splink. `decisions`: people's review
        decisions (columns l, r, match 0/1), each counted `label_weight` times."""
        base = start or DEFAULTS
        if self._labels is None or self._labels[0] != u_from:
            self._labels = (u_from, *self._register_labels(u_from, max_pairs))
        _u_from, base_m, base_u, prior = self._labels
        counts_m = dict(base_m)
        counts_u = dict(base_u)
        prior = base["prior"] if prior is None else prior

        started = time.perf_counter()
        n_confirmed = n_rejected = 0
        if decisions is not None and len(decisions):
            proportions, confirmed = self._decisions(decisions, 1, "fh_confirmed")
            _add(counts_m, proportions, confirmed, label_weight)
            proportions, rejected = self._decisions(decisions, 0, "fh_rejected")
            _add(counts_u, proportions, rejected, label_weight)
            n_confirmed, n_rejected = confirmed["identity"], rejected["identity"]
        self._lap("splink_decisions_seconds", started)

        if not counts_m and not counts_u:
            return {**base, "threshold": 0.5}
        comparisons = {}
        for name in ("identity", "sex"):
            comparisons[name] = {
                kind: _smoothed(
                    counts.get(name), np.asarray(base["comparisons"][name][kind], dtype=float)
                )
                for kind, counts in (("m", counts_m), ("u", counts_u))
            }
        # The NHS comparison keeps the starting values: the labels come from it.
        comparisons["nhs"] = dict(base["comparisons"]["nhs"])
        return {
            "version": DEFAULTS["version"],
            "prior": float(min(max(prior, 1e-9), 0.9)),
            "threshold": base.get("threshold", 0.8),
            "comparisons": comparisons,
            "trainer": f"splink {_splink_version()}",
            "u_from": u_from,
            "labelled_pairs": n_confirmed + n_rejected,
        }

    def predict(self, parameters: dict, threshold: float = 0.01) -> dict[str, Any]:
        """Score with Splink's own predict() (our blocking rules, `parameters` loaded into the
        Splink model) into table `scored` (l, r, score, probability), as Engine.score does; the
        pairs below `threshold` are left out, as they link nothing."""
        linker = self.linker()
        linker._settings_obj._probability_two_random_records_match = parameters["prior"]
        for comparison in linker._settings_obj.comparisons:
            name = comparison.output_column_name
            spec = parameters["comparisons"][name]
            order = self.orders[name]
            levels = comparison._comparison_levels_excluding_null
            for level in levels:
                position = len(levels) - 1 - level.comparison_vector_value
                # "any other pattern" (no candidate pair has it): no weight.
                k = order[position] if position < len(order) else None
                m = spec["m"][k] if k is not None else 0.5
                u = spec["u"][k] if k is not None else 0.5
                level.m_probability = min(max(m, 1e-9), 1.0)
                level.u_probability = min(max(u, 1e-9), 1.0)
        started = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        seconds = time.perf_counter() - started
        self.engine.con.execute(
            f"""CREATE OR REPLACE TABLE scored AS
                SELECT id_l AS l, id_r AS r, match_weight AS score,
                       match_probability AS probability
                FROM {predictions.physical_name}"""
        )
        rows = _count(self.engine.con, "SELECT count(*) FROM scored")
        predictions.drop_table_from_database_and_remove_from_cache()
        return {"splink_predict_seconds": round(seconds, 2), "splink_predicted_pairs": rows}


def _add(
    target: dict[str, np.ndarray], proportions: dict | None, pairs: dict[str, int], weight=1.0
) -> None:
    """Add Splink's proportions per level, as counts, to `target`: Splink's proportions are
    among the pairs outside a comparison's null level, `pairs` counts those per comparison."""
    if proportions is None:
        return
    for name, values in proportions.items():
        target[name] = target.get(name, 0) + np.nan_to_num(values) * pairs[name] * weight


def _pair_counts(con: Any, pairs_sql: str) -> dict[str, int]:
    """How many of the pairs (columns l, r) each comparison sees outside its null level."""
    row = con.execute(
        f"""SELECT count(*),
                   count(*) FILTER (WHERE l.nhs_number IS NOT NULL AND r.nhs_number IS NOT NULL),
                   count(*) FILTER (WHERE l.sex <> '' AND r.sex <> '')
            FROM ({pairs_sql}) p JOIN {INPUT_VIEW} l ON l.id = p.l
            JOIN {INPUT_VIEW} r ON r.id = p.r"""
    ).fetchall()[0]
    return {"identity": int(row[0]), "nhs": int(row[1]), "sex": int(row[2])}


def _count(con: Any, sql: str) -> int:
    # fetchall: DuckDB keeps a result open until it is read to the end.
    return int(con.execute(sql).fetchall()[0][0])


def _smoothed(counts: np.ndarray | None, start: np.ndarray) -> list[float]:
    """Proportions from counts, shrunk towards `start` by SHRINK pseudo-pairs (batch._estimate)."""
    if counts is None:
        counts = np.zeros_like(start)
    values = (counts + SHRINK * start / start.sum()) / (counts.sum() + SHRINK)
    return [float(f"{x:.6g}") for x in values]


def _splink_version() -> str:
    import splink

    return splink.__version__
