"""`familyhub bench matching` and `familyhub bench febrl` (registered in MatchingConfig.ready()).

bench matching --people N: fills the configured database with N synthetic people (the people
part's generator, with its seeded near-duplicates), builds the match keys, trains the model on
the register and saves it, then measures real-time search (one connection, warm; then 20
searchers, each a separate process with its own connection, as gunicorn workers are) and the
batch dedupe of the register.

The register built is described in a small JSON file (the seeded duplicates' truth, the build
times), so `--reuse` measures again on the same register without rebuilding it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import random
import re
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from familyhub.bench import searcher
from familyhub.bench.febrl import run_febrl
from familyhub.demo import synth
from familyhub.matching.batch import Engine, frame_from_register, pairwise_metrics
from familyhub.matching.dedupe import Model, peak_memory_mb
from familyhub.matching.keys import refresh_all_keys
from familyhub.matching.parameters import forget_cached, save_model
from familyhub.matching.search import search_candidates
from familyhub.people.models import Person
from familyhub.places.models import Authority

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
    parser.add_argument(
        "--searchers",
        "--concurrency",
        dest="searchers",
        type=int,
        default=20,
        help="Concurrent searchers, each a separate process with its own connection",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure on the register an earlier run built in this database (no fill, no keys)",
    )
    parser.add_argument(
        "--register-file",
        default="",
        help="Where the built register's description is kept (default: under FAMILYHUB_VAR_DIR)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicates", type=float, default=0.05, help="Share of near-duplicates")
    parser.add_argument("--no-batch", action="store_true", help="Skip the batch dedupe figures")
    parser.add_argument(
        "--trainer",
        choices=("splink", "engine"),
        default="splink",
        help="Batch: who trains m and u",
    )
    parser.add_argument(
        "--scorer", choices=("splink", "engine"), default="splink", help="Batch: who scores pairs"
    )
    parser.add_argument("--json", action="store_true")


def _authority():
    from django.conf import settings

    authority, _ = Authority.objects.get_or_create(
        code=settings.FAMILYHUB_AUTHORITY_CODE, defaults={"name": "Benchmark council"}
    )
    return authority


def _fill(people: int, *, authority, seed: int, rate: float) -> tuple[list[tuple[int, int]], str]:
    """Add the people; returns (duplicate pk, true pk) pairs and which generator made them."""

    stats = synth.fill_database(people, authority=authority, seed=seed, duplicate_rate=rate)
    return list(stats.truth), "familyhub.demo.synth.fill_database"


def _queries(truth: list[tuple[int, int]], count: int, seed: int) -> list[dict]:

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


def _search_once(authority_id: int, item: dict) -> tuple[float, bool]:

    started = time.perf_counter()
    found = search_candidates(authority=authority_id, limit=6, **item["query"])
    elapsed = time.perf_counter() - started
    top = [c.person_id for c in found if c.person_id != item["self"]][:5]
    return elapsed, item["true"] in top


# Searcher processes: each one is started fresh ('spawn': no copy of the parent's connections
# or caches), sets Django up, opens its own connection, warms it as a long-running web worker's
# would be (the warm-up searches, untimed: the statements prepared and past PostgreSQL's first
# custom plans), waits for the others at the start line, runs its share and sends its latencies
# back.
START_LINE_SECONDS = 300.0
WARM_UP_SEARCHES = 200


def _database_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def _separate_processes_possible() -> bool:
    """A process of its own opens the same database, unless it is an in-memory SQLite one (the
    test suite's), which only this process can see."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return True
    name = _database_name()  # Django's own test for an in-memory SQLite database
    return not (name == ":memory:" or "mode=memory" in name)


def _backend_process() -> int | None:
    """The PostgreSQL backend serving this connection, when there is one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_seconds_of(pid: int | None) -> float | None:
    """User + system CPU of a process on this machine (Linux /proc), or None when it cannot be
    read (PostgreSQL on another machine)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _concurrent_processes(authority_id: int, items: list[dict], searchers: int) -> dict:
    from django.conf import settings

    context = multiprocessing.get_context("spawn")
    parts = [part for part in (items[i::searchers] for i in range(searchers)) if part]
    start_line = context.Barrier(len(parts))
    results = context.Queue()
    processes = [
        context.Process(
            target=searcher.run,
            args=(
                settings.SETTINGS_MODULE,
                _database_name(),
                authority_id,
                items[:WARM_UP_SEARCHES],
                part,
                start_line,
                results,
            ),
            daemon=True,
        )
        for part in parts
    ]
    for process in processes:
        process.start()
    reports: list[dict] = []
    deadline = time.monotonic() + START_LINE_SECONDS * 2
    try:
        while len(reports) < len(processes):
            try:
                reports.append(results.get(timeout=5))
            except queue.Empty:
                # A searcher that died before it could report (on import, say) never will.
                dead = [p.exitcode for p in processes if not p.is_alive() and p.exitcode]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"A searcher process did not report back (exit codes {dead})"
                    ) from None
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
    errors = [report["error"] for report in reports if "error" in report]
    if errors:
        raise RuntimeError(f"A searcher process failed: {errors[0]}")
    return _concurrent_figures(reports)


