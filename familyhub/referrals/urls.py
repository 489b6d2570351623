from __future__ import annotations

from django.urls import path

from familyhub.referrals import api, views

app_name = "referrals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("late/", views.breaches, name="breaches"),
    path("new/", views.find_person, name="find-person"),
    path("new/<uuid:person_id>/", views.referral_new, name="new"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/decide/", views.decide, name="decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("overdue/", views.overdue_work, name="overdue"),
    path("threshold/", views.threshold, name="threshold"),
    path("<uuid:public_id>/accept/", views.inbox_decide, name="inbox-decide"),
    path("<uuid:public_id>/allocate/", views.assign, name="assign"),
    path("<uuid:public_id>/answer/", views.answer, name="answer"),
    path("<uuid:public_id>/letter/", views.letter, name="letter"),
    path("api/referrals/", api.referral_list, name="api-list"),
    path("api/referrals/<uuid:public_id>/", api.referral_detail, name="api-detail"),
    path("api/services/", api.service_directory, name="api-services"),
]
