"""Production logs: one JSON object a line, each with the request's id, and nothing personal."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from familyhub.core.logs import (
    REQUEST_LOGGER,
    JsonFormatter,
    PlainFormatter,
    RequestIdFilter,
    accepted_request_id,
)

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    """The lines a logger writes, formatted as production writes them."""

    def __init__(self, formatter: logging.Formatter | None = None) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(formatter or JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def lines():
    handler = Lines()
    loggers = [logging.getLogger(name) for name in (REQUEST_LOGGER, "django.request", "familyhub")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_each_request_gets_an_id_on_the_response_and_its_log_line(client, lines):
    response = client.get("/healthz")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (entry,) = [e for e in lines.entries if e["logger"] == REQUEST_LOGGER]
    assert entry["request_id"] == request_id
    assert entry["message"] == "GET /healthz 200"
    assert entry | {"duration_ms": 0, "time": ""} == {
        "time": "",
        "level": "INFO",
        "logger": REQUEST_LOGGER,
        "message": "GET /healthz 200",
        "request_id": request_id,
        "method": "GET",
        "path": "/healthz",
        "route": "healthz",
        "status": 200,
        "duration_ms": 0,
        "user_id": None,
    }


def test_the_callers_id_is_kept_when_well_formed(client, lines):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="Root=1-67891233-abcdef012345678912345678")
    assert kept["X-Request-ID"] == "Root=1-67891233-abcdef012345678912345678"

    for bad in ("two words", "x" * 200, "<script>", "line\nbreak"):
        assert accepted_request_id(bad) is None
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="not an id; DROP TABLE")
    assert replaced["X-Request-ID"] != "not an id; DROP TABLE"
    assert len(replaced["X-Request-ID"]) == 32


def test_every_line_of_the_request_carries_its_id(client, lines):
    response = client.get("/no-such-page/?name=Zebedee+Quennell&dob=2019-04-01")

    request_id = response["X-Request-ID"]
    logged = lines.entries
    assert {e["logger"] for e in logged} == {REQUEST_LOGGER, "django.request"}
    assert all(e["request_id"] == request_id for e in logged)


def test_no_query_string_or_request_in_the_logs(client, lines, signed_in, make_user):
    signed_in(client, make_user("practitioner"))
    client.get("/people/?q=Zebedee+Quennell&dob=2019-04-01")
    client.get("/no-such-page/?q=Zebedee+Quennell")

    text = "\n".join(lines.lines)
    assert "/people/" in text
    for secret in ("Zebedee", "Quennell", "2019-04-01", "q="):
        assert secret not in text
    # Django's request logger passes the request object: left out, not turned into text.
    assert "WSGIRequest" not in text


def test_the_signed_in_account_is_named_by_its_id_only(client, lines, signed_in, make_user):
    user = make_user("practitioner", username="alex.practitioner")
    signed_in(client, user)

    client.get("/")

    (entry,) = [e for e in lines.entries if e["logger"] == REQUEST_LOGGER]
    assert entry["user_id"] == user.pk and entry["status"] == 200
    assert "alex.practitioner" not in "\n".join(lines.lines)


def test_json_lines_hold_extra_fields_and_the_traceback():
    handler = Lines()
    logger = logging.getLogger("familyhub.tests.logs")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("broken")
        except ValueError:
            logger.error("import failed", exc_info=True, extra={"rows": 3, "when": object()})
    finally:
        logger.removeHandler(handler)

    (entry,) = handler.entries
    assert entry["message"] == "import failed" and entry["level"] == "ERROR"
    assert entry["rows"] == 3
    assert "when" not in entry  # not plain JSON: left out
    assert "ValueError: broken" in entry["exception"]
    assert "request_id" not in entry  # outside a request


def test_plain_lines_for_the_demo():
    handler = Lines(PlainFormatter())
    logger = logging.getLogger("familyhub.tests.logs")
    logger.addHandler(handler)
    try:
        logger.warning("hello")
    finally:
        logger.removeHandler(handler)

    assert handler.lines[0].endswith("WARNING familyhub.tests.logs [-] hello")


def test_a_bad_log_format_stops_start_up_naming_the_variable():
    env = {
        **os.environ,
        "FAMILYHUB_LOG_FORMAT": "xml",
        "DJANGO_SETTINGS_MODULE": "familyhub.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "familyhub.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "FAMILYHUB_LOG_FORMAT must be json or plain (got 'xml')" in result.stderr
