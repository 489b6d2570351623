from __future__ import annotations

from django.urls import path

from familyhub.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.index, name="index"),
    path("refresh/", views.refresh_now, name="refresh"),
    path("families-to-reach/", views.families_to_reach, name="families-to-reach"),
    path("frameworks/<slug:slug>/", views.framework, name="framework"),
    path("frameworks/<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("indicators/<slug:key>/", views.indicator_detail, name="indicator"),
    path("indicators/<slug:key>/areas/<str:code>/people/", views.area_people, name="area-people"),
]
