from __future__ import annotations

from django.urls import path, re_path

from familyhub.directory import api, views

app_name = "directory"

# The public API's paths are the Open Referral UK profile's own, with or without a slash at the
# end (a client built from the profile's OpenAPI asks without one: no redirect for it).
_ID = r"(?P<oruk_id>[^/]+)"
api_patterns = [
    re_path(r"^api/?$", api.api_info, name="api-root"),
    re_path(r"^api/openapi\.json$", api.openapi, name="api-openapi"),
    re_path(r"^api/services/?$", api.services, name="api-services"),
    re_path(rf"^api/services/{_ID}/?$", api.service, name="api-service"),
    re_path(
        r"^api/service_at_locations/?$", api.service_at_locations, name="api-service-at-locations"
    ),
    re_path(
        rf"^api/service_at_locations/{_ID}/?$",
        api.service_at_location,
        name="api-service-at-location",
    ),
    re_path(r"^api/taxonomies/?$", api.taxonomies, name="api-taxonomies"),
    re_path(rf"^api/taxonomies/{_ID}/?$", api.taxonomy, name="api-taxonomy"),
    re_path(r"^api/taxonomy_terms/?$", api.taxonomy_terms, name="api-taxonomy-terms"),
    re_path(rf"^api/taxonomy_terms/{_ID}/?$", api.taxonomy_term, name="api-taxonomy-term"),
]

urlpatterns = [
    path("", views.find, name="find"),
    path("services/<uuid:oruk_id>/", views.service_page, name="service"),
    path("editors/", views.worklist, name="worklist"),
    path("editors/records/new/", views.record_new, name="new"),
    path("editors/records/<uuid:oruk_id>/", views.record_edit, name="edit"),
    path("editors/records/<uuid:oruk_id>/checked/", views.record_checked, name="checked"),
    path("editors/imports/", views.imports, name="imports"),
    path("editors/imports/<uuid:public_id>/", views.import_run, name="import"),
    path("signpost/<uuid:person_id>/", views.signpost, name="signpost"),
    *api_patterns,
]
