from __future__ import annotations

from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "familyhub.hubs"
    label = "hubs"
    verbose_name = "Family hubs"

    def ready(self) -> None:
        from familyhub.core import navigation
        from familyhub.hubs import access

        navigation.register("Sessions", "hubs:sessions", roles=access.REGISTER_ROLES, order=30)
        navigation.register("Timetable", "hubs:timetable", order=35)
        navigation.register("Reach", "hubs:reach", roles=access.REPORT_ROLES, order=60)
        navigation.register("Capacity", "hubs:capacity", roles=access.REPORT_ROLES, order=61)
        try:
            from familyhub.access import involvement
        except ImportError:  # the access part not there yet: nobody sees bookings' people
            return
        # A booking (or having come to a session) is involvement for the staff who run it.
        involvement.register(access.booking_involvement)
        involvement.register(access.attendance_involvement)
