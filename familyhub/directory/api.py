"""The directory's public API, as Open Referral UK 3.0 asks (oruk.py names the version).

The profile's compliance rules: every endpoint is a GET open to anyone, with no key and no
sign-in (login_not_required; the two-factor middleware only stops signed-in staff who have not
finished signing in), every response carries `Access-Control-Allow-Origin: *`, and lists are
paged in the profile's Page envelope. The endpoints are the profile's OpenAPI paths:
`/`, `/services`, `/services/{id}`, `/service_at_locations`, `/service_at_locations/{id}`,
`/taxonomies`, `/taxonomies/{id}`, `/taxonomy_terms`, `/taxonomy_terms/{id}`, with their
parameters (search, page, per_page, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age,
day, postcode, proximity; and HSDS 3.0's modified_after and full). `/openapi.json` is the
profile's own description with this server filled in.

Plain Django views, not the staff API (familyhub/api, Django REST framework): that one is for
signed-in clients reading people through the access layer; this one has no people in it at all.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from familyhub.access.layer import no_person_data
from familyhub.directory import oruk
from familyhub.directory.models import DirectoryService, ServiceAtLocation, Taxonomy, TaxonomyTerm
from familyhub.directory.selectors import PostcodeProblem, distance_km, locate

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


class BadParameter(ValueError):
    pass


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    return response


def open_endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """An endpoint of the public API: open, GET only (and a CORS preflight), CORS on every answer,
    bad parameters a 400 naming the parameter."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _cors(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            return _cors(JsonResponse({"detail": "Only GET is offered."}, status=405))
        try:
            answer = view(request, *args, **kwargs)
        except BadParameter as error:
            answer = JsonResponse({"detail": str(error)}, status=400)
        if isinstance(answer, dict):
            answer = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
        return _cors(answer)

    return login_not_required(
        no_person_data("The public service directory: no people in it")(wrapped)
    )


def _not_found(what: str) -> JsonResponse:
    return JsonResponse({"detail": f"No {what} with this id."}, status=404)


def _int(
    request: HttpRequest, name: str, default: int | None, *, low: int = 0, high: int | None = None
) -> int | None:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number") from None
    if value < low or (high is not None and value > high):
        raise BadParameter(
            f"{name} must be from {low}" + (f" to {high}" if high is not None else "")
        )
    return value


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a UUID") from None


def _page(
    request: HttpRequest, rows: QuerySet | list, render: Callable[[Any], dict]
) -> dict[str, Any]:
    """The profile's Page envelope around one page of rows."""
    number = _int(request, "page", 1, low=1) or 1
    per_page = (
        _int(request, "per_page", DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE) or DEFAULT_PER_PAGE
    )
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    pages = max(1, math.ceil(total / per_page))
    chosen = list(rows[(number - 1) * per_page : number * per_page])
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(chosen),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": [render(row) for row in chosen],
    }


# --- endpoints ------------------------------------------------------------------------------------


@open_endpoint
def api_info(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": oruk.VERSION,
        "profile": oruk.PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("directory:api-openapi")),
    }


@open_endpoint
def openapi(request: HttpRequest) -> dict[str, Any]:
    document = dict(oruk.openapi())
    document["servers"] = [
        {"url": request.build_absolute_uri(reverse("directory:api-root")).rstrip("/")}
    ]
    document["info"] = {**document["info"], "title": "Service directory (Open Referral UK 3.0)"}
    return document


def _service_filters(request: HttpRequest, services: QuerySet, prefix: str = "") -> QuerySet:
    words = request.GET.get("search", "").strip()
    if words:
        services = services.filter(
            Q(**{f"{prefix}name__icontains": words})
            | Q(**{f"{prefix}description__icontains": words})
        )
    term = _uuid(request, "taxonomy_term_id")
    if term:
        services = services.filter(**{f"{prefix}terms__oruk_id": term})
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id:
        services = services.filter(**{f"{prefix}terms__taxonomy__oruk_id": taxonomy_id})
    youngest = _int(request, "minimum_age", None)
    if youngest is not None:  # services for people this old or older: open at the top
        services = services.filter(
            Q(**{f"{prefix}maximum_age__isnull": True})
            | Q(**{f"{prefix}maximum_age__gte": youngest})
        )
    oldest = _int(request, "maximum_age", None)
    if oldest is not None:
        services = services.filter(
            Q(**{f"{prefix}minimum_age__isnull": True}) | Q(**{f"{prefix}minimum_age__lte": oldest})
        )
    day = request.GET.get("day", "").strip().upper()
    if day:
        if day not in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
            raise BadParameter("day must be one of MO, TU, WE, TH, FR, SA, SU")
        services = services.filter(**{f"{prefix}schedules__byday__contains": day})
    after = request.GET.get("modified_after", "").strip()
    if after:
        moment = _moment(after)
        services = services.filter(**{f"{prefix}last_modified__gt": moment})
    return services.distinct()


