from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "familyhub.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
