from __future__ import annotations

from django.urls import path

from familyhub.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<uuid:public_id>/", views.open_notification, name="open"),
    path("<uuid:public_id>/read/", views.read, name="read"),
]
