from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_is_valid_and_documents_every_endpoint_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in (
        "/api/people/search/",
        "/api/families/",
        "/referrals/api/referrals/",
        "/access/api/families/",
    ):
        assert path in schema
