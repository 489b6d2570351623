from __future__ import annotations

from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "familyhub.tracing"
    label = "tracing"
    verbose_name = "NHS number tracing with the Personal Demographics Service"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.core import navigation
        from familyhub.people import actions
        from familyhub.tracing.permissions import REPORT_ROLES, can_trace, can_trace_import

        navigation.register("NHS numbers", "tracing:index", roles=REPORT_ROLES, order=62)
        # A person's page (after registering them, or after an import linked them) offers a trace.
        actions.register("Trace the NHS number", "tracing:person", shown=can_trace, order=40)
        actions.register_import_action(
            "Trace the NHS numbers of the people in this file",
            "tracing:import",
            shown=can_trace_import,
        )
