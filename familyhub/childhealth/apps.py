from __future__ import annotations

from django.apps import AppConfig


class ChildhealthConfig(AppConfig):
    name = "familyhub.childhealth"
    label = "childhealth"
    verbose_name = "Child health"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import involvement
        from familyhub.childhealth import (
            hooks,
            indicators,  # noqa: F401  (registers them)
            prompts,  # noqa: F401  (registers its Making Every Contact Count checks)
        )
        from familyhub.childhealth import involvement as childhealth_involvement
        from familyhub.childhealth.overdue import review_steps
        from familyhub.childhealth.permissions import CHILD_HEALTH_ROLES, INDICATOR_ROLES
        from familyhub.core import navigation
        from familyhub.people.hooks import person_changed, person_merged, person_unmerged
        from familyhub.referrals import overdue

        person_changed.register(hooks.refresh_schedule_on_change)
        person_merged.register(hooks.refresh_schedule_after_merge)
        person_unmerged.register(hooks.refresh_schedules_after_unmerge)
        involvement.providers.register(childhealth_involvement.caseload_of_teams)
        involvement.providers.register(childhealth_involvement.universal_schedule)
        involvement.services.register(childhealth_involvement.services_involved)
        overdue.sources.register(review_steps)

        navigation.register("Reviews", "childhealth:worklist", roles=CHILD_HEALTH_ROLES, order=20)
        navigation.register(
            "Health visiting indicators", "childhealth:indicators", roles=INDICATOR_ROLES, order=70
        )
