from __future__ import annotations

from django.urls import path

from familyhub.childhealth import views

app_name = "childhealth"
urlpatterns = [
    path("reviews/", views.worklist, name="worklist"),
    path("reviews/<uuid:public_id>/record/", views.review_record, name="review-record"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/<uuid:public_id>/", views.caseload, name="caseload-of"),
    path("people/<uuid:public_id>/", views.child, name="child"),
    path(
        "people/<uuid:public_id>/measurements/new/", views.measurement_add, name="measurement-add"
    ),
    path("people/<uuid:public_id>/screening/new/", views.screening_add, name="screening-add"),
    path("people/<uuid:public_id>/referrals/new/", views.referral_add, name="referral-add"),
    path("people/<uuid:public_id>/named-practitioner/", views.allocate, name="allocate"),
    path("alerts/<uuid:public_id>/resolve/", views.alert_resolve, name="alert-resolve"),
    path("indicators/", views.indicator_page, name="indicators"),
]
