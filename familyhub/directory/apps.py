from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "familyhub.directory"
    label = "directory"
    verbose_name = "The service directory (Open Referral UK) and signposting"
