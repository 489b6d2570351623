from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "familyhub.casework"
    label = "casework"
    verbose_name = "Early help casework"

    def ready(self) -> None:
        from familyhub.access import involvement
        from familyhub.accounts.roles import MANAGER_ROLES, Role
        from familyhub.casework import involvement as casework_involvement
        from familyhub.core import navigation

        involvement.register(casework_involvement.live_episodes)
        involvement.register_services(casework_involvement.episode_services)

        caseworkers: set[str] = {Role.LEAD_PROFESSIONAL, Role.FAMILY_SUPPORT_WORKER, *MANAGER_ROLES}
        navigation.register("My caseload", "casework:my-caseload", roles=caseworkers, order=21)
        navigation.register(
            "Team caseload", "casework:team-caseload", roles=MANAGER_ROLES, order=22
        )
        navigation.register("Unallocated", "casework:unallocated", roles=MANAGER_ROLES, order=23)
        navigation.register(
            "Supporting Families", "casework:supporting-families", roles=MANAGER_ROLES, order=24
        )
