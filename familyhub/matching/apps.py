from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Record linkage for the register: real-time duplicate search, batch deduplication, the review
    queue and the model trained from it. Its own app (rather than inside people) because it owns
    several tables and a trained model, and changes at a different pace from the register."""

    name = "familyhub.matching"
    label = "matching"
    verbose_name = "Record matching"
