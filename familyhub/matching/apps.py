from __future__ import annotations

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Record linkage for the register: real-time duplicate search, batch deduplication, the review
    queue and the model trained from it. Its own app (rather than inside people) because it owns
    several tables and a trained model, and changes at a different pace from the register."""

    name = "familyhub.matching"
    label = "matching"
    verbose_name = "Record matching"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.core import navigation
        from familyhub.matching import keys, services
        from familyhub.matching.search import search_candidates
        from familyhub.matching.views import REVIEW_ROLES
        from familyhub.people.hooks import (
            duplicate_search,
            duplicate_suspected,
            person_changed,
            person_merged,
            person_unmerged,
        )

        # Match keys follow every write to a person, in the write's own transaction.
        person_changed.register(keys.refresh_keys_on_change)
        person_merged.register(keys.refresh_keys_after_merge)
        person_unmerged.register(keys.refresh_keys_after_merge)
        # The register's duplicate check: registration, the API and the import ask it.
        duplicate_search.register(search_candidates)
        # A second live record with an NHS number already registered goes to the review queue.
        duplicate_suspected.register(services.queue_suspected_duplicates)

        navigation.register("Possible duplicates", "matching:queue", roles=REVIEW_ROLES, order=60)
