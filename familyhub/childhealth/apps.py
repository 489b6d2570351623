from django.apps import AppConfig


class ChildhealthConfig(AppConfig):
    name = "familyhub.childhealth"
    label = "childhealth"
    verbose_name = "Child health"
