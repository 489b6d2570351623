from __future__ import annotations

from django.urls import path

from familyhub.core import views

app_name = "core"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("jobs/<uuid:public_id>/", views.job_progress, name="job-progress"),
]
