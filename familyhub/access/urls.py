from __future__ import annotations

from django.urls import path

from familyhub.access import views, views_subject_access

app_name = "access"
urlpatterns = [
    path("families/<uuid:public_id>/", views.family, name="family"),
    path("families/<uuid:public_id>/timeline.csv", views.family_export, name="family-export"),
    path("people/<uuid:public_id>/family/", views.person_family, name="person-family"),
    path("people/<uuid:public_id>/notes/new/", views.note_new, name="note-new"),
    path("people/<uuid:public_id>/consent/", views.consent, name="consent"),
    path("people/<uuid:public_id>/share/", views.share, name="share"),
    path(
        "people/<uuid:public_id>/decide-not-to-share/",
        views.decide_not_to_share,
        name="decide-not-to-share",
    ),
    path("people/<uuid:public_id>/break-glass/", views.break_glass, name="break-glass"),
    path("people/<uuid:public_id>/chronology/", views.person_chronology, name="person-chronology"),
    path("consents/<uuid:public_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("notes/", views.note_search, name="note-search"),
    path("notes/<uuid:public_id>/", views.note, name="note"),
    path("notes/<uuid:public_id>/share/", views.note_share, name="note-share"),
    path("find/", views.break_glass_find, name="find"),
    path("agreements/", views.agreements, name="agreements"),
    path("log/", views.log_search, name="log-search"),
    path("log/people/<uuid:public_id>/", views.log_person, name="log-person"),
    path("log/staff/<uuid:public_id>/", views.log_user, name="log-user"),
    path("unusual/", views.unusual, name="unusual"),
    path("routes/", views.routes, name="routes"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break-glass-reviews"),
    path(
        "break-glass/reviews/<uuid:public_id>/",
        views.break_glass_review,
        name="break-glass-review",
    ),
    path("decisions/reviews/", views.decision_reviews, name="decision-reviews"),
    path("decisions/reviews/<uuid:public_id>/", views.decision_review, name="decision-review"),
    path("sharing/", views.sharing_report, name="sharing-report"),
    path("sharing/shares/", views.sharing_report_shares, name="sharing-report-shares"),
    path("api/families/<uuid:public_id>/", views.family_api, name="api-family"),
    path("api/notes/", views.notes_api, name="api-notes"),
    path("subject-access/", views_subject_access.subject_access_list, name="subject-access"),
    path(
        "subject-access/people/<uuid:public_id>/new/",
        views_subject_access.subject_access_new,
        name="subject-access-new",
    ),
    path(
        "subject-access/<uuid:public_id>/",
        views_subject_access.subject_access_request,
        name="subject-access-request",
    ),
    path(
        "subject-access/<uuid:public_id>/export.<str:fmt>",
        views_subject_access.subject_access_export,
        name="subject-access-export",
    ),
    path(
        "people/<uuid:public_id>/protect-address/",
        views_subject_access.protect_address,
        name="protect-address",
    ),
    path("questions/", views_subject_access.questions, name="questions"),
    path("questions/<uuid:public_id>/", views_subject_access.question, name="question"),
]
