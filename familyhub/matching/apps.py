from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Record linkage for the register: real-time duplicate search, batch deduplication, the review
    queue and the model trained from it. Its own app (rather than inside people) because it owns
    several tables and a trained model, and changes at a different pace from the register."""

    name = "familyhub.matching"
    label = "matching"
    verbose_name = "Record matching"

    def ready(self) -> None:
        from familyhub.core import bench, navigation
        from familyhub.matching import benchmark
        from familyhub.matching.views import REVIEW_ROLES

        navigation.register("Possible duplicates", "matching:queue", roles=REVIEW_ROLES, order=60)
        bench.register(
            "matching",
            benchmark.handle_matching,
            benchmark.add_matching_arguments,
            help="Real-time search latency and batch dedupe on a synthetic register of N people",
        )
        bench.register(
            "febrl",
            benchmark.handle_febrl,
            benchmark.add_febrl_arguments,
            help="Pairwise precision, recall and F1 on FEBRL3 (dedupe) and FEBRL4 (linkage)",
        )
