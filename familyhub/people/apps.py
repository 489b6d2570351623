from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familyhub.people"
    label = "people"
    verbose_name = "People"
