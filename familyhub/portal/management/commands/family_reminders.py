"""familyhub family-reminders: tell families about tomorrow's sessions and any place that came
up from a waiting list (run every hour or so from the council's scheduler)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.portal import reminders
from familyhub.portal.tasks import send_booking_messages


class Command(BaseCommand):
    help = (
        "Send each family a reminder of tomorrow's booked sessions, and tell anyone moved from "
        "a waiting list onto a place. Each message goes once, so run it as often as you like."
    )

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the background task instead"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if options["enqueue"]:
            result = send_booking_messages.enqueue()
            self.stdout.write(f"Family booking messages queued (task {result.id}).")
            return
        places = reminders.send_places_offered()
        sent = reminders.send_reminders()
        self.stdout.write(f"Sent {sent} reminder(s) and {places} place(s) offered.")
