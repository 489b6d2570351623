from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "familyhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from familyhub.core import bench, navigation
        from familyhub.outcomes import benchmark, registry
        from familyhub.outcomes.views import DASHBOARD_ROLES

        registry.load()
        navigation.register("Outcomes", "outcomes:index", roles=DASHBOARD_ROLES, order=70)
        bench.register(
            "outcomes",
            benchmark.run,
            benchmark.add_arguments,
            help="Synthetic contacts, then outcome refresh time and dashboard page time",
        )
