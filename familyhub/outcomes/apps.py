from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "familyhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from familyhub.accounts.roles import MANAGER_ROLES
        from familyhub.core import navigation
        from familyhub.outcomes import area_figures, eyfsp, maternity  # noqa: F401  (indicators)
        from familyhub.outcomes.views import DASHBOARD_ROLES

        navigation.register("Outcomes", "outcomes:index", roles=DASHBOARD_ROLES, order=70)
        navigation.register(
            "Families to reach", "outcomes:families-to-reach", roles=MANAGER_ROLES, order=71
        )
