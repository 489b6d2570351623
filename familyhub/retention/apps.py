from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "familyhub.retention"
    label = "retention"
    verbose_name = "Retention schedules, destruction and legal holds"

    def ready(self) -> None:
        # Imported here: models are not loaded when apps.py is.
        from familyhub.accounts.roles import Role
        from familyhub.core import navigation

        navigation.register("Retention", "retention:home", roles=[Role.IG_LEAD], order=86)
