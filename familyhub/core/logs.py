"""Logs an IT team can ship to its log store: one JSON object a line, each with the request's id.

    LOGGING["formatters"]["json"] = {"()": "familyhub.core.logs.JsonFormatter"}
    MIDDLEWARE = ["familyhub.core.logs.RequestIdMiddleware", ...]

`RequestIdMiddleware` gives every request an id: the caller's `X-Request-ID` header when it is
well formed (a load balancer or proxy that sets one keeps one id end to end), otherwise a new
one. The id goes back on the response's `X-Request-ID` header and onto every log line written
while the request is handled (`RequestIdFilter`, on the handler, so lines from Django, the
database and our own code all carry it). When the response is ready the middleware writes one
line to the `familyhub.requests` logger: method, path, route, status, duration and the staff
account's id.

Never personal data: the line holds the path without its query string (search pages carry
names and dates of birth there), never the request's body, headers or cookies; the route names
the page without the ids in it. The formatter writes only the fields it knows, plus the `extra`
a caller passes, so a caller must not pass a person's details as `extra` either.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
REQUEST_LOGGER = "familyhub.requests"
# Letters, digits and - _ . : up to 128 characters: enough for UUIDs and the ids load balancers
# make (AWS's "Root=1-...", Azure's GUIDs), and nothing that could break a log line or a header.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}")

# Django's request logger passes the request itself (its repr holds the query string), and its
# development server the socket: never written.
_NEVER = {"request", "server_time"}
_SKIP = object()

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    """The id of the request being handled on this thread (or task), or "" outside one."""
    return _request_id.get()


def accepted_request_id(value: str | None) -> str | None:
    """The caller's id if it is one we may repeat in logs and headers, else None."""
    if value and _WELL_FORMED.fullmatch(value):
        return value
    return None


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (attach it to handlers, not loggers, so
    records from every logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _id_of(record)
        return True


def _id_of(record: logging.LogRecord) -> str:
    """The current request's id; or, for Django's "Not Found" and error lines, which are written
    after the middleware has finished, the id of the request the line names."""
    return _request_id.get() or getattr(getattr(record, "request", None), "request_id", "")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback if any, and the fields a caller passed as `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or _id_of(record)
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in _NEVER or key.startswith("_") or key in entry:
                continue
            value = _plain(value)
            if value is not _SKIP:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The demo's readable lines, with the request's id where there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", ""):
            record.request_id = _id_of(record) or "-"
        return super().format(record)


def _plain(value: Any) -> Any:
    """JSON's own types as they are; anything else is left out, not turned into text: the text
    of an object can hold what must not be logged (a request's repr holds its query string)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        items = [_plain(item) for item in value]
        return [item for item in items if item is not _SKIP]
    if isinstance(value, dict):
        pairs = {str(key): _plain(item) for key, item in value.items()}
        return {key: item for key, item in pairs.items() if item is not _SKIP}
    return _SKIP


class RequestIdMiddleware:
    """Give each request an id (the caller's X-Request-ID if well formed, else a new one), put it
    on the response and on every log line of the request, and log the request in one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if self.logger.isEnabledFor(logging.INFO):
                self.logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra=_request_fields(request, response.status_code, started),
                )
            return response
        finally:
            _request_id.reset(token)


def _request_fields(request: HttpRequest, status: int, started: float) -> dict[str, Any]:
    """What one request's line says. The path without its query string; the route is the URL
    pattern (people/<uuid:public_id>/), so a log can be grouped by page without its ids."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        "method": request.method,
        "path": request.path,
        "route": match.route if match else None,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": user.pk if user is not None and user.is_authenticated else None,
    }


def logging_config(*, format: str, level: str, request_log: bool, sql: bool) -> dict[str, Any]:
    """Django's LOGGING for `format` "json" (production) or "plain" (the demo): everything to
    standard error (the container runtime or journald keeps it), each line with the request id.
    The database's statements (with their parameters: people's details) are logged only when
    `sql` (DEBUG) says so, whatever the level."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "familyhub.core.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "familyhub.core.logs.JsonFormatter"},
            "plain": {"()": "familyhub.core.logs.PlainFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers would print a second, unformatted copy of these.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django.db.backends": {"level": "DEBUG" if sql else "INFO"},
            REQUEST_LOGGER: {
                "handlers": ["console"],
                "level": "INFO" if request_log else "WARNING",
                "propagate": False,
            },
        },
    }
