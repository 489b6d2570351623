from __future__ import annotations

from django.urls import path

from familyhub.people import views, views_import

app_name = "people"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/candidates/", views.register_candidates, name="register-candidates"),
    path("register/new/", views.register_new, name="register-new"),
    path("register/existing/<uuid:public_id>/", views.register_existing, name="register-existing"),
    path(
        "registrations/to-confirm/",
        views.registrations_to_confirm,
        name="registrations-to-confirm",
    ),
    path("import/", views_import.import_upload, name="import"),
    path("import/<uuid:public_id>/", views_import.import_check, name="import-check"),
    path("import/<uuid:public_id>/result/", views_import.import_result, name="import-result"),
    path(
        "import/<uuid:public_id>/rows-to-correct.csv",
        views_import.import_bad_rows,
        name="import-bad-rows",
    ),
    path("households/<uuid:public_id>/", views.household_detail, name="household"),
    path("merges/<uuid:public_id>/undo/", views.merge_undo, name="merge-undo"),
    path("<uuid:public_id>/", views.person_detail, name="person"),
    path("<uuid:public_id>/edit/", views.person_edit, name="person-edit"),
    path("<uuid:public_id>/address/", views.person_move, name="person-move"),
    path("<uuid:public_id>/contact/", views.contact_add, name="contact-add"),
    path(
        "<uuid:public_id>/relationships/add/",
        views.relationship_add,
        name="relationship-add",
    ),
    path("<uuid:public_id>/merge/<uuid:duplicate_id>/", views.merge_confirm, name="merge-confirm"),
]
