from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "familyhub.retention"
    label = "retention"
    verbose_name = "Retention schedules, destruction and legal holds"
