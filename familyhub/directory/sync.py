"""The council's own services and family hub sessions, in the directory without re-typing.

Synced, not derived on the fly: each council service (services.Service) and each session series
(hubs.SessionSeries) has one DirectoryService row, with the source's own public id as its Open
Referral id, kept in step when the source is saved (apps.py connects post_save, and the sync runs
once the saving transaction commits) and by `familyhub directory-sync` (nightly, and after bulk
loads, which send no signals). Why a copy rather than a view over the sources: the directory adds
what the sources do not hold (a description for parents, needs, contacts, costs, the last-checked
day and the completeness score the editors work from), the API pages, searches and sorts one table
whatever the record's origin, and a record keeps its id and history when its source is deleted.

What the source says (name, who runs it, where and when, ages, open or ended) is rewritten at each
sync; what editors add (description once written, needs, contacts, costs) is kept.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from familyhub.directory.models import (
    CostOption,
    DirectoryService,
    Frequency,
    Location,
    LocationType,
    Organization,
    Origin,
    Schedule,
    ServiceAtLocation,
    Status,
    TaxonomyTerm,
)
from familyhub.directory.quality import score
from familyhub.directory.taxonomy import (
    NEEDS_OF_OUTCOME_AREA,
    NEEDS_OF_SERVICE_KIND,
    term_id,
)
from familyhub.hubs.models import Offer, SessionSeries
from familyhub.places.models import Authority, Site
from familyhub.services.models import Service

logger = logging.getLogger(__name__)

# Namespace of the ids we derive (the council as an organization, a provider by name).
_NAMESPACE = uuid.UUID("2d5b8f3e-9a57-5c1e-8f57-3c2a6f4e1b90")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def council_organization(authority: Authority, provider: str = "") -> Organization:
    """The council itself, or the named provider of one of its services."""
    name = provider.strip() or authority.name
    oruk_id = uuid.uuid5(_NAMESPACE, f"{authority.code}:{name.lower()}")
    organization, _ = Organization.objects.get_or_create(
        oruk_id=oruk_id,
        defaults={
            "name": name,
            "description": (
                f"{authority.name}'s own services for families"
                if not provider.strip()
                else f"Provides services for {authority.name}"
            ),
        },
    )
    return organization


def site_location(site: Site) -> Location:
    """The directory's location for a council site, kept in step with the site."""
    fields = {
        "location_type": LocationType.PHYSICAL,
        "name": site.name,
        "address_1": site.address or site.name,
        "postal_code": site.postcode,
        "latitude": site.latitude,
        "longitude": site.longitude,
    }
    location, created = Location.objects.get_or_create(
        site=site, defaults={"oruk_id": site.public_id, **fields}
    )
    if not created and any(getattr(location, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(location, key, value)
        location.save()
    return location


def _terms(codes) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(oruk_id__in=[term_id(code) for code in codes]))


def _place_at(entry: DirectoryService, locations: list[Location]) -> list[ServiceAtLocation]:
    """Make the entry's locations exactly these (keeping the rows that stay, and their ids)."""
    wanted = {location.pk for location in locations}
    entry.service_at_locations.exclude(location_id__in=wanted).delete()
    kept = {sal.location_id: sal for sal in entry.service_at_locations.all()}
    return [
        kept.get(location.pk)
        or ServiceAtLocation.objects.create(
            service=entry,
            location=location,
            oruk_id=uuid.uuid5(entry.oruk_id, str(location.oruk_id)),
        )
        for location in locations
    ]


def _years_from_months(months: int | None, *, upper: bool) -> int | None:
    if months is None:
        return None
    return math.ceil(months / 12) if upper else months // 12


def _save(entry: DirectoryService, source_fields: dict, *, created: bool) -> DirectoryService:
    changed = created or any(getattr(entry, key) != value for key, value in source_fields.items())
    for key, value in source_fields.items():
        setattr(entry, key, value)
    if changed:
        # What the council's own systems say is, by definition, as it is today.
        entry.last_modified = timezone.now()
        entry.assured_date = timezone.localdate()
        entry.version += 0 if created else 1
        entry.save()
    return entry


def _finish(entry: DirectoryService) -> DirectoryService:
    entry.refresh_from_db()
    new = score(entry)
    if new != entry.completeness:
        DirectoryService.objects.filter(pk=entry.pk).update(completeness=new)
        entry.completeness = new
    return entry


@transaction.atomic
def sync_council_service(service: Service) -> DirectoryService:
    entry = DirectoryService.objects.filter(council_service=service).first()
    created = entry is None
    if entry is None:
        entry = DirectoryService(
            oruk_id=service.public_id,
            council_service=service,
            origin=Origin.COUNCIL_SERVICE,
            authority_id=service.authority_id,
        )
    source = {
        "name": service.name,
        "organization": council_organization(service.authority, service.provider),
        "status": Status.ACTIVE
        if service.contract_end is None or service.contract_end >= date.today()
        else Status.INACTIVE,
    }
    _save(entry, source, created=created)
    if created:
        entry.terms.set(_terms(NEEDS_OF_SERVICE_KIND.get(service.kind, ())))
    bases = Site.objects.filter(teams__service=service).distinct().order_by("name")
    _place_at(entry, [site_location(site) for site in bases])
    return _finish(entry)


def _series_name(series: SessionSeries) -> str:
    return f"{series.activity.name} at {series.site.name}"


def _series_description(series: SessionSeries) -> str:
    words = series.activity.description.strip()
    if series.activity.offer == Offer.TARGETED:
        words = (words + " " if words else "") + "By invitation or referral from a practitioner."
    if series.is_course:
        words = (words + " " if words else "") + "A course: families book every week at once."
    return words


@transaction.atomic
def sync_session_series(series: SessionSeries) -> DirectoryService:
    entry = DirectoryService.objects.filter(session_series=series).first()
    created = entry is None
    if entry is None:
        entry = DirectoryService(
            oruk_id=series.public_id,
            session_series=series,
            origin=Origin.HUB_SESSIONS,
            authority_id=series.authority_id,
        )
    activity = series.activity
    source = {
        "name": _series_name(series)[:240],
        "organization": council_organization(series.service.authority, series.service.provider),
        "status": Status.ACTIVE if series.ends_on >= date.today() else Status.INACTIVE,
        "minimum_age": _years_from_months(activity.min_age_months, upper=False),
        "maximum_age": _years_from_months(activity.max_age_months, upper=True),
    }
    if not entry.description:
        source["description"] = _series_description(series)
    _save(entry, source, created=created)
    if created:
        codes = {
            code for area in activity.outcome_areas for code in NEEDS_OF_OUTCOME_AREA.get(area, ())
        }
        entry.terms.set(_terms(codes or ("babies_young_children",)))
        CostOption.objects.create(service=entry, option="Free", amount=0)
    (sal,) = _place_at(entry, [site_location(series.site)])
    _weekly_schedule(entry, sal, series)
    return _finish(entry)


def _weekly_schedule(
    entry: DirectoryService, sal: ServiceAtLocation, series: SessionSeries
) -> None:
    fields = {
        "service_at_location": sal,
        "freq": Frequency.WEEKLY,
        "interval": 1,
        "byday": BYDAY[series.weekday],
        "opens_at": series.start_time,
        "closes_at": series.end_time,
        "valid_from": series.starts_on,
        "valid_to": series.ends_on,
        "description": f"Every {series.get_weekday_display()}",
    }
    Schedule.objects.update_or_create(
        service=entry, oruk_id=uuid.uuid5(entry.oruk_id, "weekly"), defaults=fields
    )


def sync_all(authority: Authority | None = None) -> dict[str, int]:
    """Every council service and session series (the command and the nightly task)."""
    services = Service.objects.select_related("authority")
    series = SessionSeries.objects.select_related("activity", "site", "service__authority")
    if authority is not None:
        services = services.filter(authority=authority)
        series = series.filter(authority=authority)
    counts = {"services": 0, "sessions": 0}
    for service in services.iterator():
        sync_council_service(service)
        counts["services"] += 1
    for one in series.iterator():
        sync_session_series(one)
        counts["sessions"] += 1
    return counts


# --- kept in step on save (apps.py connects these) -----------------------------------------------


def on_service_saved(sender, instance: Service, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # loading a fixture: the nightly sync will catch up
    pk = instance.pk
    transaction.on_commit(lambda: _quietly(_sync_service_pk, pk))


def on_series_saved(sender, instance: SessionSeries, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    pk = instance.pk
    transaction.on_commit(lambda: _quietly(_sync_series_pk, pk))


def on_site_saved(sender, instance: Site, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    pk = instance.pk
    transaction.on_commit(lambda: _quietly(_sync_site_pk, pk))


def _quietly(sync, pk: int) -> None:
    """The source's save is committed already: a failed sync must not turn it into an error page.
    It is logged, and the nightly `directory-sync` puts the directory right."""
    try:
        sync(pk)
    except Exception:
        logger.exception("directory sync of %s %s failed", sync.__name__, pk)


def _sync_service_pk(pk: int) -> None:
    service = Service.objects.select_related("authority").filter(pk=pk).first()
    if service is not None:
        sync_council_service(service)


def _sync_series_pk(pk: int) -> None:
    series = (
        SessionSeries.objects.select_related("activity", "site", "service__authority")
        .filter(pk=pk)
        .first()
    )
    if series is not None:
        sync_session_series(series)


def _sync_site_pk(pk: int) -> None:
    site = Site.objects.filter(pk=pk, directory_location__isnull=False).first()
    if site is not None:
        site_location(site)
