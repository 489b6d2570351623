from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "familyhub.access"
    label = "access"
    verbose_name = "Data-sharing protocol"

    def ready(self) -> None:
        from familyhub.access import builtin_involvement, involvement
        from familyhub.accounts.roles import Role
        from familyhub.core import navigation

        involvement.register(builtin_involvement.registrations)
        involvement.register(builtin_involvement.notes)
        involvement.register(builtin_involvement.shares)
        involvement.register_services(builtin_involvement.registered_services)

        from familyhub.accounts.roles import PRACTITIONER_ROLES

        practitioners = {str(r) for r in PRACTITIONER_ROLES}
        navigation.register(
            "Search case notes", "access:note-search", roles=practitioners, order=60
        )
        navigation.register("Find by exact details", "access:find", roles=practitioners, order=61)
        ig: set[str] = {Role.IG_LEAD}
        navigation.register("Access log", "access:log-search", roles=ig, order=80)
        navigation.register("Break-glass reviews", "access:break-glass-reviews", roles=ig, order=81)
        navigation.register("Unusual access", "access:unusual", roles=ig, order=82)
        navigation.register(
            "Data-sharing agreements",
            "access:agreements",
            roles={str(Role.IG_LEAD), str(Role.ADMINISTRATOR)},
            order=83,
        )
