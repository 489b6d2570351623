from __future__ import annotations

from django.apps import AppConfig


class ChildhealthConfig(AppConfig):
    name = "familyhub.childhealth"
    label = "childhealth"
    verbose_name = "Child health"

    def ready(self) -> None:
        from familyhub.childhealth.access import CHILD_HEALTH_ROLES, INDICATOR_ROLES
        from familyhub.core import navigation

        navigation.register("Reviews", "childhealth:worklist", roles=CHILD_HEALTH_ROLES, order=20)
        navigation.register(
            "Health visiting indicators", "childhealth:indicators", roles=INDICATOR_ROLES, order=70
        )
        from familyhub.childhealth.hooks import refresh_schedule_on_change
        from familyhub.people import hooks

        hooks.after_person_change(refresh_schedule_on_change)
        from familyhub.access import involvement
        from familyhub.childhealth.involvement import (
            caseload_of_teams,
            services_involved,
            universal_schedule,
        )

        involvement.register(caseload_of_teams)
        involvement.register(universal_schedule)
        involvement.register_services(services_involved)
