"""A made-up voluntary sector directory in Open Referral UK 3.0 form, for tests, the benchmark and
the demo: `generate(n)` gives n whole services (valid against the profile's service.json) and
`pages(services, per_page)` wraps them in the standard's paged envelope.

Deterministic (a seed), no Faker: every name is invented from the word lists below and the places
are the demo borough's outward codes with made-up inward codes.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from familyhub.directory.taxonomy import NEEDS, TAXONOMY_ID, TAXONOMY_NAME, term_id

_NAMESPACE = uuid.UUID("8c7e2a51-4d3b-5f6e-9a1c-0b2d4e6f8a10")
_WHAT = (
    ("Baby bank", "food"),
    ("Parent and toddler group", "babies_young_children"),
    ("Breastfeeding café", "feeding"),
    ("Dads' group", "parenting"),
    ("Money advice drop-in", "money"),
    ("Food bank", "food"),
    ("Young carers club", "activities"),
    ("Wellbeing walk", "mental_health"),
    ("Listening service", "mental_health"),
    ("SEND parents' forum", "send"),
    ("Homework club", "school"),
    ("Housing advice", "housing"),
    ("Domestic abuse outreach", "domestic_abuse"),
    ("Job club", "work_learning"),
    ("Holiday activities", "activities"),
)
_WHO = (
    "St Clement's",
    "Riverside",
    "Thameside",
    "Chadwell",
    "Tilbury",
    "Ockendon",
    "Grays",
    "Stanford",
    "Corringham",
    "Aveley",
    "Purfleet",
    "Orsett",
    "Stifford",
    "Belhus",
)
_ORGS = (
    "Community Trust",
    "Family Network",
    "Churches Together",
    "Mutual Aid",
    "Foundation",
    "Citizens Advice",
    "Women's Aid",
    "Youth Project",
)
# Outward codes of the demo borough, and a rough centre of each.
_PLACES = (
    ("RM17", 51.478, 0.325, "Grays"),
    ("RM16", 51.490, 0.330, "Grays"),
    ("RM18", 51.465, 0.365, "Tilbury"),
    ("RM15", 51.515, 0.280, "South Ockendon"),
    ("SS17", 51.520, 0.440, "Stanford-le-Hope"),
    ("RM20", 51.480, 0.280, "Grays"),
)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA")
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(str(p) for p in parts)))


def _term(code: str) -> dict[str, Any]:
    name, description = next((n, d) for c, n, d in NEEDS if c == code)
    return {
        "id": str(term_id(code)),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": str(TAXONOMY_ID),
    }


def service(index: int, *, feed: str = "vcs", rng: random.Random | None = None) -> dict[str, Any]:
    """One whole service of the made-up feed."""
    rng = rng or random.Random(index)
    what, need = _WHAT[index % len(_WHAT)]
    who = _WHO[(index // len(_WHAT)) % len(_WHO)]
    org_index = index % (len(_ORGS) * 7)
    outward, lat, lon, town = _PLACES[index % len(_PLACES)]
    service_id = _id(feed, "service", index)
    location_id = _id(feed, "location", index // 3)  # about three services share a venue
    sal_id = _id(feed, "sal", index)
    postcode = f"{outward} {rng.randint(1, 9)}{rng.choice(_INWARD)}{rng.choice(_INWARD)}"
    opens = rng.choice((9, 10, 13, 16))
    return {
        "id": service_id,
        "name": f"{who} {what}" + (f" ({index})" if index >= len(_WHAT) * len(_WHO) else ""),
        "description": f"{what} run by volunteers in {who} for local families. Just come along, "
        "or call first if you would like to talk to someone.",
        "email": f"hello{index}@example.org",
        "url": f"https://example.org/services/{index}",
        "status": "active",
        "minimum_age": 0,
        "maximum_age": rng.choice((5, 11, 18, 99)),
        "assured_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "last_modified": "2026-11-01T09:00:00.000Z",
        "organization": {
            "id": _id(feed, "org", org_index),
            "name": f"{_WHO[org_index % len(_WHO)]} {_ORGS[org_index % len(_ORGS)]}",
            "description": "A local charity working with families.",
            "website": f"https://example.org/org/{org_index}",
        },
        "service_at_locations": [
            {
                "id": sal_id,
                "service_id": service_id,
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": f"{who} community centre",
                    "latitude": round(lat + rng.uniform(-0.01, 0.01), 5),
                    "longitude": round(lon + rng.uniform(-0.015, 0.015), 5),
                    "addresses": [
                        {
                            "id": _id(feed, "address", index // 3),
                            "location_id": location_id,
                            "address_1": f"{rng.randint(1, 120)} High Street",
                            "city": town,
                            "state_province": "Essex",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "schedules": [
            {
                "id": _id(feed, "schedule", index),
                "service_id": service_id,
                "service_at_location_id": sal_id,
                "freq": "WEEKLY",
                "interval": 1,
                "byday": _DAYS[index % len(_DAYS)],
                "opens_at": f"{opens:02d}:00",
                "closes_at": f"{opens + 2:02d}:00",
                "description": "Every week in term time",
            }
        ],
        "contacts": [
            {
                "id": _id(feed, "contact", index),
                "service_id": service_id,
                "name": "Duty volunteer",
                "phones": [{"id": _id(feed, "phone", index), "number": f"01375 {100000 + index}"}],
            }
        ],
        "cost_options": [
            {
                "id": _id(feed, "cost", index),
                "service_id": service_id,
                "option": "Free",
                "amount": 0,
            }
        ],
        "attributes": [
            {
                "id": _id(feed, "attribute", index),
                "link_id": service_id,
                "link_type": "service",
                "taxonomy_term_id": str(term_id(need)),
                "taxonomy_term": _term(need),
            }
        ],
    }


def generate(count: int, *, feed: str = "vcs", seed: int = 2026) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [service(index, feed=feed, rng=rng) for index in range(count)]


def pages(services: list[dict[str, Any]], per_page: int = 100) -> list[dict[str, Any]]:
    """The services as the standard's pages (components.schemas.Page of the profile's OpenAPI)."""
    total = len(services)
    count = max(1, -(-total // per_page))
    return [
        {
            "total_items": total,
            "total_pages": count,
            "page_number": number,
            "size": len(services[(number - 1) * per_page : number * per_page]),
            "first_page": number == 1,
            "last_page": number == count,
            "empty": total == 0,
            "contents": services[(number - 1) * per_page : number * per_page],
        }
        for number in range(1, count + 1)
    ]
