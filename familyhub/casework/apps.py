from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "familyhub.casework"
    label = "casework"
    verbose_name = "Early help casework"
