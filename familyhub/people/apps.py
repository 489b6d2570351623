from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familyhub.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.accounts.roles import MANAGER_ROLES, PRACTITIONER_ROLES
        from familyhub.core import navigation
        from familyhub.people.views_import import IMPORT_ROLES

        navigation.register(
            "Register a family", "people:register", roles=PRACTITIONER_ROLES, order=10
        )
        navigation.register(
            "Registrations to confirm",
            "people:registrations-to-confirm",
            roles=MANAGER_ROLES,
            order=11,
        )
        navigation.register("Import people", "people:import", roles=IMPORT_ROLES, order=80)
