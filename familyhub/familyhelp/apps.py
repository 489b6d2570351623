from __future__ import annotations

from django.apps import AppConfig


class FamilyHelpConfig(AppConfig):
    name = "familyhub.familyhelp"
    label = "familyhelp"
    verbose_name = "Family Help: the family network and family group decision making"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import involvement
        from familyhub.casework.hooks import information_pack_sections
        from familyhub.familyhelp import indicators  # noqa: F401  (registers them)
        from familyhub.familyhelp import involvement as familyhelp_involvement
        from familyhub.familyhelp.overdue import fgdm_offer_steps
        from familyhub.familyhelp.selectors import pack_sections
        from familyhub.referrals import overdue

        involvement.providers.register(familyhelp_involvement.network_members_of_teams)
        overdue.sources.register(fgdm_offer_steps)
        # The child protection information pack carries the network and the FGDM record.
        information_pack_sections.register(pack_sections)
