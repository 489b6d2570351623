from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "familyhub.directory"
    label = "directory"
    verbose_name = "The service directory (Open Referral UK) and signposting"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from django.db.models.signals import post_save

        from familyhub.core import navigation
        from familyhub.directory import (
            indicators,  # noqa: F401  (registers them)
            sync,
        )
        from familyhub.directory.permissions import EDITOR_ROLES, can_signpost
        from familyhub.hubs.models import SessionSeries
        from familyhub.people import actions
        from familyhub.places.models import Site
        from familyhub.services.models import Service

        # The council's services and sessions are in the directory without re-typing (sync.py):
        # a save of one is copied across once its transaction commits.
        post_save.connect(sync.on_service_saved, sender=Service, dispatch_uid="directory-service")
        post_save.connect(
            sync.on_series_saved, sender=SessionSeries, dispatch_uid="directory-series"
        )
        post_save.connect(sync.on_site_saved, sender=Site, dispatch_uid="directory-site")
        navigation.register("Find a service", "directory:find", order=70)
        navigation.register("Directory", "directory:worklist", roles=EDITOR_ROLES, order=71)
        # A person's and a family's page offer signposting to a practitioner who may see them.
        actions.register(
            "Signpost to a service", "directory:signpost", shown=can_signpost, order=15
        )
