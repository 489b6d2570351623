from __future__ import annotations

from django.urls import path

from familyhub.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.my_caseload, name="my-caseload"),
    path("team/", views.team_caseload, name="team-caseload"),
    path("unallocated/", views.unallocated, name="unallocated"),
    path("supporting-families/", views.supporting_families, name="supporting-families"),
    path("not-seen/", views.families_not_seen, name="not-seen"),
    path("<uuid:public_id>/", views.episode, name="episode"),
    path("<uuid:public_id>/allocate/", views.allocate, name="allocate"),
    path("<uuid:public_id>/transfer/", views.transfer, name="transfer"),
    path("<uuid:public_id>/team/add/", views.team_member_add, name="team-member-add"),
    path(
        "<uuid:public_id>/team/<uuid:member_id>/leave/",
        views.team_member_leave,
        name="team-member-leave",
    ),
    path("<uuid:public_id>/assessment/", views.assessment, name="assessment"),
    path("<uuid:public_id>/goals/add/", views.goal_add, name="goal-add"),
    path("<uuid:public_id>/goals/<uuid:goal_id>/actions/add/", views.action_add, name="action-add"),
    path("<uuid:public_id>/actions/<uuid:action_id>/done/", views.action_done, name="action-done"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/contact-frequency/", views.contact_frequency, name="contact-frequency"),
    path("<uuid:public_id>/step-up/", views.step_up, name="step-up"),
    path("<uuid:public_id>/step-down/", views.step_down, name="step-down"),
    path("<uuid:public_id>/level/", views.level_change, name="level-change"),
    path("<uuid:public_id>/child-protection-decision/", views.cp_decision, name="cp-decision"),
    path("<uuid:public_id>/information-pack/", views.information_pack, name="information-pack"),
    path("<uuid:public_id>/close/", views.close, name="close"),
]
