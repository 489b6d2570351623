"""`familyhub bench matching` and `familyhub bench febrl` (registered in MatchingConfig.ready()).

bench matching --people N: fills the configured database with N synthetic people (the people
part's generator, with its seeded near-duplicates), builds the match keys, trains the model on
the register and saves it, then measures real-time search (one connection, warm; then 20 threads
each with its own connection) and the batch dedupe of the register.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
from typing import Any

import numpy as np

Options = dict[str, Any]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return round(ordered[index] * 1000, 3)


def _latency(values: list[float]) -> dict[str, float]:
    return {
        "queries": len(values),
        "p50_ms": _percentile(values, 0.50),
        "p95_ms": _percentile(values, 0.95),
        "p99_ms": _percentile(values, 0.99),
        "mean_ms": round(statistics.fmean(values) * 1000, 3) if values else 0.0,
    }


def add_matching_arguments(parser) -> None:
    parser.add_argument("--people", type=int, required=True, help="How many records to add")
    parser.add_argument("--queries", type=int, default=2000, help="Searches to time")
    parser.add_argument("--concurrency", type=int, default=20, help="Concurrent searchers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicates", type=float, default=0.05, help="Share of near-duplicates")
    parser.add_argument("--no-batch", action="store_true", help="Skip the batch dedupe figures")
    parser.add_argument("--json", action="store_true")


def _authority():
    from django.conf import settings

    from familyhub.places.models import Authority

    authority, _ = Authority.objects.get_or_create(
        code=settings.FAMILYHUB_AUTHORITY_CODE, defaults={"name": "Benchmark council"}
    )
    return authority


def _fill(people: int, *, authority, seed: int, rate: float) -> tuple[list[tuple[int, int]], str]:
    """Add the people; returns (duplicate pk, true pk) pairs and which generator made them."""
    from familyhub.people import synth

    stats = synth.fill_database(people, authority=authority, seed=seed, duplicate_rate=rate)
    return list(stats.truth), "familyhub.people.synth.fill_database"


def _queries(truth: list[tuple[int, int]], count: int, seed: int) -> list[dict]:
    from familyhub.people.models import Person

    rng = random.Random(seed)
    chosen = rng.sample(truth, min(count, len(truth)))
    wanted = dict(chosen)
    people = Person.objects.filter(pk__in=list(wanted)).values(
        "pk", "given_name", "family_name", "date_of_birth", "postcode", "nhs_number", "sex"
    )
    out = []
    for row in people:
        out.append(
            {
                "self": row["pk"],
                "true": wanted[row["pk"]],
                "query": {
                    "given_name": row["given_name"],
                    "family_name": row["family_name"],
                    "date_of_birth": row["date_of_birth"],
                    "postcode": row["postcode"],
                    "nhs_number": row["nhs_number"],
                    "sex": row["sex"],
                },
            }
        )
    rng.shuffle(out)
    return out


def _search_once(authority, item: dict) -> tuple[float, bool]:
    from familyhub.matching.search import search_candidates

    started = time.perf_counter()
    found = search_candidates(authority=authority, limit=6, **item["query"])
    elapsed = time.perf_counter() - started
    top = [c.person_id for c in found if c.person_id != item["self"]][:5]
    return elapsed, item["true"] in top


def _concurrent(authority, items: list[dict], threads: int) -> list[float]:
    from django.db import connections

    latencies: list[float] = []
    lock = threading.Lock()

    def work(part: list[dict]) -> None:
        mine = []
        try:
            _search_once(authority, part[0])  # open this thread's own connection, warm
            start_line.wait()
            for item in part:
                mine.append(_search_once(authority, item)[0])
        finally:
            connections.close_all()
        with lock:
            latencies.extend(mine)

    parts = [items[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(part,)) for part in parts if part]
    start_line = threading.Barrier(len(workers))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies


def _batch(truth: list[tuple[int, int]], authority_id: int) -> dict:
    from familyhub.matching.batch import Engine, frame_from_register, pairwise_metrics
    from familyhub.matching.dedupe import peak_memory_mb
    from familyhub.matching.parameters import save_model

    started = time.perf_counter()
    frame = frame_from_register(authority_id)
    read = time.perf_counter() - started
    engine = Engine(frame)
    pairs = engine.block()
    engine.compare()
    parameters = engine.train()
    engine.score(parameters)
    labels = engine.cluster(float(parameters["threshold"]))
    seconds = time.perf_counter() - started
    true_of = dict(truth)
    ids = frame["id"].to_numpy()
    truth_labels = np.array([true_of.get(int(i), int(i)) for i in ids])
    metrics = pairwise_metrics(labels, truth_labels)
    engine.close()
    save_model(
        parameters,
        method="familyhub bench matching: NHS-number pairs among candidate pairs",
        trained_on=len(frame),
    )
    return {
        "records": int(len(frame)),
        "candidate_pairs": pairs,
        "read_from_database_seconds": round(read, 2),
        "seconds": round(seconds, 2),
        "peak_memory_mb": peak_memory_mb(),
        "peak_memory_measure": "ru_maxrss of the whole bench process",
        "metrics": metrics,
    }


def handle_matching(options: Options, stdout) -> None:
    from django.db import connection

    from familyhub.matching.keys import refresh_all_keys
    from familyhub.matching.parameters import forget_cached

    people = int(options["people"])
    if people < 10:
        from django.core.management.base import CommandError

        raise CommandError("--people must be at least 10.")
    report: dict[str, Any] = {
        "database": connection.vendor,
        "people_requested": people,
    }
    authority = _authority()
    started = time.perf_counter()
    truth, generator = _fill(
        people, authority=authority, seed=int(options["seed"]), rate=float(options["duplicates"])
    )
    report["generator"] = generator
    report["fill_seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    report["match_keys"] = refresh_all_keys()
    report["match_keys_seconds"] = round(time.perf_counter() - started, 2)
    report["seeded_duplicates"] = len(truth)
    if not options.get("no_batch"):
        report["batch"] = _batch(truth, authority.pk)
    forget_cached()
    items = _queries(truth, int(options["queries"]), int(options["seed"]))
    if items:
        for item in items[:50]:  # warm the connection, the caches and the plans
            _search_once(authority, item)
        latencies, found = [], 0
        for item in items:
            elapsed, hit = _search_once(authority, item)
            latencies.append(elapsed)
            found += hit
        report["search_one_connection"] = _latency(latencies)
        report["duplicates_in_top_5"] = round(found / len(items), 4)
        threads = max(1, int(options["concurrency"]))
        report["search_concurrent"] = {
            "threads": threads,
            **_latency(_concurrent(authority, items, threads)),
        }
    if options.get("json"):
        stdout.write(json.dumps(report, indent=2, default=str))
        return
    for key, value in report.items():
        stdout.write(f"{key}: {value}")


# --- FEBRL ------------------------------------------------------------------------------------


def add_febrl_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true")


def handle_febrl(options: Options, stdout) -> None:
    from familyhub.matching.febrl import run_febrl

    report = {"febrl3": run_febrl("febrl3"), "febrl4": run_febrl("febrl4")}
    if options.get("json"):
        stdout.write(json.dumps(report, indent=2, default=str))
        return
    for name, figures in report.items():
        m = figures["metrics"]
        stdout.write(
            f"{name}: precision {m['precision']}, recall {m['recall']}, F1 {m['f1']} "
            f"in {figures['seconds']} s"
        )
