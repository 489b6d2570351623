from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from familyhub import views
from familyhub.core import health

admin.site.site_header = "Familyhub administration"
admin.site.site_title = "Familyhub administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("familyhub.core.urls")),
    path("account/", include("familyhub.accounts.urls")),
    path("admin/", admin.site.urls),
    path("people/", include("familyhub.people.urls")),
    path("matching/", include("familyhub.matching.urls")),
    path("access/", include("familyhub.access.urls")),
    path("referrals/", include("familyhub.referrals.urls")),
    path("contacts/", include("familyhub.contacts.urls")),
    path("notifications/", include("familyhub.notifications.urls")),
    path("casework/", include("familyhub.casework.urls")),
    path("family-help/", include("familyhub.familyhelp.urls")),
    path("child-health/", include("familyhub.childhealth.urls")),
    path("hubs/", include("familyhub.hubs.urls")),
    path("outcomes/", include("familyhub.outcomes.urls")),
    path("planning/", include("familyhub.planning.urls")),
    path("api/", include("familyhub.api.urls")),
    path("family/", include("familyhub.portal.urls")),
    path("family-accounts/", include("familyhub.portal.urls_staff")),
    path("fhir/", include("familyhub.fhir.urls")),
    path("returns/", include("familyhub.returns.urls")),
    path("retention/", include("familyhub.retention.urls")),
    path("births/", include("familyhub.births.urls")),
    path("directory/", include("familyhub.directory.urls")),
    path("tracing/", include("familyhub.tracing.urls")),
]
