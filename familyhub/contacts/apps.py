from __future__ import annotations

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "familyhub.contacts"
    label = "contacts"
    verbose_name = "Contacts and visits"
