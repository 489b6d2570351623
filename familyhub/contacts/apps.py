from __future__ import annotations

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "familyhub.contacts"
    label = "contacts"
    verbose_name = "Contacts and visits"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.contacts import (
            checks,  # noqa: F401  (registers the register's checks)
            indicators,  # noqa: F401  (registers them)
        )
        from familyhub.contacts.permissions import can_record
        from familyhub.people import actions

        # A person's and a family's page offer "Record a contact" to a practitioner who may see
        # the person and works in early help, family hubs, school nursing or health visiting.
        actions.register("Record a contact", "contacts:new", shown=can_record, order=5)
