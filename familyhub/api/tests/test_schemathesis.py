"""schemathesis over the REST API's OpenAPI schema (drf-spectacular, /api/schema/), through the
WSGI application in this process, signed in with a practitioner's API token: every operation,
generated requests (valid and invalid), 0 server errors and 0 responses that break the schema
(status code, content type, body). Examples per operation are kept small for CI
(SCHEMATHESIS_EXAMPLES, default 10); set the variable higher to run it longer."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_the_test_connection():
    """The WSGI app closes the database connection when a request ends; the test's transaction
    lives on it (PostgreSQL), so keep it open as Django's test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(
    owner, registered_person, keep_the_test_connection
):
    token = Token.objects.create(user=owner)
    auth = {"Authorization": f"Token {token.key}"}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=auth)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            response = case.call(headers=auth)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # collected: every operation is tried
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    print(f"schemathesis: {operations} operations, up to {EXAMPLES} examples each")
    assert operations >= 8
    assert not failures, "\n\n".join(failures)
