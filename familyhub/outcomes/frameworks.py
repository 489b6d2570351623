"""The shipped example frameworks, loadable again after a test database flush (the data
migration 0002 holds the definitions; migrations never import app code, so it is this way round)."""

from __future__ import annotations

import importlib

from django.apps import apps


def ensure_shipped_frameworks() -> None:
    migration = importlib.import_module(
        "familyhub.outcomes.migrations.0002_ship_example_frameworks"
    )
    migration.ship(apps, None)
