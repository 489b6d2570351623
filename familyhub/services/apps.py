from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "familyhub.services"
    label = "services"
    verbose_name = "Services and teams"
