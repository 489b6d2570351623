"""Open Referral UK 3.0: the version we speak, its published JSON schemas, and our records in its
shape.

The standard is the UK profile of the Human Services Data Specification 3.0 (Open Referral UK,
"HSDS-UK-3.0"). Its JSON schemas and OpenAPI description are copied, unchanged, under
`directory/schema/` from the profile's repository (OpenReferralUK/uk-profile, commit ecdfabf,
October 2024; licence CC BY-SA 4.0, see schema/README.md). The API's answers are validated
against them by the tests (tests/test_api_compliance.py) and by `validate()` here.

Shapes, as the profile's OpenAPI says:
- `/services` lists services with their one-to-one fields and their organization
  (compiled/service_list.json); `/services/{id}` is the whole service (compiled/service.json);
- `/service_at_locations` the same for service_at_location, with the location;
- `/taxonomies`, `/taxonomy_terms` (taxonomy.json, taxonomy_term.json);
- every list is a page: total_items, total_pages, page_number, size, first_page, last_page,
  empty and contents (components.schemas.Page).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from familyhub.directory.models import (
    Contact,
    CostOption,
    DirectoryService,
    Location,
    Organization,
    Schedule,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

# The schema of each response kind (files under SCHEMA_DIR).
SCHEMAS = {
    "service": "service.json",
    "service_list": "service_list.json",
    "service_at_location": "service_at_location.json",
    "service_at_location_list": "service_at_location_list.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / SCHEMAS[kind]).read_text(encoding="utf-8"))


@cache
def openapi() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


@cache
def page_schema() -> dict[str, Any]:
    return openapi()["components"]["schemas"]["Page"]


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    chosen = jsonschema.validators.validator_for(schema(kind))
    return chosen(schema(kind), format_checker=chosen.FORMAT_CHECKER)


def validate(kind: str, document: dict[str, Any]) -> list[str]:
    """What is wrong with one object against the standard's schema: 'path: message' lines."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(the object)'}: {error.message}"
        for error in _validator(kind).iter_errors(document)
    ]


def validate_page(kind: str, document: dict[str, Any]) -> list[str]:
    """A paged answer: the Page envelope's fields and types, then every item of contents."""
    problems = []
    for name, spec in page_schema()["properties"].items():
        expected = {"integer": int, "boolean": bool}[spec["type"]]
        value = document.get(name)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{name}: missing or not {spec['type']}")
    if not isinstance(document.get("contents"), list):
        return problems + ["contents: missing or not an array"]
    for index, item in enumerate(document["contents"]):
        problems += [f"contents/{index}/{line}" for line in validate(kind, item)]
    return problems


# --- our records in the standard's shape -------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if value not in ("", None) else None


def _time(value: time | None) -> str | None:
    # HH:MM, as the schema's description asks; times are local (Europe/London) wall-clock times.
    return value.strftime("%H:%M") if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def drop_empty(document: dict[str, Any]) -> dict[str, Any]:
    """The standard's optional fields are left out rather than sent as null."""
    return {key: value for key, value in document.items() if value is not None}


def taxonomy(row: Taxonomy) -> dict[str, Any]:
    return drop_empty(
        {
            "id": str(row.oruk_id),
            "name": row.name,
            "description": row.description or row.name,
            "uri": _text(row.uri),
            "version": _text(row.version),
        }
    )


def taxonomy_term(row: TaxonomyTerm) -> dict[str, Any]:
    return drop_empty(
        {
            "id": str(row.oruk_id),
            "code": _text(row.code),
            "name": row.name,
            "description": row.description or row.name,
            "parent_id": str(row.parent.oruk_id) if row.parent_id and row.parent else None,
            "taxonomy": row.taxonomy.name,
            "taxonomy_id": str(row.taxonomy.oruk_id),
            "term_uri": _text(row.term_uri),
        }
    )


def organization(row: Organization) -> dict[str, Any]:
    return drop_empty(
        {
            "id": str(row.oruk_id),
            "name": row.name,
            "description": row.description or row.name,
            "email": _text(row.email),
            "website": _text(row.website),
        }
    )


