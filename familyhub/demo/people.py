"""Demo data of the people part: the synthetic families' registrations with their family hubs.

The synthetic generator fills the register with people and households; here each household is
registered with the family hub that serves its area, for a realistic share of families: more in
deprived areas (where hubs are placed and outreach is aimed), fewer in affluent ones. That gives
the reach figures and the hubs' involvement (who may see whom) something true to show.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from familyhub.people.models import HouseholdMembership, Registration
from familyhub.places.models import Area, Site, SiteKind, SiteStatus
from familyhub.services.models import Service, ServiceKind, Team

BATCH = 5000


def registration_share(imd_decile: int | None) -> float:
    """The share of households a hub has registered: about 80% in the most deprived decile,
    about 35% in the least (children's centre reach figures in the councils' reports)."""
    decile = imd_decile or 5
    return max(0.3, 0.85 - 0.05 * (decile - 1))


def _hub_for_areas(authority) -> dict[int, Site]:
    hubs = list(
        Site.objects.filter(authority=authority, kind=SiteKind.FAMILY_HUB)
        .exclude(status=SiteStatus.CLOSED)
        .prefetch_related("reach_areas")
        .order_by("pk")
    )
    by_area: dict[int, Site] = {}
    by_locality: dict[int, Site] = {}
    for hub in hubs:
        for area in hub.reach_areas.all():
            by_area.setdefault(area.pk, hub)
        if hub.area_id:
            by_area.setdefault(hub.area_id, hub)
        by_locality.setdefault(hub.locality_id, hub)
    for area in Area.objects.filter(authority=authority):
        if area.pk not in by_area and area.locality_id in by_locality:
            by_area[area.pk] = by_locality[area.locality_id]
    return by_area


@transaction.atomic
def load_demo(*, authority, rng: random.Random, stdout: TextIO) -> None:
    service = (
        Service.objects.filter(authority=authority, kind=ServiceKind.FAMILY_HUB)
        .order_by("pk")
        .first()
    )
    if service is None:
        stdout.write("people: no family hub service; no registrations made\n")
        return
    hub_of_area = _hub_for_areas(authority)
    if not hub_of_area:
        stdout.write("people: no family hubs; no registrations made\n")
        return
    deciles = dict(Area.objects.filter(authority=authority).values_list("pk", "imd_decile"))
    already = set(Registration.objects.filter(service=service).values_list("person_id", flat=True))
    members: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    rows = (
        HouseholdMembership.objects.filter(
            household__authority=authority, end__isnull=True, person__merged_into__isnull=True
        )
        .values_list("household_id", "person_id", "person__area_id")
        .order_by("household_id")
        .iterator(chunk_size=BATCH)
    )
    for household_id, person_id, area_id in rows:
        members[household_id].append((person_id, area_id))
    team_at = {
        team.base_id: team
        for team in Team.objects.filter(service=service, base__isnull=False).order_by("-pk")
    }
    now = timezone.now()
    batch: list[Registration] = []
    households = registered = 0
    for household_id in sorted(members):
        people = members[household_id]
        home_area = next((area for _, area in people if area), None)
        hub = hub_of_area.get(home_area) if home_area else None
        if hub is None or rng.random() >= registration_share(deciles.get(home_area or 0)):
            continue
        when = now - datetime.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 600))
        households += 1
        for person_id, _ in people:
            if person_id in already:
                continue
            batch.append(
                Registration(
                    person_id=person_id,
                    site=hub,
                    service=service,
                    team=team_at.get(hub.pk),
                    registered_at=when,
                    confirmed_at=when,  # made at the hub by its own staff: real work
                )
            )
            registered += 1
        if len(batch) >= BATCH:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    stdout.write(
        f"people: registered {households} of {len(members)} households ({registered} people) "
        f"with their family hubs\n"
    )