def _concurrent_threads(authority_id: int, items: list[dict], searchers: int) -> dict:
    """Only where a separate process cannot see the database (in-memory SQLite, in tests)."""
    from django.db import connections

    reports: list[dict] = []
    lock = threading.Lock()

    def work(part: list[dict]) -> None:
        try:
            for item in items[:WARM_UP_SEARCHES]:  # this thread's own connection, warm
                _search_once(authority_id, item)
            start_line.wait()
            started = time.monotonic()
            latencies = [_search_once(authority_id, item)[0] for item in part]
            ended = time.monotonic()
        finally:
            connections.close_all()
        with lock:
            reports.append({"latencies": latencies, "started": started, "ended": ended})

    parts = [part for part in (items[i::searchers] for i in range(searchers)) if part]
    workers = [threading.Thread(target=work, args=(part,)) for part in parts]
    start_line = threading.Barrier(len(workers))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return _concurrent_figures(reports)


def _concurrent_figures(reports: list[dict]) -> dict:
    latencies = [value for report in reports for value in report["latencies"]]
    wall = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    figures = {
        **_latency(latencies),
        "seconds": round(wall, 3),
        "searches_per_second": round(len(latencies) / wall, 1) if wall > 0 else 0.0,
    }
    if latencies and all("cpu_seconds" in r for r in reports):
        # The searchers' own CPU (Python, psycopg; not PostgreSQL's) per search.
        cpu = sum(r["cpu_seconds"] for r in reports)
        figures["searcher_cpu_ms_per_search"] = round(cpu / len(latencies) * 1000, 3)
    if latencies and all("backend_cpu_seconds" in r for r in reports):
        # PostgreSQL's side, read from /proc when the database runs on this machine (clock
        # ticks: coarse per process, fair summed over all of them).
        backend = sum(r["backend_cpu_seconds"] for r in reports)
        figures["postgres_cpu_ms_per_search"] = round(backend / len(latencies) * 1000, 3)
    return figures


def _concurrent(authority_id: int, items: list[dict], searchers: int) -> dict:
    if _separate_processes_possible():
        return {
            "searchers": searchers,
            "mode": "processes",
            **_concurrent_processes(authority_id, items, searchers),
        }
    return {
        "searchers": searchers,
        "mode": "threads (in-memory SQLite: other processes cannot open it)",
        **_concurrent_threads(authority_id, items, searchers),
    }


def _batch(truth: list[tuple[int, int]], authority_id: int, *, trainer: str, scorer: str) -> dict:
    import numpy as np  # here, not at the top: the searcher processes need not load it

    started = time.perf_counter()
    frame = frame_from_register(authority_id)
    read = time.perf_counter() - started
    engine = Engine(frame)
    pairs = engine.block()
    engine.compare()
    # The same trainer and scorer as `familyhub dedupe` (Splink 5 by default).
    model = Model(engine, trainer=trainer, scorer=scorer)
    parameters = model.train()
    model.score(parameters)
    labels = engine.cluster(float(parameters["threshold"]))
    seconds = time.perf_counter() - started
    true_of = dict(truth)
    ids = frame["id"].to_numpy()
    truth_labels = np.array([true_of.get(int(i), int(i)) for i in ids])
    metrics = pairwise_metrics(labels, truth_labels)
    engine.close()
    save_model(
        parameters, method=f"familyhub bench matching: {model.method()}", trained_on=len(frame)
    )
    return {
        "records": int(len(frame)),
        "candidate_pairs": pairs,
        "trainer": trainer,
        "scorer": scorer,
        "read_from_database_seconds": round(read, 2),
        "seconds": round(seconds, 2),
        "timings": model.timings,
        "peak_memory_mb": peak_memory_mb(),
        "peak_memory_measure": "ru_maxrss of the whole bench process",
        "metrics": metrics,
    }


