"""Where a page's time goes, for `familyhub bench pages --profile` (issue 23).

A middleware, put first in the stack only when FAMILYHUB_PROFILE_PAGES names a file (the bench
sets it for its gunicorn; nothing else does). For each request it writes one JSON line: the
route, wall and CPU time of the request's thread, the number and time of database queries, the
time spent rendering templates (less the queries run while rendering: a lazy queryset read by a
template counts as a query, not as template time), the time of the access log's writes (with
their own queries), and what is left, which is Python: middleware, views, forms, the ORM
building model instances.

The figures are measured in the worker, so they include no network and no queueing; the bench
adds them up per page. Measuring costs a little (a wrapper per query and per template); the
bench's throughput with --profile is not the figure to quote.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.db import connections

_state = threading.local()
_patched = False
_write_lock = threading.Lock()


class _Request:
    def __init__(self) -> None:
        self.queries = 0
        self.query_s = 0.0
        self.template_s = 0.0
        self.template_query_s = 0.0
        self.log_s = 0.0
        self.log_query_s = 0.0
        self.depth = 0  # inside a template render (includes render through the backend too)
        self.in_log = 0


def _current() -> _Request | None:
    return getattr(_state, "request", None)


def _query_wrapper(execute, sql, params, many, context):
    began = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        spent = time.perf_counter() - began
        request = _current()
        if request is not None:
            request.queries += 1
            request.query_s += spent
            if request.depth:
                request.template_query_s += spent
            if request.in_log:
                request.log_query_s += spent


def _timed_render(render: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(self, *args, **kwargs):
        request = _current()
        if request is None or request.depth:
            return render(self, *args, **kwargs)
        request.depth += 1
        began = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            request.template_s += time.perf_counter() - began
            request.depth -= 1

    return wrapped


def _timed_log(append: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args, **kwargs):
        request = _current()
        if request is None:
            return append(*args, **kwargs)
        request.in_log += 1
        began = time.perf_counter()
        try:
            return append(*args, **kwargs)
        finally:
            request.log_s += time.perf_counter() - began
            request.in_log -= 1

    return wrapped


def _patch() -> None:
    """Wrap template rendering and the access log's append once per process."""
    global _patched
    if _patched:
        return
    from django.template.backends import django as django_backend

    from familyhub.audit import log, middleware

    django_backend.Template.render = _timed_render(django_backend.Template.render)  # type: ignore[method-assign]
    timed_append = _timed_log(log.append)
    log.append = timed_append  # type: ignore[assignment]
    middleware.append = timed_append  # type: ignore[attr-defined]
    _patched = True


class PageProfileMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.path = os.environ.get("FAMILYHUB_PROFILE_PAGES", "")
        _patch()

    def __call__(self, request):
        if not self.path:
            return self.get_response(request)
        profile = _Request()
        _state.request = profile
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(_query_wrapper))
                response = self.get_response(request)
        finally:
            _state.request = None
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        self._write(request, response, profile, wall, cpu)
        return response

    def _write(self, request, response, profile: _Request, wall: float, cpu: float) -> None:
        queries_outside_log = profile.query_s - profile.log_query_s
        template = profile.template_s - profile.template_query_s
        line = {
            "path": request.get_full_path(),
            "status": response.status_code,
            "wall_ms": wall * 1000,
            "cpu_ms": cpu * 1000,
            "queries": profile.queries,
            "query_ms": queries_outside_log * 1000,
            "template_ms": template * 1000,
            "access_log_ms": profile.log_s * 1000,
            "python_ms": (wall - queries_outside_log - template - profile.log_s) * 1000,
        }
        with _write_lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def breakdown(path: str, labels: dict[str, str]) -> dict[str, dict[str, float]]:
    """The profile file's lines averaged per page label ({request path: label}); a path not in
    `labels` (the health probe, a redirect) is left out."""
    sums: dict[str, dict[str, float]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    for text in lines:
        row = json.loads(text)
        label = labels.get(row["path"])
        if label is None:
            continue
        total = sums.setdefault(label, {"requests": 0.0})
        total["requests"] += 1
        for key in FIELDS:
            total[key] = total.get(key, 0.0) + row[key]
    return {
        label: {"requests": int(t["requests"])}
        | {key: round(t[key] / t["requests"], 2) for key in FIELDS}
        for label, t in sorted(sums.items())
    }


FIELDS = ("wall_ms", "cpu_ms", "queries", "query_ms", "template_ms", "access_log_ms", "python_ms")
