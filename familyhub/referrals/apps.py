from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "familyhub.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import involvement
        from familyhub.accounts.roles import MANAGER_ROLES, Role, has_role
        from familyhub.core import navigation
        from familyhub.people import actions
        from familyhub.referrals import (
            indicators,  # noqa: F401  (registers them)
            overdue,
        )
        from familyhub.referrals import involvement as referral_involvement
        from familyhub.referrals.permissions import INBOX_ROLES, REFERRER_ROLES

        involvement.providers.register(referral_involvement.front_door_queue)
        overdue.sources.register(overdue.referral_steps)
        # A person's and a family's page offer a referral to any service to whoever may refer.
        actions.register(
            "Refer to a service",
            "referrals:new",
            shown=lambda user, person: has_role(user, REFERRER_ROLES),
            order=20,
        )
        involvement.services.register(referral_involvement.referral_services)

        navigation.register("Front door", "referrals:queue", roles={Role.TRIAGE_OFFICER}, order=20)
        navigation.register(
            "Make a referral", "referrals:find-person", roles=REFERRER_ROLES, order=25
        )
        navigation.register("Late decisions", "referrals:breaches", roles=MANAGER_ROLES, order=26)
        navigation.register("Referrals inbox", "referrals:inbox", roles=INBOX_ROLES, order=21)
        navigation.register("Overdue work", "referrals:overdue", roles=INBOX_ROLES, order=22)
        navigation.register(
            "Threshold document", "referrals:threshold", roles=REFERRER_ROLES, order=90
        )
