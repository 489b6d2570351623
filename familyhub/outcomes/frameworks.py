"""The shipped example frameworks, loadable again after a test database flush (the data
migration 0002 holds the definitions; migrations never import app code, so it is this way round)."""

from __future__ import annotations

import importlib

from django.apps import apps

# The migrations that ship framework data, in order: the frameworks, then the links that measure
# every area (with their proxy notes).
SHIPPING_MIGRATIONS = ["0002_ship_example_frameworks", "0007_every_framework_area_measured"]


def ensure_shipped_frameworks() -> None:
    for name in SHIPPING_MIGRATIONS:
        importlib.import_module(f"familyhub.outcomes.migrations.{name}").ship(apps, None)
