from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "familyhub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from familyhub.core import navigation

        navigation.register("Home", "home", order=0)
