from __future__ import annotations

from django.apps import AppConfig


class BirthsConfig(AppConfig):
    name = "familyhub.births"
    label = "births"
    verbose_name = (
        "Birth notifications and newborn events from the National Events Management Service"
    )
