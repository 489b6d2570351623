from __future__ import annotations

from django.urls import path

from familyhub.contacts import views

app_name = "contacts"
urlpatterns = [
    path("new/<uuid:person_id>/", views.contact_new, name="new"),
    path("<uuid:public_id>/", views.contact, name="contact"),
    path("<uuid:public_id>/change/", views.contact_edit, name="edit"),
]