def _moment(raw: str) -> datetime:
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter("modified_after must be a date and time (ISO 8601)")
    return moment


def _full(services: QuerySet[DirectoryService]) -> QuerySet[DirectoryService]:
    return services.select_related("organization").prefetch_related(*oruk.FULL_PREFETCH)


@open_endpoint
def services(request: HttpRequest) -> dict[str, Any]:
    rows = _service_filters(request, DirectoryService.objects.all()).order_by("name", "pk")
    if request.GET.get("full", "").lower() == "true":
        return _page(request, _full(rows), oruk.service_full)
    return _page(request, rows.select_related("organization"), oruk.service_summary)


def _by_id(model, raw: str):
    try:
        return model.objects.filter(oruk_id=uuid.UUID(raw))
    except ValueError:
        return model.objects.none()


@open_endpoint
def service(request: HttpRequest, oruk_id: str):
    row = _full(_by_id(DirectoryService, oruk_id)).first()
    return oruk.service_full(row) if row else _not_found("service")


def _sal_rows(request: HttpRequest) -> QuerySet[ServiceAtLocation] | list:
    rows = _service_filters(request, ServiceAtLocation.objects.all(), prefix="service__")
    rows = rows.select_related("service__organization", "location", "service").order_by(
        "service__name", "pk"
    )
    postcode = request.GET.get("postcode", "").strip()
    if not postcode:
        return rows
    try:
        place = locate(postcode)
    except PostcodeProblem as problem:
        raise BadParameter(f"postcode: {problem}") from None
    metres = _int(request, "proximity", None, low=1)
    located = []
    for row in rows.filter(location__latitude__isnull=False):
        away = (
            distance_km(
                place.latitude, place.longitude, row.location.latitude, row.location.longitude
            )
            * 1000
        )
        if metres is None or away <= metres:
            located.append((away, row))
    located.sort(key=lambda pair: pair[0])
    return [row for _, row in located]


@open_endpoint
def service_at_locations(request: HttpRequest) -> dict[str, Any]:
    return _page(request, _sal_rows(request), oruk.service_at_location)


@open_endpoint
def service_at_location(request: HttpRequest, oruk_id: str):
    row = (
        _by_id(ServiceAtLocation, oruk_id)
        .select_related("service__organization", "location", "service")
        .first()
    )
    return oruk.service_at_location(row) if row else _not_found("service at location")


@open_endpoint
def taxonomies(request: HttpRequest) -> dict[str, Any]:
    return _page(request, Taxonomy.objects.order_by("name", "pk"), oruk.taxonomy)


@open_endpoint
def taxonomy(request: HttpRequest, oruk_id: str):
    row = _by_id(Taxonomy, oruk_id).first()
    return oruk.taxonomy(row) if row else _not_found("taxonomy")


@open_endpoint
def taxonomy_terms(request: HttpRequest) -> dict[str, Any]:
    rows = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by(
        "taxonomy__name", "name", "pk"
    )
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id:
        rows = rows.filter(taxonomy__oruk_id=taxonomy_id)
    parent = _uuid(request, "parent_id")
    if parent:
        rows = rows.filter(parent__oruk_id=parent)
    if request.GET.get("top_only", "").lower() == "true":
        rows = rows.filter(parent__isnull=True)
    return _page(request, rows, oruk.taxonomy_term)


@open_endpoint
def taxonomy_term(request: HttpRequest, oruk_id: str):
    row = _by_id(TaxonomyTerm, oruk_id).select_related("taxonomy", "parent").first()
    return oruk.taxonomy_term(row) if row else _not_found("taxonomy term")
