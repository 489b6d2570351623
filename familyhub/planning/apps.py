from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "familyhub.planning"
    label = "planning"
    verbose_name = "Planning"
