from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "familyhub.hubs"
    label = "hubs"
    verbose_name = "Family hubs"
