from __future__ import annotations

from django.urls import path  # noqa: F401

# Included by portal/urls.py under /family/record/, inside the "portal" namespace.
urlpatterns: list = []
