"""Import another Open Referral UK 3.0 directory (a voluntary sector feed) into ours.

A feed is read whole first (read_feed: a URL of its API, or a file or folder of its JSON pages),
each service is checked field by field (parse_service: a broken record is not applied at all and
the report names it and the field), and then everything is applied in one transaction (apply):
new services created, changed ones rewritten, unchanged ones (the same record, by a hash of it)
left alone, and services the feed no longer lists withdrawn (status "defunct", kept so a
signpost to them still reads). Nothing is withdrawn when the feed could not be read to its end,
and a service whose record failed is never withdrawn: an editor would not want a typo in the feed
to take a service out of the directory.

Bulk queries throughout: a 5,000-service feed is a few dozen queries per table, not per service
(`familyhub directory-import --generate 5000` measures it; docs/PERFORMANCE.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from familyhub.directory.models import (
    Contact,
    CostOption,
    DirectoryService,
    Feed,
    ImportRun,
    ImportStatus,
    Location,
    LocationType,
    Organization,
    Origin,
    Schedule,
    ServiceAtLocation,
    Status,
    Taxonomy,
    TaxonomyTerm,
)
from familyhub.directory.quality import refresh_scores

PER_PAGE = 500
HTTP_TIMEOUT_SECONDS = 30
MAX_PAGES = 10_000
REPORT_LIMIT = 1000  # names listed per kind of change (the counts are always whole)
CHUNK = 500

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")
_BYDAY = re.compile(r"^(-?\d?(MO|TU|WE|TH|FR|SA|SU))(,-?\d?(MO|TU|WE|TH|FR|SA|SU))*$")


class FeedUnreadable(Exception):
    """The feed could not be read (not reachable, not JSON, not Open Referral pages)."""


# --- reading ---------------------------------------------------------------------------------


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only: checked by the caller)
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        raise FeedUnreadable(f"{url}: {error}") from error


def _with_query(url: str, **params: Any) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update({key: str(value) for key, value in params.items()})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def services_url(source: str) -> str:
    """A feed's /services endpoint, from its API root or the endpoint itself."""
    parts = urllib.parse.urlsplit(source)
    path = parts.path.rstrip("/")
    if not path.endswith("/services"):
        path += "/services"
    return urllib.parse.urlunsplit(parts._replace(path=path))


def _contents(page: Any, where: str) -> list[dict]:
    if not isinstance(page, dict) or not isinstance(page.get("contents"), list):
        raise FeedUnreadable(f"{where}: not an Open Referral page (no 'contents' list)")
    return [item for item in page["contents"] if isinstance(item, dict)]


def _read_url(source: str) -> Iterator[dict]:
    base = services_url(source)
    number = 1
    while number <= MAX_PAGES:
        # `full` asks for whole services (HSDS 3.0); a feed that ignores it gives the list shape
        # and each service is then read from /services/{id}.
        page = _get_json(_with_query(base, page=number, per_page=PER_PAGE, full="true"))
        for item in _contents(page, f"page {number}"):
            if "service_at_locations" not in item and item.get("id"):
                item = _get_json(f"{base}/{urllib.parse.quote(str(item['id']))}")
            yield item
        if page.get("last_page") is True or not page["contents"]:
            return
        total = page.get("total_pages")
        if isinstance(total, int) and number >= total:
            return
        number += 1


