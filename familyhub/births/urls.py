from __future__ import annotations

from django.urls import path

from familyhub.births import views

app_name = "births"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("messages/", views.receive, name="receive"),
    path("messages/<uuid:public_id>/", views.message, name="message"),
]
