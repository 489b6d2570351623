from __future__ import annotations

from django.urls import path

from familyhub.tracing import views

app_name = "tracing"

urlpatterns = [
    path("", views.index, name="index"),
    path("completeness/", views.index, name="completeness"),
    path("run/", views.run_start, name="run-start"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<uuid:public_id>/", views.review, name="review"),
    path("people/<uuid:public_id>/", views.person_trace, name="person"),
    path("imports/<uuid:public_id>/", views.import_trace, name="import"),
]
