from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "familyhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from familyhub.core import navigation
        from familyhub.outcomes.views import DASHBOARD_ROLES

        navigation.register("Outcomes", "outcomes:index", roles=DASHBOARD_ROLES, order=70)
