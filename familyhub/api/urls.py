"""The REST API: one DRF router that each part's api module adds its endpoints to.

A part joins by adding its module to API_MODULES; the module defines `register(router)` (viewsets)
and may define `urlpatterns` (plain API views), both mounted under /api/. Every API route skips
Django's LoginRequiredMiddleware: DRF authenticates (session or token) and answers 401/403 itself.
"""

from __future__ import annotations

from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.routers import DefaultRouter

from familyhub.api import views

app_name = "api"

API_MODULES = [
    "familyhub.api.people",
]

router = DefaultRouter()
extra: list = []
for name in API_MODULES:
    module = import_module(name)
    module.register(router)
    extra += getattr(module, "urlpatterns", [])


def _let_drf_authenticate(patterns: list) -> list:
    for pattern in patterns:
        login_not_required(pattern.callback)
    return patterns


urlpatterns = [
    path("schema/", views.schema, name="schema"),
    path("docs/", views.docs, name="docs"),
    *_let_drf_authenticate(extra),
    *_let_drf_authenticate(router.urls),
]
