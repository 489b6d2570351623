from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "familyhub.demo"
    label = "demo"
    verbose_name = "The demo borough and synthetic data"
