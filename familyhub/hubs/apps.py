from __future__ import annotations

from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "familyhub.hubs"
    label = "hubs"
    verbose_name = "Family hubs"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.access import involvement
        from familyhub.core import navigation
        from familyhub.hubs import indicators, programmes  # noqa: F401  (register indicators)
        from familyhub.hubs import involvement as hubs_involvement
        from familyhub.hubs.permissions import REGISTER_ROLES, REPORT_ROLES, can_book
        from familyhub.people import actions

        # A booking (or having come to a session) is involvement for the staff who run it.
        involvement.providers.register(hubs_involvement.bookings)
        involvement.providers.register(hubs_involvement.attendances)

        navigation.register("Sessions", "hubs:sessions", roles=REGISTER_ROLES, order=30)
        navigation.register("Timetable", "hubs:timetable", order=35)
        navigation.register("Reach", "hubs:reach", roles=REPORT_ROLES, order=60)
        navigation.register("Capacity", "hubs:capacity", roles=REPORT_ROLES, order=61)
        navigation.register("Parenting programmes", "hubs:programmes", roles=REPORT_ROLES, order=62)
        # A person's and a family's page offer booking to whoever has a session to book onto.
        actions.register("Book onto a session", "hubs:family-book", shown=can_book, order=10)
