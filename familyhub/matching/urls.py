from __future__ import annotations

from django.urls import path

from familyhub.matching import views

app_name = "matching"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/<uuid:public_id>/", views.pair, name="pair"),
]
