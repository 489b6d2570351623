from __future__ import annotations

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "familyhub.casework"
    label = "casework"
    verbose_name = "Early help casework"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import involvement
        from familyhub.accounts.roles import MANAGER_ROLES, Role
        from familyhub.casework import indicators  # noqa: F401  (registers them)
        from familyhub.casework import involvement as casework_involvement
        from familyhub.casework.overdue import episode_steps
        from familyhub.casework.services import episode_open_from_referral
        from familyhub.core import navigation
        from familyhub.referrals import overdue
        from familyhub.referrals.hooks import referral_allocated

        involvement.providers.register(casework_involvement.episodes_of_teams)
        involvement.services.register(casework_involvement.episode_services)
        referral_allocated.register(episode_open_from_referral)
        overdue.sources.register(episode_steps)

        from familyhub.access import subject_access
        from familyhub.casework.subject_access import family_plan

        subject_access.sections.register(family_plan)

        caseworkers = {Role.LEAD_PROFESSIONAL, Role.FAMILY_SUPPORT_WORKER, *MANAGER_ROLES}
        navigation.register("My caseload", "casework:my-caseload", roles=caseworkers, order=21)
        navigation.register(
            "Team caseload", "casework:team-caseload", roles=MANAGER_ROLES, order=22
        )
        navigation.register("Unallocated", "casework:unallocated", roles=MANAGER_ROLES, order=23)
        navigation.register("Families not seen", "casework:not-seen", roles=caseworkers, order=25)
        navigation.register(
            "Supporting Families", "casework:supporting-families", roles=MANAGER_ROLES, order=24
        )
