from __future__ import annotations

from django.apps import AppConfig


class BirthsConfig(AppConfig):
    name = "familyhub.births"
    label = "births"
    verbose_name = (
        "Birth notifications and newborn events from the National Events Management Service"
    )

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.births.permissions import QUEUE_ROLES
        from familyhub.core import navigation

        navigation.register("Births from the NHS", "births:queue", roles=QUEUE_ROLES, order=22)
