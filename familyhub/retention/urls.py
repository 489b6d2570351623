from __future__ import annotations

from django.urls import path

from familyhub.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.home, name="home"),
    path("schedules/", views.schedules, name="schedules"),
    path("batches/<uuid:public_id>/", views.batch, name="batch"),
    path("holds/new/", views.hold_new, name="hold-new"),
    path("holds/<uuid:public_id>/lift/", views.hold_lift, name="hold-lift"),
]
