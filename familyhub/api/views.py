"""The API's documentation page: the OpenAPI schema rendered as a plain GOV.UK page (no CDN)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


def docs(request: HttpRequest) -> HttpResponse:
    """For anyone signed in: what the API offers. Partner systems fetch /api/schema/ itself."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for url, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = [
                p.get("name", "")
                for p in operation.get("parameters", [])
                if p.get("in") in ("query", "path")
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "url": url,
                    "summary": (
                        operation.get("description") or operation.get("summary") or ""
                    ).strip(),
                    "parameters": params,
                    "responses": sorted(operation.get("responses", {}).keys()),
                }
            )
    return render(
        request, "api/docs.html", {"endpoints": endpoints, "info": schema.get("info", {})}
    )