def _read_file(path: Path) -> Iterator[dict]:
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    for one in files:
        try:
            document = json.loads(one.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise FeedUnreadable(f"{one.name}: {error}") from error
        pages = document if isinstance(document, list) else [document]
        for index, page in enumerate(pages, start=1):
            yield from _contents(page, f"{one.name}, page {index}")


def read_feed(source: str) -> list[dict]:
    """Every service of the feed, whole (raises FeedUnreadable)."""
    if source.startswith(("http://", "https://")):
        return list(_read_url(source))
    path = Path(source)
    if not path.exists():
        raise FeedUnreadable(f"{source}: no such file or folder")
    return list(_read_file(path))


# --- checking one record ---------------------------------------------------------------------


@dataclass
class Failure:
    record: str
    field: str
    message: str


class _Broken(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Parsed:
    oruk_id: uuid.UUID
    raw: dict
    hash: str
    fields: dict[str, Any]
    organization: dict[str, Any] | None
    locations: list[dict[str, Any]] = field(default_factory=list)  # with "sal_id"
    schedules: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)


def _uuid(value: Any, where: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise _Broken(where, f"'{value}' is not a UUID (Open Referral ids are UUIDs)") from None


def _str(item: dict, key: str, where: str, *, limit: int, required: bool = False) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise _Broken(f"{where}{key}", "is missing")
        return ""
    if not isinstance(value, str):
        raise _Broken(f"{where}{key}", "is not text")
    value = value.strip()
    if len(value) > limit:
        raise _Broken(f"{where}{key}", f"is longer than {limit} characters")
    return value


def _checked(item: dict, key: str, where: str, validator, *, limit: int = 500) -> str:
    value = _str(item, key, where, limit=limit)
    if value:
        try:
            validator(value)
        except ValidationError:
            raise _Broken(f"{where}{key}", f"'{value}' is not a valid {key}") from None
    return value


def _age(item: dict, key: str) -> int | None:
    value = item.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 130:
        raise _Broken(key, f"'{value}' is not an age in years (a number from 0 to 130)")
    return int(value)


def _date(item: dict, key: str, where: str) -> date | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _Broken(f"{where}{key}", f"'{value}' is not a date (YYYY-MM-DD)") from None


def _time(item: dict, key: str, where: str) -> time | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    match = _TIME.match(str(value))
    if match is None:
        raise _Broken(f"{where}{key}", f"'{value}' is not a time (HH:MM)")
    return time(int(match.group(1)), int(match.group(2)))


def _number(item: dict, key: str, where: str) -> float | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Broken(f"{where}{key}", f"'{value}' is not a number")
    return float(value)


def _items(raw: dict, key: str) -> list[tuple[int, dict]]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise _Broken(key, "is not a list")
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _organization(raw: dict) -> dict[str, Any] | None:
    item = raw.get("organization")
    if not isinstance(item, dict):
        return None
    return {
        "oruk_id": _uuid(item.get("id"), "organization/id"),
        "name": _str(item, "name", "organization/", limit=240, required=True),
        "description": _str(item, "description", "organization/", limit=10_000),
        "email": _checked(item, "email", "organization/", _email),
        "website": _checked(item, "website", "organization/", _url),
    }


def _location(index: int, sal: dict) -> dict[str, Any]:
    where = f"service_at_locations/{index}/location/"
    item = sal.get("location")
    if not isinstance(item, dict):
        raise _Broken(where.rstrip("/"), "is missing")
    kind = item.get("location_type") or LocationType.PHYSICAL
    if kind not in LocationType.values:
        raise _Broken(f"{where}location_type", f"'{kind}' is not physical, postal or virtual")
    latitude, longitude = _number(item, "latitude", where), _number(item, "longitude", where)
    if latitude is not None and not -90 <= latitude <= 90:
        raise _Broken(f"{where}latitude", f"'{latitude}' is not a latitude")
    if longitude is not None and not -180 <= longitude <= 180:
        raise _Broken(f"{where}longitude", f"'{longitude}' is not a longitude")
    addresses = [a for a in item.get("addresses") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    at = f"{where}addresses/0/"
    return {
        "sal_id": _uuid(sal.get("id"), f"service_at_locations/{index}/id"),
        "oruk_id": _uuid(item.get("id"), f"{where}id"),
        "location_type": kind,
        "name": _str(item, "name", where, limit=240),
        "description": _str(item, "description", where, limit=10_000),
        "latitude": latitude,
        "longitude": longitude,
        "address_1": _str(address, "address_1", at, limit=240),
        "city": _str(address, "city", at, limit=120),
        "state_province": _str(address, "state_province", at, limit=120),
        "postal_code": _str(address, "postal_code", at, limit=10),
        "country": (_str(address, "country", at, limit=2) or "GB").upper(),
    }


def _schedule(index: int, item: dict) -> dict[str, Any]:
    where = f"schedules/{index}/"
    freq = item.get("freq") or ""
    if freq and freq not in ("WEEKLY", "MONTHLY"):
        raise _Broken(f"{where}freq", f"'{freq}' is not WEEKLY or MONTHLY")
    byday = _str(item, "byday", where, limit=40).upper().replace(" ", "")
    if byday and not _BYDAY.match(byday):
        raise _Broken(f"{where}byday", f"'{byday}' is not a list of days like MO,TU")
    interval = item.get("interval")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int) or interval < 1
    ):
        raise _Broken(f"{where}interval", f"'{interval}' is not a whole number from 1")
    return {
        "oruk_id": _uuid(item.get("id"), f"{where}id"),
        "freq": freq,
        "interval": interval,
        "byday": byday,
        "opens_at": _time(item, "opens_at", where),
        "closes_at": _time(item, "closes_at", where),
        "valid_from": _date(item, "valid_from", where),
        "valid_to": _date(item, "valid_to", where),
        "description": _str(item, "description", where, limit=10_000),
        "sal_id": item.get("service_at_location_id"),
    }


def _contact(index: int, item: dict) -> dict[str, Any]:
    where = f"contacts/{index}/"
    phones = [p for p in item.get("phones") or [] if isinstance(p, dict)]
    return {
        "oruk_id": _uuid(item.get("id"), f"{where}id"),
        "name": _str(item, "name", where, limit=160),
        "title": _str(item, "title", where, limit=160),
        "email": _checked(item, "email", where, _email),
        "phone": _str(phones[0], "number", f"{where}phones/0/", limit=40) if phones else "",
    }


def _cost(index: int, item: dict) -> dict[str, Any]:
    where = f"cost_options/{index}/"
    amount = _number(item, "amount", where)
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01")) if amount is not None else None
    except InvalidOperation:
        raise _Broken(f"{where}amount", f"'{amount}' is not an amount") from None
    if value is not None and not Decimal(0) <= value < Decimal(10_000_000):
        raise _Broken(f"{where}amount", f"'{amount}' is not an amount from 0")
    return {
        "oruk_id": _uuid(item.get("id"), f"{where}id"),
        "option": _str(item, "option", where, limit=240),
        "amount": value,
        "amount_description": _str(item, "amount_description", where, limit=240),
    }


def _term(index: int, item: dict) -> dict[str, Any] | None:
    where = f"attributes/{index}/taxonomy_term/"
    term = item.get("taxonomy_term")
    if not isinstance(term, dict):
        return None  # an attribute without its term is not a classification we can show
    taxonomy_name = _str(term, "taxonomy", where, limit=160) or "Imported"
    taxonomy_id = term.get("taxonomy_id")
    return {
        "oruk_id": _uuid(term.get("id"), f"{where}id"),
        "name": _str(term, "name", where, limit=200, required=True),
        "description": _str(term, "description", where, limit=10_000),
        "code": _str(term, "code", where, limit=80),
        "term_uri": _checked(term, "term_uri", where, _url),
        "taxonomy_name": taxonomy_name,
        "taxonomy_id": (
            _uuid(taxonomy_id, f"{where}taxonomy_id")
            if taxonomy_id
            else uuid.uuid5(uuid.NAMESPACE_URL, f"oruk-taxonomy:{taxonomy_name}")
        ),
    }


def record_hash(raw: dict) -> str:
    return hashlib.sha256(
        json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def _service_fields(raw: dict) -> dict[str, Any]:
    status = raw.get("status") or ""
    if status not in Status.values:
        raise _Broken("status", f"'{status}' is not one of {', '.join(Status.values)}")
    minimum, maximum = _age(raw, "minimum_age"), _age(raw, "maximum_age")
    if minimum is not None and maximum is not None and maximum < minimum:
        raise _Broken("maximum_age", "is lower than minimum_age")
    modified = raw.get("last_modified")
    when = parse_datetime(modified) if isinstance(modified, str) else None
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_current_timezone())
    return {
        "name": _str(raw, "name", "", limit=240, required=True),
        "description": _str(raw, "description", "", limit=20_000),
        "url": _checked(raw, "url", "", _url),
        "email": _checked(raw, "email", "", _email),
        "status": status,
        "minimum_age": minimum,
        "maximum_age": maximum,
        "alert": _str(raw, "alert", "", limit=5_000),
        "assured_date": _date(raw, "assured_date", ""),
        "assurer_email": _checked(raw, "assurer_email", "", _email),
        "last_modified": when or timezone.now(),
    }


def parse_service(raw: dict) -> Parsed:
    """One service of a feed, checked (raises _Broken naming the field)."""
    oruk_id = _uuid(raw.get("id"), "id")
    terms = [_term(i, item) for i, item in _items(raw, "attributes")]
    return Parsed(
        oruk_id=oruk_id,
        raw=raw,
        hash=record_hash(raw),
        fields=_service_fields(raw),
        organization=_organization(raw),
        locations=[_location(i, item) for i, item in _items(raw, "service_at_locations")],
        schedules=[_schedule(i, item) for i, item in _items(raw, "schedules")],
        contacts=[_contact(i, item) for i, item in _items(raw, "contacts")],
        costs=[_cost(i, item) for i, item in _items(raw, "cost_options")],
        terms=[term for term in terms if term is not None],
    )


def _record_name(raw: dict, index: int) -> str:
    name = raw.get("name") if isinstance(raw.get("name"), str) else ""
    ident = raw.get("id")
    return (
        f"{name or 'Service ' + str(index + 1)} ({ident})"
        if ident
        else (name or f"Service {index + 1}")
    )


# --- applying ----------------------------------------------------------------------------------


@dataclass
class Report:
    new: list[str] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "new": self.new[:REPORT_LIMIT],
            "updated": self.updated[:REPORT_LIMIT],
            "withdrawn": self.withdrawn[:REPORT_LIMIT],
            "failed": [f.__dict__ for f in self.failed[:REPORT_LIMIT]],
            "message": self.message,
        }


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(model, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    found: dict[uuid.UUID, Any] = {}
    for chunk in _chunks(list(set(ids))):
        for row in model.objects.filter(oruk_id__in=chunk):
            found[row.oruk_id] = row
    return found


def _upsert(
    model, rows: dict[uuid.UUID, dict[str, Any]], extra: dict[str, Any] | None = None
) -> dict[uuid.UUID, Any]:
    """Create or update rows of a table by their Open Referral id; returns id -> row."""
    existing = _existing(model, rows)
    create: list = []
    update: list = []
    names: set[str] = set()
    for oruk_id, fields in rows.items():
        fields = {**fields, **(extra or {})}
        row = existing.get(oruk_id)
        if row is None:
            row = model(oruk_id=oruk_id, **fields)
            create.append(row)
            existing[oruk_id] = row
        elif any(getattr(row, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            names.update(fields)
            update.append(row)
    model.objects.bulk_create(create, batch_size=CHUNK)
    if update:
        model.objects.bulk_update(update, sorted(names), batch_size=CHUNK)
    return existing


def _apply_taxonomies(parsed: list[Parsed]) -> dict[uuid.UUID, TaxonomyTerm]:
    taxonomies = {t["taxonomy_id"]: {"name": t["taxonomy_name"]} for p in parsed for t in p.terms}
    by_id = _upsert(Taxonomy, taxonomies)
    terms = {
        t["oruk_id"]: {
            "name": t["name"],
            "description": t["description"],
            "code": t["code"],
            "term_uri": t["term_uri"],
            "taxonomy": by_id[t["taxonomy_id"]],
        }
        for p in parsed
        for t in p.terms
    }
    return _upsert(TaxonomyTerm, terms)


def _changed_fields(old: dict | None, new: dict) -> list[str]:
    if not isinstance(old, dict):
        return []
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def _replace_children(
    services: dict[uuid.UUID, DirectoryService], parsed: list[Parsed], feed: Feed
) -> None:
    """The applied services' locations, schedules, contacts, costs and needs, made anew."""
    pks = [row.pk for row in services.values()]
    for chunk in _chunks(pks):
        ServiceAtLocation.objects.filter(service_id__in=chunk).delete()
        Schedule.objects.filter(service_id__in=chunk).delete()
        Contact.objects.filter(service_id__in=chunk).delete()
        CostOption.objects.filter(service_id__in=chunk).delete()
        DirectoryService.terms.through.objects.filter(directoryservice_id__in=chunk).delete()
    location_fields = {
        loc["oruk_id"]: {k: v for k, v in loc.items() if k not in ("oruk_id", "sal_id")}
        for p in parsed
        for loc in p.locations
    }
    locations = _upsert(Location, location_fields, {"feed": feed})
    terms = _apply_taxonomies(parsed)
    seen: set[uuid.UUID] = set()

    def unique(oruk_id: uuid.UUID, service: DirectoryService, kind: str, index: int) -> uuid.UUID:
        # A feed that reuses a child's id still imports: the repeat gets an id of its own.
        if oruk_id in seen:
            oruk_id = uuid.uuid5(service.oruk_id, f"{kind}:{index}")
        seen.add(oruk_id)
        return oruk_id

    sals, schedules, contacts, costs, links = [], [], [], [], []
    for p in parsed:
        service = services[p.oruk_id]
        by_sal: dict[str, ServiceAtLocation] = {}
        for index, loc in enumerate(p.locations):
            sal = ServiceAtLocation(
                oruk_id=unique(loc["sal_id"], service, "sal", index),
                service=service,
                location=locations[loc["oruk_id"]],
            )
            by_sal[str(loc["sal_id"])] = sal
            sals.append(sal)
        for index, item in enumerate(p.schedules):
            fields = {k: v for k, v in item.items() if k not in ("oruk_id", "sal_id")}
            schedules.append(
                Schedule(
                    oruk_id=unique(item["oruk_id"], service, "schedule", index),
                    service=service,
                    service_at_location=by_sal.get(str(item["sal_id"])),
                    **fields,
                )
            )
        for index, item in enumerate(p.contacts):
            fields = {k: v for k, v in item.items() if k != "oruk_id"}
            contacts.append(
                Contact(
                    oruk_id=unique(item["oruk_id"], service, "contact", index),
                    service=service,
                    **fields,
                )
            )
        for index, item in enumerate(p.costs):
            fields = {k: v for k, v in item.items() if k != "oruk_id"}
            costs.append(
                CostOption(
                    oruk_id=unique(item["oruk_id"], service, "cost", index),
                    service=service,
                    **fields,
                )
            )
        for term_oruk_id in dict.fromkeys(t["oruk_id"] for t in p.terms):
            links.append(
                DirectoryService.terms.through(
                    directoryservice_id=service.pk, taxonomyterm_id=terms[term_oruk_id].pk
                )
            )
    ServiceAtLocation.objects.bulk_create(sals, batch_size=CHUNK)
    Schedule.objects.bulk_create(schedules, batch_size=CHUNK)
    Contact.objects.bulk_create(contacts, batch_size=CHUNK)
    CostOption.objects.bulk_create(costs, batch_size=CHUNK)
    DirectoryService.terms.through.objects.bulk_create(links, batch_size=CHUNK)


def _apply_services(parsed: list[Parsed], feed: Feed, report: Report) -> list[int]:
    """Create the new services and rewrite the changed ones; returns the pks applied."""
    existing = _existing(DirectoryService, [p.oruk_id for p in parsed])
    organizations = _upsert(
        Organization,
        {
            p.organization["oruk_id"]: {k: v for k, v in p.organization.items() if k != "oruk_id"}
            for p in parsed
            if p.organization
        },
        {"feed": feed},
    )
    create, update, changed = [], [], []
    for p in parsed:
        row = existing.get(p.oruk_id)
        if row is not None and row.feed_id != feed.pk:
            report.failed.append(
                Failure(
                    _record_name(p.raw, 0),
                    "id",
                    "this id is already used by another record in the directory",
                )
            )
            continue
        if row is not None and row.source_hash == p.hash and row.withdrawn_at is None:
            report.unchanged += 1
            continue
        fields = {
            **p.fields,
            "organization": organizations.get(p.organization["oruk_id"])
            if p.organization
            else None,
            "source_hash": p.hash,
            "source_record": p.raw,
            "withdrawn_at": None,
        }
        if row is None:
            row = DirectoryService(
                oruk_id=p.oruk_id,
                authority_id=feed.authority_id,
                origin=Origin.IMPORTED,
                feed=feed,
                **fields,
            )
            create.append(row)
            report.new.append(p.fields["name"])
        else:
            report.updated.append(
                {"name": p.fields["name"], "fields": _changed_fields(row.source_record, p.raw)}
            )
            for key, value in fields.items():
                setattr(row, key, value)
            row.version += 1
            update.append(row)
        existing[p.oruk_id] = row
        changed.append(p)
    DirectoryService.objects.bulk_create(create, batch_size=CHUNK)
    if update:
        names = sorted(
            {
                *parsed[0].fields,
                "organization",
                "source_hash",
                "source_record",
                "withdrawn_at",
                "version",
            }
        )
        DirectoryService.objects.bulk_update(update, names, batch_size=CHUNK)
    applied = {p.oruk_id: existing[p.oruk_id] for p in changed}
    _replace_children(applied, changed, feed)
    return [row.pk for row in applied.values()]


def _withdraw(feed: Feed, listed: set[uuid.UUID], report: Report) -> None:
    """The feed's services it no longer lists (compared in Python: a feed may list more ids than
    a database takes in one query)."""
    current = DirectoryService.objects.filter(feed=feed, withdrawn_at__isnull=True)
    gone = [
        (pk, name)
        for pk, oruk_id, name in current.values_list("pk", "oruk_id", "name")
        if oruk_id not in listed
    ]
    report.withdrawn = [name for _, name in gone]
    now = timezone.now()
    for chunk in _chunks([pk for pk, _ in gone]):
        DirectoryService.objects.filter(pk__in=chunk).update(
            status=Status.DEFUNCT, withdrawn_at=now, last_modified=now
        )


def apply(feed: Feed, raws: list[dict], report: Report) -> None:
    """Check every record, then apply the good ones and withdraw what the feed dropped."""
    parsed: list[Parsed] = []
    listed: set[uuid.UUID] = set()  # every id the feed still lists, good or broken
    for index, raw in enumerate(raws):
        with contextlib.suppress(ValueError):
            listed.add(uuid.UUID(str(raw.get("id"))))
        try:
            parsed.append(parse_service(raw))
        except _Broken as broken:
            report.failed.append(Failure(_record_name(raw, index), broken.field, broken.message))
    unique: dict[uuid.UUID, Parsed] = {}
    for p in parsed:
        if p.oruk_id in unique:
            report.failed.append(
                Failure(
                    _record_name(p.raw, 0), "id", "the feed lists this id twice; the first was used"
                )
            )
            continue
        unique[p.oruk_id] = p
    with transaction.atomic():
        applied = _apply_services(list(unique.values()), feed, report) if unique else []
        _withdraw(feed, listed, report)
        for chunk in _chunks(applied, 2000):
            refresh_scores(DirectoryService.objects.filter(pk__in=chunk))


def run_import(run: ImportRun) -> ImportRun:
    """Read the run's feed and apply it, recording the report on the run."""
    report = Report()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    try:
        raws = read_feed(run.feed.source)
        apply(run.feed, raws, report)
    except (FeedUnreadable, IntegrityError) as error:
        report.message = f"Nothing was imported: {error}"
        status = ImportStatus.FAILED
    else:
        report.message = f"Read {len(raws)} services from {run.feed.source}."
        status = ImportStatus.FINISHED
    run.status = status
    run.finished_at = timezone.now()
    run.new_count = len(report.new)
    run.updated_count = len(report.updated)
    run.unchanged_count = report.unchanged
    run.withdrawn_count = len(report.withdrawn)
    run.failed_count = len(report.failed)
    run.report = report.as_json()
    run.save()
    return run


def start_import(*, authority_id: int, source: str, name: str = "", by=None) -> ImportRun:
    """A run for this source (its feed created on first use, by name or by source)."""
    name = (name or source)[:160]
    feed, _ = Feed.objects.get_or_create(
        authority_id=authority_id, name=name, defaults={"source": source}
    )
    if feed.source != source:
        Feed.objects.filter(pk=feed.pk).update(source=source)
        feed.source = source
    return ImportRun.objects.create(feed=feed, started_by=by)
