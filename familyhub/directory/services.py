"""Writes of the directory: editors' changes to a record (with a version check, so two editors
never silently overwrite each other), marking a record checked, and signposts (records about a
person, logged with audit.log.log_change in the same transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from familyhub.access.records import Category
from familyhub.audit.log import log_change
from familyhub.directory.models import (
    DirectoryService,
    Location,
    LocationType,
    Organization,
    Origin,
    ServiceAtLocation,
    Signpost,
    TaxonomyTerm,
)
from familyhub.directory.quality import score
from familyhub.directory.selectors import PostcodeProblem, locate
from familyhub.people.models import Person
from familyhub.places.postcodes import normalise_postcode
from familyhub.services.models import Team


class DirectoryConflict(Exception):
    """The record changed after the editor read it; nothing was saved."""

    def __init__(self, entry: DirectoryService) -> None:
        self.entry = entry
        super().__init__(
            "Someone else changed this record while you had it open. Your changes were not "
            "saved. Read the record as it is now and make your changes again."
        )


@dataclass
class RecordDetails:
    name: str
    description: str
    url: str
    email: str
    status: str
    minimum_age: int | None
    maximum_age: int | None
    alert: str
    terms: list[TaxonomyTerm]


def _check(details: RecordDetails) -> None:
    errors = {}
    if not details.name.strip():
        errors["name"] = "Enter the service's name"
    if (
        details.minimum_age is not None
        and details.maximum_age is not None
        and details.maximum_age < details.minimum_age
    ):
        errors["maximum_age"] = "Oldest age must be the same as or more than the youngest age"
    if errors:
        raise ValidationError(errors)


def _rescore(entry: DirectoryService) -> None:
    entry.refresh_from_db()
    DirectoryService.objects.filter(pk=entry.pk).update(completeness=score(entry))


def record_update(
    *, entry: DirectoryService, by, version: int, details: RecordDetails, checked: bool
) -> DirectoryService:
    """Change a record as an editor. `version` is the one they read: if the record changed
    since, nothing is saved (DirectoryConflict). `checked`: they confirm it is right today."""
    _check(details)
    fields: dict[str, object] = {
        "name": details.name.strip(),
        "description": details.description.strip(),
        "url": details.url.strip(),
        "email": details.email.strip(),
        "status": details.status,
        "minimum_age": details.minimum_age,
        "maximum_age": details.maximum_age,
        "alert": details.alert.strip(),
    }
    if checked:
        fields.update(assured_date=timezone.localdate(), assurer_email=by.email or "")
    with transaction.atomic():
        updated = DirectoryService.objects.filter(pk=entry.pk, version=version).update(
            **fields, last_modified=timezone.now(), version=F("version") + 1
        )
        if updated != 1:
            entry.refresh_from_db()
            raise DirectoryConflict(entry)
        entry.terms.set(details.terms)
        _rescore(entry)
    return entry


@dataclass(frozen=True)
class Where:
    """Where a new service is held; all empty for one online or by phone."""

    address_1: str = ""
    city: str = ""
    postal_code: str = ""

    def is_empty(self) -> bool:
        return not (self.address_1.strip() or self.city.strip() or self.postal_code.strip())


def record_create(
    *,
    authority,
    by,
    details: RecordDetails,
    organization_name: str,
    where: Where,
    checked: bool,
) -> DirectoryService:
    """A record an editor adds from scratch (origin: editor). The organisation is the one of
    that name already in the directory, or a new one. A postcode is placed with the council's
    postcode lookup (the same as the public search), so the service is found "near" a family;
    one the lookup cannot place is refused on the postcode, not saved without coordinates."""
    _check(details)
    name = organization_name.strip()
    if not name:
        raise ValidationError({"organization": "Enter who runs the service"})
    place = None
    if where.postal_code.strip():
        try:
            place = locate(where.postal_code)
        except PostcodeProblem as problem:
            raise ValidationError({"postal_code": str(problem)}) from problem
    elif not where.is_empty():
        raise ValidationError({"postal_code": "Enter the postcode of the address"})
    with transaction.atomic():
        organization = Organization.objects.filter(name__iexact=name).order_by("pk").first()
        if organization is None:
            organization = Organization.objects.create(name=name)
        entry = DirectoryService.objects.create(
            authority=authority,
            organization=organization,
            origin=Origin.EDITOR,
            name=details.name.strip(),
            description=details.description.strip(),
            url=details.url.strip(),
            email=details.email.strip(),
            status=details.status,
            minimum_age=details.minimum_age,
            maximum_age=details.maximum_age,
            alert=details.alert.strip(),
            assured_date=timezone.localdate() if checked else None,
            assurer_email=(by.email or "") if checked else "",
        )
        entry.terms.set(details.terms)
        location = Location.objects.create(
            location_type=LocationType.VIRTUAL if place is None else LocationType.PHYSICAL,
            name="" if place is None else details.name.strip(),
            address_1=where.address_1.strip(),
            city=where.city.strip(),
            postal_code=(normalise_postcode(where.postal_code) or "") if place else "",
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
        )
        ServiceAtLocation.objects.create(service=entry, location=location)
        _rescore(entry)
    return entry


def mark_checked(*, entry: DirectoryService, by, version: int) -> DirectoryService:
    """The editor confirms the record is right as it stands, today."""
    with transaction.atomic():
        updated = DirectoryService.objects.filter(pk=entry.pk, version=version).update(
            assured_date=timezone.localdate(),
            assurer_email=by.email or "",
            version=F("version") + 1,
        )
        if updated != 1:
            entry.refresh_from_db()
            raise DirectoryConflict(entry)
        _rescore(entry)
    return entry


def signpost_create(
    *,
    person: Person,
    by,
    team: Team,
    entry: DirectoryService,
    need: TaxonomyTerm | None,
    given_on: date,
    notes: str = "",
    channel: str = "page",
) -> Signpost:
    """Record that `by` pointed `person` to a service in the directory (what, to whom, when)."""
    errors = {}
    if given_on > timezone.localdate():
        errors["given_on"] = "Date signposted must be today or in the past"
    if entry.withdrawn_at is not None:
        errors["service"] = "This service has left the directory: choose another"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        signpost = Signpost.objects.create(
            person=person,
            owning_service=team.service,
            category=Category.GENERAL,
            recorded_by=by,
            team=team,
            service=entry,
            service_name=entry.name,
            need=need,
            need_code=need.code if need else "",
            need_name=need.name if need else "",
            area_id=person.area_id,
            given_on=given_on,
            notes=notes.strip(),
        )
        log_change(
            by,
            [person],
            action="create",
            purpose="Signpost to a service",
            channel=channel,
            detail=str(signpost.public_id),
        )
    return signpost
