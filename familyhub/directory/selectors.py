"""Finding services: by need (a taxonomy term) and near a postcode, nearest first.

Where a postcode is comes from the council's postcode lookup (places.PostcodeArea, with
coordinates): the postcode itself, else the centre of its district (the outward code: RM17) from
the lookup's postcodes there. A postcode in neither is "not found", said plainly; one that is not
shaped like a postcode is "not a postcode". Distances are straight-line (haversine), which is what
a parent means by "near" in a borough; services online or by phone come after the ones with a
place, and those without coordinates last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Avg, Q, QuerySet

from familyhub.directory.models import (
    DirectoryService,
    LocationType,
    ServiceAtLocation,
    Status,
    TaxonomyTerm,
)
from familyhub.places.models import PostcodeArea
from familyhub.places.postcodes import normalise_postcode

EARTH_RADIUS_KM = 6371.0
KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class Place:
    postcode: str
    latitude: float
    longitude: float
    district_only: bool  # found by its district's centre, not the postcode itself


class PostcodeProblem(ValueError):
    """Why a postcode cannot be searched from, in words for the person who typed it."""


def locate(raw: str) -> Place:
    """Where a postcode is (raises PostcodeProblem)."""
    postcode = normalise_postcode(raw)
    if postcode is None:
        raise PostcodeProblem("Enter a real postcode, like RM17 6SL")
    row = (
        PostcodeArea.objects.filter(
            postcode=postcode, latitude__isnull=False, longitude__isnull=False
        )
        .values_list("latitude", "longitude")
        .first()
    )
    if row and row[0] is not None and row[1] is not None:
        return Place(postcode, row[0], row[1], district_only=False)
    district = postcode.split(" ")[0]
    centre = PostcodeArea.objects.filter(
        postcode__startswith=f"{district} ", latitude__isnull=False
    ).aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centre["latitude"] is None or centre["longitude"] is None:
        # The postcode is not repeated back: the page says which field, the box still holds it.
        raise PostcodeProblem(
            "We could not find that postcode. Check it is right, or search without a postcode"
        )
    return Place(postcode, centre["latitude"], centre["longitude"], district_only=True)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def listed() -> QuerySet[DirectoryService]:
    """What the public search shows: services open now and still in the directory."""
    return DirectoryService.objects.filter(status=Status.ACTIVE, withdrawn_at__isnull=True)


@dataclass
class Found:
    service: DirectoryService
    distance_km: float | None = None
    where: str = ""
    online: bool = False

    @property
    def miles(self) -> float | None:
        return None if self.distance_km is None else self.distance_km / KM_PER_MILE


@dataclass
class Results:
    found: list[Found]
    total: int
    place: Place | None = None
    pages: int = 1
    page: int = 1
    problems: dict[str, str] = field(default_factory=dict)


def _filtered(need: TaxonomyTerm | None, words: str) -> QuerySet[DirectoryService]:
    services = listed()
    if need is not None:
        services = services.filter(terms=need)
    if words:
        services = services.filter(Q(name__icontains=words) | Q(description__icontains=words))
    return services


def _nearest(service_ids: list[int], place: Place | None) -> dict[int, tuple[float | None, bool]]:
    """Each service's distance to its nearest place (None without coordinates) and whether it
    is online, in one query over the locations."""
    best: dict[int, tuple[float | None, bool]] = {}
    rows = ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "location__latitude", "location__longitude", "location__location_type"
    )
    for service_id, latitude, longitude, kind in rows.iterator(chunk_size=2000):
        online = kind == LocationType.VIRTUAL
        distance = None
        if place is not None and latitude is not None and longitude is not None and not online:
            distance = distance_km(place.latitude, place.longitude, latitude, longitude)
        current = best.get(service_id)
        if current is None or (
            distance is not None and (current[0] is None or distance < current[0])
        ):
            best[service_id] = (distance, online or (current[1] if current else False))
    return best


def search(
    *,
    need: TaxonomyTerm | None = None,
    place: Place | None = None,
    words: str = "",
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Services for a need near a place, nearest first (by name without a place)."""
    services = _filtered(need, words)
    if place is None:
        total = services.count()
        pages = max(1, math.ceil(total / per_page))
        page = min(max(page, 1), pages)
        rows = services.order_by("name", "pk")[(page - 1) * per_page : page * per_page]
        return Results(_described(list(rows), {}), total, None, pages, page)
    ids_and_names = list(services.values_list("pk", "name"))
    nearest = _nearest([pk for pk, _ in ids_and_names], place)

    def order(pair: tuple[int, str]) -> tuple:
        distance, online = nearest.get(pair[0], (None, False))
        band = 0 if distance is not None else (1 if online else 2)
        return (band, distance or 0.0, pair[1].lower())

    ordered = sorted(ids_and_names, key=order)
    total = len(ordered)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    chosen = [pk for pk, _ in ordered[(page - 1) * per_page : page * per_page]]
    by_pk = {row.pk: row for row in _with_details(DirectoryService.objects.filter(pk__in=chosen))}
    return Results(_described([by_pk[pk] for pk in chosen], nearest), total, place, pages, page)


def _with_details(services: QuerySet[DirectoryService]) -> QuerySet[DirectoryService]:
    return services.select_related("organization").prefetch_related(
        "service_at_locations__location", "schedules", "terms", "contacts", "cost_options"
    )


def _described(rows: list[DirectoryService], nearest: dict) -> list[Found]:
    if rows and not hasattr(rows[0], "_prefetched_objects_cache"):
        by_pk = {
            row.pk: row
            for row in _with_details(DirectoryService.objects.filter(pk__in=[r.pk for r in rows]))
        }
        rows = [by_pk[row.pk] for row in rows]
    found = []
    for row in rows:
        distance, online = nearest.get(row.pk, (None, False))
        locations = [sal.location for sal in row.service_at_locations.all()]
        physical = [loc for loc in locations if loc.location_type != LocationType.VIRTUAL]
        where = ""
        if physical:
            first = physical[0]
            where = ", ".join(
                part for part in (first.name, first.address_1, first.postal_code) if part
            )
        found.append(
            Found(
                row,
                distance,
                where,
                online=online
                or any(loc.location_type == LocationType.VIRTUAL for loc in locations),
            )
        )
    return found


def service_for_public(oruk_id) -> DirectoryService | None:
    return _with_details(
        DirectoryService.objects.filter(oruk_id=oruk_id, withdrawn_at__isnull=True)
    ).first()