def _register_file(options: Options) -> Path:
    from django.conf import settings

    if options.get("register_file"):
        return Path(options["register_file"])
    database = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(_database_name()).name)
    return Path(settings.VAR_DIR) / f"bench-matching-{database}.json"


def _build(options: Options, authority) -> dict[str, Any]:
    """Fill the register and build its keys; the description is written for `--reuse`."""

    started = time.perf_counter()
    truth, generator = _fill(
        int(options["people"]),
        authority=authority,
        seed=int(options["seed"]),
        rate=float(options["duplicates"]),
    )
    built: dict[str, Any] = {
        "database": _database_name(),
        "people": int(options["people"]),
        "seed": int(options["seed"]),
        "duplicates": float(options["duplicates"]),
        "generator": generator,
        "fill_seconds": round(time.perf_counter() - started, 2),
    }
    started = time.perf_counter()
    built["match_keys"] = refresh_all_keys()
    built["match_keys_seconds"] = round(time.perf_counter() - started, 2)
    built["truth"] = truth
    path = _register_file(options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(built))
    return built


def _reused(options: Options) -> dict[str, Any]:
    from django.core.management.base import CommandError

    path = _register_file(options)
    try:
        built = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise CommandError(
            f"--reuse: no register description at {path} ({error}); run once without --reuse."
        ) from error
    if built.get("database") != _database_name() or built.get("people") != int(options["people"]):
        raise CommandError(
            f"--reuse: {path} describes {built.get('people')} people in database "
            f"{built.get('database')!r}, not --people {options['people']} here."
        )
    found = Person.objects.filter(pk__in=[pair[0] for pair in built["truth"][:100]]).count()
    if found < min(100, len(built["truth"])):
        raise CommandError(f"--reuse: the register in {path} is no longer in this database.")
    built["truth"] = [tuple(pair) for pair in built["truth"]]
    return built


def handle_matching(options: Options, stdout) -> None:
    from django.db import connection

    people = int(options["people"])
    if people < 10:
        from django.core.management.base import CommandError

        raise CommandError("--people must be at least 10.")
    report: dict[str, Any] = {
        "database": connection.vendor,
        "people_requested": people,
        "loadavg_at_start": _loadavg(),
    }
    authority = _authority()
    reuse = bool(options.get("reuse"))
    built = _reused(options) if reuse else _build(options, authority)
    truth = built["truth"]
    report["reused_register"] = reuse
    for name in ("generator", "fill_seconds", "match_keys", "match_keys_seconds"):
        report[name] = built[name]
    report["seeded_duplicates"] = len(truth)
    if not options.get("no_batch"):
        report["batch"] = _batch(
            truth,
            authority.pk,
            trainer=options.get("trainer", "splink"),
            scorer=options.get("scorer", "splink"),
        )
    forget_cached()
    items = _queries(truth, int(options["queries"]), int(options["seed"]))
    if items:
        for item in items[:WARM_UP_SEARCHES]:  # warm the connection, the caches and the plans
            _search_once(authority.pk, item)
        latencies, found = [], 0
        for item in items:
            elapsed, hit = _search_once(authority.pk, item)
            latencies.append(elapsed)
            found += hit
        report["search_one_connection"] = _latency(latencies)
        report["duplicates_in_top_5"] = round(found / len(items), 4)
        searchers = max(1, int(options["searchers"]))
        report["search_concurrent"] = _concurrent(authority.pk, items, searchers)
    report["loadavg_at_end"] = _loadavg()
    if options.get("json"):
        stdout.write(json.dumps(report, indent=2, default=str))
        return
    for key, value in report.items():
        stdout.write(f"{key}: {value}")


def _loadavg() -> str:
    """The machine's load when the figures were taken (they mean little without it)."""
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return ""


# --- FEBRL ------------------------------------------------------------------------------------


def add_febrl_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true")


def handle_febrl(options: Options, stdout) -> None:

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
