from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "familyhub.api"
    label = "api"
    verbose_name = "API"
