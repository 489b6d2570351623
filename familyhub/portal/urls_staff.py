from __future__ import annotations

from django.urls import path

from familyhub.portal import views_staff

app_name = "portal_staff"

# Reception's pages for the family's door, under /family-accounts/ (staff side).
urlpatterns = [
    path("", views_staff.worklist, name="worklist"),
    path("link/<uuid:public_id>/", views_staff.link_request, name="link-request"),
    path("registration/<uuid:public_id>/", views_staff.registration, name="registration"),
    path("<str:kind>/<uuid:public_id>/decline/", views_staff.decline, name="decline"),
]