def location(row: Location) -> dict[str, Any]:
    document = drop_empty(
        {
            "id": str(row.oruk_id),
            "location_type": row.location_type,
            "name": _text(row.name),
            "description": _text(row.description),
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
    )
    if row.address_1 and row.postal_code:
        document["addresses"] = [
            {
                "id": str(row.address_oruk_id),
                "location_id": str(row.oruk_id),
                "address_1": row.address_1,
                "city": row.city or row.address_1,
                "state_province": row.state_province or row.city or "England",
                "postal_code": row.postal_code,
                "country": row.country or "GB",
                "address_type": "postal" if row.location_type == "postal" else "physical",
            }
        ]
    return document


def schedule(row: Schedule) -> dict[str, Any]:
    return drop_empty(
        {
            "id": str(row.oruk_id),
            "service_id": str(row.service.oruk_id),
            "service_at_location_id": (
                str(row.service_at_location.oruk_id) if row.service_at_location else None
            ),
            "valid_from": _day(row.valid_from),
            "valid_to": _day(row.valid_to),
            "freq": _text(row.freq),
            "interval": row.interval,
            "byday": _text(row.byday),
            "opens_at": _time(row.opens_at),
            "closes_at": _time(row.closes_at),
            "description": _text(row.description),
        }
    )


def contact(row: Contact) -> dict[str, Any]:
    document = drop_empty(
        {
            "id": str(row.oruk_id),
            "service_id": str(row.service.oruk_id),
            "name": _text(row.name),
            "title": _text(row.title),
            "email": _text(row.email),
        }
    )
    if row.phone:
        # HSDS 3.0's contact.phones (the UK profile leaves phones out of its contact but does
        # not forbid them); a reader that follows the profile alone ignores them.
        document["phones"] = [
            {"id": str(row.phone_oruk_id), "contact_id": str(row.oruk_id), "number": row.phone}
        ]
    return document


def cost_option(row: CostOption) -> dict[str, Any]:
    return drop_empty(
        {
            "id": str(row.oruk_id),
            "service_id": str(row.service.oruk_id),
            "option": _text(row.option),
            "amount": _number(row.amount),
            "amount_description": _text(row.amount_description),
        }
    )


def attribute(service: DirectoryService, term: TaxonomyTerm) -> dict[str, Any]:
    # The attribute's own id is derived from the pair, so it is stable without a table of its own.
    return {
        "id": str(uuid.uuid5(service.oruk_id, str(term.oruk_id))),
        "link_id": str(service.oruk_id),
        "link_type": "service",
        "taxonomy_term_id": str(term.oruk_id),
        "taxonomy_term": taxonomy_term(term),
    }


def service_summary(row: DirectoryService) -> dict[str, Any]:
    """A service's one-to-one fields and its organization (compiled/service_list.json)."""
    document = drop_empty(
        {
            "id": str(row.oruk_id),
            "organization_id": str(row.organization.oruk_id) if row.organization else None,
            "name": row.name,
            "description": _text(row.description),
            "url": _text(row.url),
            "email": _text(row.email),
            "status": row.status,
            "minimum_age": row.minimum_age,
            "maximum_age": row.maximum_age,
            "assured_date": _day(row.assured_date),
            "assurer_email": _text(row.assurer_email),
            "alert": _text(row.alert),
            "last_modified": _moment(row.last_modified),
        }
    )
    if row.organization:
        document["organization"] = organization(row.organization)
    return document


def service_at_location(row: ServiceAtLocation, *, with_service: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(row.oruk_id),
        "service_id": str(row.service.oruk_id),
        "location_id": str(row.location.oruk_id),
        "location": location(row.location),
    }
    if row.description:
        document["description"] = row.description
    if with_service:
        document["service"] = service_summary(row.service)
    return document


def service_full(row: DirectoryService) -> dict[str, Any]:
    """The whole service (compiled/service.json). Expects the prefetches of FULL_PREFETCH."""
    document = service_summary(row)
    document["service_at_locations"] = [
        service_at_location(sal, with_service=False) for sal in row.service_at_locations.all()
    ]
    document["schedules"] = [schedule(s) for s in row.schedules.all()]
    document["contacts"] = [contact(c) for c in row.contacts.all()]
    document["cost_options"] = [cost_option(c) for c in row.cost_options.all()]
    document["attributes"] = [attribute(row, term) for term in row.terms.all()]
    return document


FULL_PREFETCH = (
    "service_at_locations__location",
    "service_at_locations__service",
    "schedules__service",
    "schedules__service_at_location",
    "contacts__service",
    "cost_options__service",
    "terms__taxonomy",
    "terms__parent",
)
