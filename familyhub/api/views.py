"""The API's OpenAPI schema and its documentation page (a plain GOV.UK page, no CDN).

Both need sign-in unless FAMILYHUB_PUBLIC_API_SCHEMA is true: the schema maps every endpoint
and parameter of a system holding children's records, which a council may publish but should
not by default. The setting is read on each request, so both views skip Django's
LoginRequiredMiddleware and check it themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import BasePermission

METHODS = ("get", "post", "put", "patch", "delete")


class SchemaIsPublicOrSignedIn(BasePermission):
    """A token or a signed-in session, unless the council publishes the schema."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if settings.FAMILYHUB_PUBLIC_API_SCHEMA:
            return True
        return bool(request.user and request.user.is_authenticated)


# DRF authenticates (session or token) and answers 401/403 itself, as for every API route.
schema = login_not_required(
    SpectacularAPIView.as_view(permission_classes=[SchemaIsPublicOrSignedIn])
)


@login_not_required
def docs(request: HttpRequest) -> HttpResponse:
    """What the API offers, for anyone signed in (or anyone, when the council publishes it)."""
    if not settings.FAMILYHUB_PUBLIC_API_SCHEMA and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
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
