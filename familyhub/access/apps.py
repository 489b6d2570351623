from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "familyhub.access"
    label = "access"
    verbose_name = "Data-sharing protocol"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import builtin_involvement, involvement
        from familyhub.accounts.roles import PRACTITIONER_ROLES, Role
        from familyhub.core import navigation

        involvement.providers.register(builtin_involvement.registrations)
        involvement.providers.register(builtin_involvement.shares)
        involvement.services.register(builtin_involvement.registered_services)

        from familyhub.access import subject_access, subject_access_sections

        for provider in (
            subject_access_sections.core_record,
            subject_access_sections.person_records,
            subject_access_sections.consents,
            subject_access_sections.access_log,
        ):
            subject_access.sections.register(provider)

        navigation.register(
            "Search case notes", "access:note-search", roles=PRACTITIONER_ROLES, order=60
        )
        navigation.register(
            "Find by exact details", "access:find", roles=PRACTITIONER_ROLES, order=61
        )
        ig = {Role.IG_LEAD}
        navigation.register("Access log", "access:log-search", roles=ig, order=80)
        navigation.register("Break-glass reviews", "access:break-glass-reviews", roles=ig, order=81)
        navigation.register("Unusual access", "access:unusual", roles=ig, order=82)
        navigation.register("Routes into a record", "access:routes", roles=ig, order=84)
        navigation.register("Sharing by lawful basis", "access:sharing-report", roles=ig, order=85)
        navigation.register("Decisions not to share", "access:decision-reviews", roles=ig, order=86)
        navigation.register("Subject access requests", "access:subject-access", roles=ig, order=87)
        navigation.register("Questions from families", "access:questions", roles=ig, order=88)
        navigation.register(
            "Data-sharing agreements",
            "access:agreements",
            roles={Role.IG_LEAD, Role.ADMINISTRATOR},
            order=83,
        )
