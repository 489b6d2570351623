from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "familyhub.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from familyhub.accounts.roles import PLANNING_ROLES
        from familyhub.core import navigation

        navigation.register("Planning", "planning:index", roles=PLANNING_ROLES, order=80)
