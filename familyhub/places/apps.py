from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "familyhub.places"
    label = "places"
    verbose_name = "Places"
