from __future__ import annotations

from django.urls import path

from familyhub.fhir import views
from familyhub.fhir.resources import KINDS

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("token", views.token, name="token"),
]
for _name in KINDS:
    urlpatterns += [
        path(_name, views.search, {"resource_type": _name}, name=f"{_name}-search"),
        path(
            f"{_name}/<str:resource_id>", views.read, {"resource_type": _name}, name=f"{_name}-read"
        ),
    ]
