from __future__ import annotations

from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "familyhub.tracing"
    label = "tracing"
    verbose_name = "NHS number tracing with the Personal Demographics Service"
