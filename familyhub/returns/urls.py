from __future__ import annotations

from django.urls import path

from familyhub.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:public_id>/", views.run, name="run"),
    path("<uuid:public_id>/file/", views.download, name="download"),
    path("<uuid:public_id>/sent/", views.mark_sent, name="sent"),
]
