"""A small borough for the directory's tests: postcodes with coordinates, a family hub with a
weekly session, and three voluntary sector services at known distances from the family."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from familyhub.accounts.roles import Role
from familyhub.directory import feedgen
from familyhub.directory.importing import start_import
from familyhub.directory.models import DirectoryService
from familyhub.directory.sync import sync_all
from familyhub.directory.tasks import import_feed
from familyhub.hubs.models import ActivityType, SessionSeries
from familyhub.services.models import ServiceKind
from familyhub.testing import factories

FAMILY_POSTCODE = "RM17 5DQ"
NEAR = (51.4790, 0.3260)  # the family's postcode


@dataclass
class World:
    authority: object
    person: object
    worker: object
    editor: object
    team: object
    series: object
    near: DirectoryService
    middle: DirectoryService
    far: DirectoryService


def _at(service: dict, lat: float, lon: float, postcode: str) -> dict:
    """Put the service at a place of its own (the generator shares venues)."""
    import uuid

    location = service["service_at_locations"][0]["location"]
    location["id"] = str(uuid.uuid5(uuid.UUID(service["id"]), "location"))
    service["service_at_locations"][0]["location_id"] = location["id"]
    location["addresses"][0]["location_id"] = location["id"]
    location["latitude"], location["longitude"] = lat, lon
    location["addresses"][0]["postal_code"] = postcode
    return service


def import_services(authority, services, tmp_path, name="Voluntary sector"):
    import json

    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(feedgen.pages(services, 50)))
    run = start_import(authority_id=authority.pk, source=str(path), name=name)
    import_feed.call(run.pk)
    run.refresh_from_db()
    return run


@pytest.fixture
def world(db, tmp_path, make_user) -> World:
    authority = factories.AuthorityFactory()
    area = factories.AreaFactory(authority=authority)
    factories.PostcodeAreaFactory(
        authority=authority,
        postcode=FAMILY_POSTCODE,
        area=area,
        latitude=NEAR[0],
        longitude=NEAR[1],
    )
    factories.PostcodeAreaFactory(
        authority=authority, postcode="RM18 7AB", area=area, latitude=51.4630, longitude=0.3650
    )
    hub_site = factories.SiteFactory(
        authority=authority,
        name="Grays Family Hub",
        address="1 Hub Road",
        postcode="RM17 6AA",
        latitude=51.4800,
        longitude=0.3300,
    )
    hub_service = factories.ServiceFactory(
        authority=authority, name="Family hubs", kind=ServiceKind.FAMILY_HUB
    )
    team = factories.TeamFactory(service=hub_service, base=hub_site, name="Family support, Grays")
    worker = make_user(Role.FAMILY_SUPPORT_WORKER, team=team)
    editor = make_user(Role.SERVICE_MANAGER, team=team)
    person = factories.PersonFactory(authority=authority, postcode=FAMILY_POSTCODE, area=area)
    factories.RegistrationFactory(person=person, team=team)
    activity = ActivityType.objects.filter(
        authority__isnull=True
    ).first() or ActivityType.objects.create(code="stay-play", name="Stay and play")
    series = SessionSeries.objects.create(
        authority=authority,
        activity=activity,
        site=hub_site,
        service=hub_service,
        weekday=2,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 30),
        starts_on=datetime.date.today() - datetime.timedelta(days=30),
        ends_on=datetime.date.today() + datetime.timedelta(days=90),
        capacity=12,
    )
    sync_all(authority)
    generated = feedgen.generate(3)
    for service in generated:  # all three for the same need: food
        service["attributes"] = feedgen.generate(1)[0]["attributes"]
    _at(generated[0], 51.4792, 0.3262, "RM17 5DX")
    _at(generated[1], 51.4700, 0.3500, "RM17 6ZZ")
    _at(generated[2], 51.5200, 0.4400, "SS17 0AA")
    import_services(authority, generated, tmp_path)
    by_id = {str(s.oruk_id): s for s in DirectoryService.objects.filter(feed__isnull=False)}
    return World(
        authority=authority,
        person=person,
        worker=worker,
        editor=editor,
        team=team,
        series=series,
        near=by_id[generated[0]["id"]],
        middle=by_id[generated[1]["id"]],
        far=by_id[generated[2]["id"]],
    )
