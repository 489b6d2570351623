from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "familyhub.portal"
    label = "portal"
    verbose_name = "The family's own door: parents and young people sign in, register, book, and see their record"
