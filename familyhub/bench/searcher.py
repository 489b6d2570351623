"""One searcher process of `familyhub bench matching` (the concurrent figure).

A spawned process imports this module before Django is set up, so it imports no model or Django
part at the top: it sets Django up first and then imports the bench. (With the bench's imports
at the top of its own module, a spawned searcher died on import and the parent waited for it
for ever.)"""

from __future__ import annotations

import os
import time

import django
from django.db import connections


def run(
    settings_module: str,
    database_name: str,
    authority_id: int,
    warm_up: list[dict],
    part: list[dict],
    start_line,
    results,
) -> None:
    """The body of one searcher process (module level, so 'spawn' can import it)."""
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        django.setup()
        # Only now: the bench imports models, which need Django set up (see the module's note).
        from familyhub.bench.matching import (
            START_LINE_SECONDS,
            _backend_process,
            _cpu_seconds_of,
            _search_once,
        )

        # The parent may be on a database other than the settings' (the test suite's).
        connections["default"].settings_dict["NAME"] = database_name
        for item in warm_up:
            _search_once(authority_id, item)
        backend = _backend_process()
    except BaseException as error:  # the parent must hear, or it waits at the start line
        start_line.abort()
        results.put({"error": f"{type(error).__name__}: {error}"})
        return
    try:
        start_line.wait(timeout=START_LINE_SECONDS)
        started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process
        cpu, backend_cpu = time.process_time(), _cpu_seconds_of(backend)
        latencies = [_search_once(authority_id, item)[0] for item in part]
        report = {
            "latencies": latencies,
            "started": started,
            "ended": time.monotonic(),
            "cpu_seconds": time.process_time() - cpu,
        }
        if backend_cpu is not None and (backend_after := _cpu_seconds_of(backend)) is not None:
            report["backend_cpu_seconds"] = backend_after - backend_cpu
        results.put(report)
    except BaseException as error:
        results.put({"error": f"{type(error).__name__}: {error}"})
    finally:
        connections.close_all()
