from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "familyhub.access"
    label = "access"
    verbose_name = "Data-sharing protocol"
