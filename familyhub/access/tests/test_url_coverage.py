"""Every URL that takes an identifier, and every API route, goes through the access layer."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, path

from familyhub.access import coverage
from familyhub.access.layer import no_person_data, person_view


def test_every_view_with_an_identifier_is_marked():
    problems = coverage.uncovered()
    assert not problems, (
        "These views take a person/household/record identifier (or are API routes) but are not "
        "marked. Decorate them with familyhub.access.layer.person_view (and get data through the "
        "layer) or no_person_data('why'), or add them to access.coverage.KNOWN_SAFE:\n"
        + "\n".join(problems)
    )


def test_the_walk_finds_this_part_and_the_api_router():
    routes = {route.route for route in coverage.walk()}
    assert "access/families/<uuid:public_id>/" in routes
    assert "access/api/families/<uuid:public_id>/" in routes


def _route(view, route="things/<uuid:public_id>/") -> coverage.Route:
    pattern = path(route, view)
    assert isinstance(pattern, URLPattern)
    return coverage.Route(route, "x", "", pattern.callback, dict(pattern.pattern.converters))


def test_an_unmarked_view_with_a_uuid_is_caught():
    def leaky(request, public_id):  # pragma: no cover - never called
        return None

    route = _route(leaky)
    assert coverage.takes_identifier(route)
    assert not coverage.is_marked(route.callback)


def test_markers_are_seen_on_functions_classes_and_drf_views():
    from django.views import View
    from rest_framework.decorators import api_view
    from rest_framework.views import APIView

    @person_view
    def marked(request, public_id):  # pragma: no cover
        return None

    @no_person_data("a form")
    def safe(request, public_id):  # pragma: no cover
        return None

    @person_view
    class Page(View):
        pass

    class Api(APIView):
        access_checked = True

    @person_view
    @api_view(["GET"])
    def api_function(request, public_id):  # pragma: no cover
        return None

    for view in (marked, safe, Page.as_view(), Api.as_view(), api_function):
        assert coverage.is_marked(_route(view).callback)


def test_int_ids_and_api_lists_count():
    def detail(request, pk):  # pragma: no cover
        return None

    assert coverage.takes_identifier(_route(detail, "x/<int:pk>/"))
    assert coverage.is_api(_route(detail, "api/people/"))
    assert not coverage.is_api(_route(detail, "api/schema/"))


def test_admin_registers_no_person_data():
    from django.apps import apps

    from familyhub.access.records import person_record_models

    person_models = {apps.get_model("people", "Person"), apps.get_model("people", "Household")}
    person_models |= set(person_record_models())
    registered = set(admin.site._registry) & person_models
    assert not registered, f"Person data must not be editable in the admin: {registered}"
