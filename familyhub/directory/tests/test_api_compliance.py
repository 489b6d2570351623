"""The public API against the Open Referral UK 3.0 compliance checks we could find and implement.

From the profile's compliance page (docs/profile_compliance.md of OpenReferralUK/uk-profile) and
the ORUK validator's endpoint tests (OpenReferralUK/oruk-validator, OpenApiValidationService):

1. Openness: every endpoint answers GET with no key and no sign-in.
2. Security: every response carries `Access-Control-Allow-Origin: *` (errors and preflight too).
3. The required endpoints of the profile's OpenAPI answer 2xx (REQUIRED_ENDPOINT_FAILED).
4. Every answer validates against the profile's JSON schema for that endpoint, and lists carry
   the Page envelope (total_items, total_pages, page_number, size, first_page, last_page, empty).
5. Paging: the first, a middle and the last page are each valid, and together hold every item
   once (the validator requests page 1, total_pages / 2 and total_pages).
6. A feed with data does not answer an empty first page (EMPTY_FEED_WARNING).
7. `/` says the HSDS version and profile, and where the OpenAPI description is.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from familyhub.directory import feedgen, oruk
from familyhub.directory.models import DirectoryService
from familyhub.directory.tests.conftest import import_services

pytestmark = pytest.mark.django_db

LISTS = {
    "/directory/api/services": "service_list",
    "/directory/api/service_at_locations": "service_at_location_list",
    "/directory/api/taxonomies": "taxonomy",
    "/directory/api/taxonomy_terms": "taxonomy_term",
}


def _get(path, **params):
    return Client().get(path, params)


def _required_paths():
    """The profile's OpenAPI paths, as ours (the required set of the UK profile)."""
    return sorted(oruk.openapi()["paths"])


def test_the_profile_lists_the_endpoints_we_serve(world):
    service_id = str(world.near.oruk_id)
    sal_id = str(world.near.service_at_locations.get().oruk_id)
    term = world.near.terms.get()
    ids = {
        "/services/{id}": service_id,
        "/service_at_locations/{id}": sal_id,
        "/taxonomies/{id}": str(term.taxonomy.oruk_id),
        "/taxonomy_terms/{id}": str(term.oruk_id),
    }
    for path in _required_paths():
        url = "/directory/api" + path.replace("{id}", ids.get(path, ""))
        if path in ids:
            url = "/directory/api" + path.replace("{id}", ids[path])
        response = _get(url)
        assert response.status_code == 200, (path, response.status_code)
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert response["Content-Type"].startswith("application/json")


def test_root_says_version_profile_and_openapi(world):
    body = _get("/directory/api/").json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["profile"].startswith("https://")
    openapi = Client().get(body["openapi_url"].replace("http://testserver", ""))
    assert openapi.status_code == 200 and openapi.json()["info"]["version"] == "3.0"


@pytest.mark.parametrize("path,kind", sorted(LISTS.items()))
def test_every_list_is_a_valid_page(world, path, kind):
    body = _get(path).json()
    assert oruk.validate_page(kind, body) == []
    assert body["total_items"] > 0 and body["contents"], "EMPTY_FEED_WARNING"
    assert body["first_page"] is True and body["page_number"] == 1


def test_a_whole_service_validates_against_the_profile(world):
    for entry in DirectoryService.objects.all():
        body = _get(f"/directory/api/services/{entry.oruk_id}").json()
        assert oruk.validate("service", body) == [], entry.name
    full = _get(f"/directory/api/services/{world.near.oruk_id}").json()
    assert full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "RM17 5DX"
    assert full["attributes"][0]["taxonomy_term"]["name"] == "Food and essentials"
    assert full["schedules"][0]["byday"]


def test_council_services_and_hub_sessions_are_in_the_feed(world):
    series = _get(f"/directory/api/services/{world.series.public_id}").json()
    assert oruk.validate("service", series) == []
    assert series["schedules"][0]["freq"] == "WEEKLY" and series["schedules"][0]["byday"] == "WE"
    assert series["schedules"][0]["opens_at"] == "10:00"
    assert series["service_at_locations"][0]["location"]["name"] == "Grays Family Hub"
    assert series["cost_options"][0]["amount"] == 0


def test_paging_first_middle_and_last(world, tmp_path):
    import_services(world.authority, feedgen.generate(23, feed="more"), tmp_path, name="More")
    first = _get("/directory/api/services", per_page=5).json()
    pages = first["total_pages"]
    assert pages == -(-first["total_items"] // 5) and pages > 2
    seen = []
    for number in range(1, pages + 1):
        body = _get("/directory/api/services", per_page=5, page=number).json()
        assert oruk.validate_page("service_list", body) == []
        assert body["page_number"] == number
        assert body["last_page"] is (number == pages)
        assert body["size"] == len(body["contents"])
        seen += [item["id"] for item in body["contents"]]
    assert len(seen) == len(set(seen)) == first["total_items"]
    beyond = _get("/directory/api/services", per_page=5, page=pages + 1).json()
    assert beyond["contents"] == [] and beyond["last_page"] is True


def test_filters_of_the_profile(world):
    term = world.near.terms.get()
    by_term = _get("/directory/api/services", taxonomy_term_id=str(term.oruk_id)).json()
    assert {item["id"] for item in by_term["contents"]} == {
        str(world.near.oruk_id),
        str(world.middle.oruk_id),
        str(world.far.oruk_id),
    }
    by_day = _get("/directory/api/services", day="WE").json()
    assert str(world.series.public_id) in {item["id"] for item in by_day["contents"]}
    near = _get("/directory/api/service_at_locations", postcode="RM17 5DQ", proximity="1000").json()
    assert oruk.validate_page("service_at_location_list", near) == []
    assert str(world.near.oruk_id) in {item["service_id"] for item in near["contents"]}
    assert str(world.far.oruk_id) not in {item["service_id"] for item in near["contents"]}
    full = _get("/directory/api/services", full="true").json()
    assert all(oruk.validate("service", item) == [] for item in full["contents"])
    assert _get("/directory/api/services", search=world.near.name).json()["total_items"] >= 1


@pytest.mark.parametrize(
    "params,word",
    [
        ({"page": "first"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "100000"}, "per_page"),
        ({"taxonomy_term_id": "food"}, "taxonomy_term_id"),
        ({"day": "Monday"}, "day"),
        ({"modified_after": "yesterday"}, "modified_after"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(world, params, word):
    response = _get("/directory/api/services", **params)
    assert response.status_code == 400
    assert word in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_postcode_that_does_not_exist_is_a_400(world):
    response = _get("/directory/api/service_at_locations", postcode="ZZ99 9ZZ")
    assert response.status_code == 400 and "postcode" in response.json()["detail"]


def test_unknown_ids_are_404_with_cors(world):
    for path in ("services", "service_at_locations", "taxonomies", "taxonomy_terms"):
        for ident in (str(uuid.uuid4()), "not-a-uuid"):
            response = _get(f"/directory/api/{path}/{ident}")
            assert response.status_code == 404
            assert response["Access-Control-Allow-Origin"] == "*"


def test_open_to_anyone_and_get_only(world):
    client = Client(enforce_csrf_checks=True)
    preflight = client.options("/directory/api/services", HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    refused = client.post("/directory/api/services", {})
    assert refused.status_code in (403, 405)
    # Signed-in staff read the same open answer.
    signed = Client()
    signed.force_login(world.worker)
    assert signed.get("/directory/api/services").status_code == 200
