from __future__ import annotations

from django.urls import path

from familyhub.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("needs/", views.needs, name="needs"),
    path("sites/", views.sites, name="sites"),
    path("sessions/", views.sessions, name="sessions"),
    path("caseload/", views.caseload, name="caseload"),
    path("funding/", views.funding, name="funding"),
    path("budget/", views.budget, name="budget"),
    path("budget/contracts/new/", views.contract_new, name="contract-new"),
    path("budget/contracts/<uuid:public_id>/", views.contract, name="contract"),
    path("budget/contracts/<uuid:public_id>/years/", views.contract_year, name="contract-year"),
    path("budget/contracts/<uuid:public_id>/kpis/new/", views.kpi_new, name="kpi-new"),
    path("budget/contracts/<uuid:public_id>/figures/", views.kpi_figures, name="kpi-figures"),
    path("budget/contracts/<uuid:public_id>/change/", views.contract_edit, name="contract-edit"),
    path(
        "budget/contracts/<uuid:public_id>/delete/", views.contract_delete, name="contract-delete"
    ),
    path("budget/lines/new/", views.budget_line_new, name="budget-line-new"),
    path("establishment/", views.establishment, name="establishment"),
    path("establishment/posts/new/", views.post_new, name="post-new"),
    path("establishment/posts/<uuid:public_id>/", views.post_edit, name="post-edit"),
    path("compare/", views.compare, name="compare"),
    path("scenarios/<uuid:public_id>/", views.scenario, name="scenario"),
    path("scenarios/<uuid:public_id>/costs/new/", views.site_change_new, name="site-change-new"),
    path(
        "scenarios/<uuid:public_id>/costs/remove/",
        views.site_change_remove,
        name="site-change-remove",
    ),
    path("scenarios/<uuid:public_id>/change/", views.scenario_edit, name="scenario-edit"),
    path("scenarios/<uuid:public_id>/run-again/", views.scenario_rerun, name="scenario-rerun"),
    path("scenarios/<uuid:public_id>/delete/", views.scenario_delete, name="scenario-delete"),
    path("scenarios/<uuid:public_id>/export.<str:fmt>", views.export, name="export"),
]
