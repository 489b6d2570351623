from __future__ import annotations

from django.urls import path

from familyhub.portal import views_record as views

# Included by portal/urls.py under /family/record/, inside the "portal" namespace.
urlpatterns: list = [
    path("", views.record_home, name="record_home"),
    path("plan/", views.record_plan, name="record_plan"),
    path(
        "plan/actions/<uuid:public_id>/comment/",
        views.record_action_comment,
        name="record_action_comment",
    ),
    path(
        "plan/actions/<uuid:public_id>/done/", views.record_action_done, name="record_action_done"
    ),
    path("appointments/", views.record_appointments, name="record_appointments"),
    path("children/<uuid:public_id>/", views.record_child, name="record_child"),
    path("shared-with-you/", views.record_documents, name="record_documents"),
    path("who-has-looked/", views.record_looked, name="record_looked"),
    path("who-has-looked/<int:seq>/ask/", views.record_ask, name="record_ask"),
    path("consents/", views.record_consents, name="record_consents"),
    path(
        "consents/<uuid:public_id>/withdraw/",
        views.record_consent_withdraw,
        name="record_consent_withdraw",
    ),
    path("your-data/", views.record_data, name="record_data"),
    path("your-data/download.<str:fmt>", views.record_data_download, name="record_data_download"),
]
