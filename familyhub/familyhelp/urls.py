from __future__ import annotations

from django.urls import path

from familyhub.familyhelp import views

app_name = "familyhelp"
urlpatterns = [
    path("records/<uuid:public_id>/", views.record, name="record"),
    path("<uuid:public_id>/network/", views.network, name="network"),
    path("<uuid:public_id>/network/add/", views.network_add, name="network-add"),
    path(
        "<uuid:public_id>/network/<uuid:member_id>/change/",
        views.network_change,
        name="network-change",
    ),
    path("<uuid:public_id>/fgdm/", views.fgdm, name="fgdm"),
    path("<uuid:public_id>/fgdm/offer/", views.offer_add, name="offer-add"),
    path(
        "<uuid:public_id>/fgdm/offers/<uuid:offer_id>/answer/",
        views.offer_answer,
        name="offer-answer",
    ),
    path(
        "<uuid:public_id>/fgdm/offers/<uuid:offer_id>/meeting/",
        views.meeting_add,
        name="meeting-add",
    ),
    path("<uuid:public_id>/fgdm/meetings/<uuid:meeting_id>/plan/", views.plan_add, name="plan-add"),
    path(
        "<uuid:public_id>/fgdm/plans/<uuid:plan_id>/review/",
        views.plan_review,
        name="plan-review",
    ),
]
