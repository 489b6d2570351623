from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "familyhub.portal"
    label = "portal"
    verbose_name = "The family's own door: parents and young people sign in, register, book, and see their record"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.core import navigation
        from familyhub.portal.views_staff import CONFIRM_ROLES

        navigation.register(
            "Family accounts", "portal_staff:worklist", roles=CONFIRM_ROLES, order=36
        )
