"""Queries per page do not grow with the rows (issue 23): each worklist is read in a fixed
number of queries whatever the number of families on it. Per-row queries (a family's name, a
review's named practitioner, an episode's level looked up one at a time) are the commonest way a
page's cost grows with a caseload; the test fails when one appears.

Each page is asked for once to warm what is cached per process, counted with a few rows, then
counted again with three times as many."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.casework.tests.test_services import allocate
from familyhub.childhealth import services as childhealth
from familyhub.childhealth.tests.factories import ChildFactory, HealthVisitingServiceFactory
from familyhub.referrals.tests.factories import allocated_episode, build_world, make_referral
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def _today():
    """Today, asked each time: a run that crosses midnight must not mix two dates."""
    return timezone.localdate()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _grown(pages: list[tuple[str, Client, str]], add_rows) -> dict[str, tuple[int, int]]:
    """{who and url: (queries with few rows, queries with more)} for the pages whose count grew."""
    for _who, client, url in pages:
        client.get(url)  # warm what is cached per process
    before = [_queries(client, url) for _who, client, url in pages]
    add_rows()
    after = [_queries(client, url) for _who, client, url in pages]
    return {
        f"{who} {url}": (b, a)
        for (who, _client, url), b, a in zip(pages, before, after, strict=True)
        if a > b
    }


def _family(world, n: int):
    household = factories.HouseholdFactory(authority=world.authority)
    child = factories.PersonFactory(
        authority=world.authority,
        family_name=f"Family{n}",
        date_of_birth=_today() - datetime.timedelta(days=8 * 365),
    )
    factories.HouseholdMembershipFactory(household=household, person=child)
    return child


def test_casework_and_front_door_pages(signed_in):
    world = build_world()
    counter = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            child = _family(world, n)
            episode = allocated_episode(world, person=child)
            if n % 3:
                allocate(world, episode)  # the rest stay unallocated
            make_referral(world, person=_family(world, 500 + n))  # waiting at the front door

    add(3)
    lead = signed_in(Client(), world.lead)
    leader = signed_in(Client(), world.team_leader)
    triage = signed_in(Client(), world.triage)
    pages = [
        ("lead professional", lead, "/casework/"),
        ("lead professional", lead, "/casework/not-seen/"),
        ("team leader", leader, "/casework/team/"),
        ("team leader", leader, "/casework/unallocated/"),
        ("team leader", leader, "/casework/not-seen/"),
        ("triage officer", triage, "/referrals/"),
    ]
    grown = _grown(pages, lambda: add(6))
    assert not grown, f"queries grew with the rows: {grown}"


def test_child_health_worklists(signed_in, make_user):
    authority = factories.AuthorityFactory()
    service = HealthVisitingServiceFactory(authority=authority)
    locality = factories.LocalityFactory(authority=authority)
    team = factories.TeamFactory(service=service, locality=locality)
    area = factories.AreaFactory(authority=authority, locality=locality)
    health_visitor = make_user(Role.HEALTH_VISITOR, team=team)
    leader = make_user(Role.TEAM_LEADER, team=team)
    # Ages in days that put a review in each section (due, overdue, missed) and a child on the
    # caseload with none: every section has rows before as well as after.
    mix = [11, 20, 45, 60, 100, 200, 300, 400, 800, 1100]

    def add(times: int) -> None:
        for age in mix * times:
            baby = ChildFactory(
                authority=authority,
                area=area,
                date_of_birth=_today() - datetime.timedelta(days=age),
            )
            childhealth.schedule_refresh(baby)
            childhealth.allocation_set(
                person=baby, practitioner=health_visitor, team=team, by=health_visitor
            )

    add(1)
    urls = [
        "/child-health/reviews/",
        "/child-health/reviews/?section=overdue",
        "/child-health/reviews/?section=missed",
        "/child-health/caseload/",
    ]
    hv = signed_in(Client(), health_visitor)
    lead = signed_in(Client(), leader)
    pages = [
        (who, c, url) for who, c in (("health visitor", hv), ("team leader", lead)) for url in urls
    ]
    grown = _grown(pages, lambda: add(2))
    assert not grown, f"queries grew with the rows: {grown}"


def test_a_session_register(signed_in):
    from familyhub.hubs import services as hubs
    from familyhub.hubs.models import Attendance
    from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory

    authority = factories.AuthorityFactory()
    locality = factories.LocalityFactory(authority=authority)
    service = HubServiceFactory(authority=authority)
    hub = HubSiteFactory(authority=authority, locality=locality)
    team = factories.TeamFactory(service=service, locality=locality, base=hub)
    staff = factories.UserFactory(role=Role.FAMILY_SUPPORT_WORKER)
    factories.TeamMembershipFactory(user=staff, team=team)
    session = SessionFactory(authority=authority, site=hub, service=service, capacity=40)
    session.staff.add(staff)
    counter = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            household = factories.HouseholdFactory(authority=authority)
            person = factories.PersonFactory(authority=authority, family_name=f"Door{n}")
            factories.HouseholdMembershipFactory(household=household, person=person)
            booking = hubs.booking_create(session=session, person=person)
            if n % 2:
                Attendance.objects.create(
                    person=person,
                    owning_service=service,
                    session=session,
                    booking=booking,
                    recorded_by=staff,
                )

    add(3)
    client = signed_in(Client(), staff)
    url = f"/hubs/sessions/{session.public_id}/register/"
    grown = _grown(
        [("hub staff", client, url), ("hub staff", client, url + "?q=Door")], lambda: add(9)
    )
    assert not grown, f"queries grew with the rows: {grown}"
