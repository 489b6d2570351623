from __future__ import annotations

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "familyhub.returns"
    label = "returns"
    verbose_name = "Statutory returns: CSDS, the OHID Healthy Child Programme metrics, Supporting Families, the Children in Need census"

    def ready(self) -> None:
        # Imported here: models are not loaded when apps.py is.
        from familyhub.core import navigation
        from familyhub.returns.permissions import RETURNS_ROLES

        navigation.register("Statutory returns", "returns:index", roles=RETURNS_ROLES, order=72)
