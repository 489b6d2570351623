"""Nothing scrolls the whole page sideways on a phone (375 x 740 in Chromium): each role signs in
to a small borough and opens the pages that were too wide (the reviews worklist, a session
register, a child record, an indicator page, the access log and a person's log) and an episode
whose goal is one unbroken word of 10,000 characters. Wide tables scroll in their own box and
long words wrap (see test_layout.py for the rule each template keeps)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familyhub.accounts.roles import STAFF_ROLES, Role
from familyhub.audit.log import log_change
from familyhub.casework import services as casework
from familyhub.childhealth import services as childhealth
from familyhub.childhealth.models import ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests.factories import (
    ChildFactory,
    HealthVisitingServiceFactory,
    SchoolNursingServiceFactory,
)
from familyhub.hubs import services as hubs
from familyhub.hubs.tests.factories import HubServiceFactory, HubSiteFactory, SessionFactory
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.frameworks import ensure_shipped_frameworks
from familyhub.referrals.tests.factories import allocated_episode, build_world, level
from familyhub.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
LONG_GOAL = "x" * 10_000
INDICATOR = "new_birth_visit_14_days"


# The widest things that stick out of the page (not inside a scrolling box), to say why it fails.
CULPRITS = """() => {
  const limit = window.innerWidth, found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 1 || !box.width) continue;
    let up = el.parentElement, clipped = false;
    while (up && up !== document.body) {
      if (getComputedStyle(up).overflowX !== 'visible') { clipped = true; break; }
      up = up.parentElement;
    }
    if (!clipped) found.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') +
                             ' ' + Math.round(box.right) + 'px');
  }
  return found.slice(-3);
}"""


@dataclass
class Borough:
    users: dict[str, object] = field(default_factory=dict)
    pages: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)


def _member(role: str, team, username: str):
    user = factories.UserFactory(role=role, username=username)
    factories.TeamMembershipFactory(user=user, team=team)
    return user


@pytest.fixture
def borough() -> Borough:
    """One of each demo role in a borough with a little of everything on the pages above."""
    world = build_world()
    authority, central = world.authority, world.central
    today = timezone.localdate()

    # A family hub session with a few families booked.
    hub_service = HubServiceFactory(authority=authority)
    hub = HubSiteFactory(authority=authority, locality=central.locality, name="Grays Hub")
    hub_team = factories.TeamFactory(service=hub_service, locality=central.locality, base=hub)
    reception = _member(Role.RECEPTION, hub_team, "reception")
    hub_worker = _member(Role.FAMILY_SUPPORT_WORKER, hub_team, "hub_worker")
    session = SessionFactory(authority=authority, site=hub, service=hub_service)
    session.staff.add(reception, hub_worker)
    for person in (world.child, world.mother):
        hubs.booking_create(session=session, person=person)

    # Health visiting: a baby seen at home (for the indicator), measured, and one still due.
    hv_service = HealthVisitingServiceFactory(authority=authority)
    hv_team = factories.TeamFactory(service=hv_service, locality=central.locality)
    health_visitor = _member(Role.HEALTH_VISITOR, hv_team, "health_visitor")
    seen = ChildFactory(
        authority=authority,
        area=world.child.area,
        date_of_birth=today - datetime.timedelta(days=40),
        given_name="Amara",
        family_name="Okafor",
    )
    # 11 days old: the new birth visit's window (10 to 14 days) is open today whatever the
    # weekday (the worklist's "due" section shows windows open by Sunday; at 9 days it was empty
    # on a Sunday).
    due = ChildFactory(
        authority=authority,
        area=world.child.area,
        date_of_birth=today - datetime.timedelta(days=11),
    )
    for baby in (seen, due):
        childhealth.schedule_refresh(baby)
        childhealth.allocation_set(
            person=baby, practitioner=health_visitor, team=hv_team, by=health_visitor
        )
    childhealth.review_record(
        due=ReviewDue.objects.get(person=seen, kind=ReviewKind.NEW_BIRTH),
        by=health_visitor,
        done_on=seen.date_of_birth + datetime.timedelta(days=10),
        place="home",
        outcome="completed",
    )
    childhealth.measurement_record(
        person=seen, by=health_visitor, measured_on=today, height_cm=56.0, weight_kg=4.6
    )
    sn_team = factories.TeamFactory(
        service=SchoolNursingServiceFactory(authority=authority), locality=central.locality
    )
    school_nurse = _member(Role.SCHOOL_NURSE, sn_team, "school_nurse")

    # Early help: an episode whose goal is one unbroken 10,000-character word.
    episode = allocated_episode(world)
    episode = casework.episode_allocate(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        lead_professional=world.lead,
        family_agrees=True,
    )
    casework.assessment_record(
        episode=episode,
        by=world.lead,
        needs=["education"],
        strengths="Mum is determined.",
        child_voice="I want to see my friends.",
        family_views="We need help.",
        level=level(3),
    )
    casework.goal_add(episode=episode, by=world.lead, need="education", description=LONG_GOAL)

    service_manager = _member(Role.SERVICE_MANAGER, central, "service_manager")
    ig_lead = factories.UserFactory(role=Role.IG_LEAD, username="ig_lead")
    administrator = factories.UserFactory(role=Role.ADMINISTRATOR, username="administrator")
    for reader in (world.lead, health_visitor, reception):
        log_change(reader, world.child, action="read", purpose="Casework", channel="page")

    ensure_shipped_frameworks()
    refresh(authority.pk, keys=[INDICATOR], quarters=2, years=1)

    # Each page with what it must show for its width to mean anything (a table, the goal).
    register = (f"/hubs/sessions/{session.public_id}/register/", "register-form")
    episode_page = (f"/casework/{episode.public_id}/", "goal")
    indicator = (f"/outcomes/indicators/{INDICATOR}/", "area-table")
    worklist = ("/child-health/reviews/", "worklist")
    child = (f"/child-health/people/{seen.public_id}/", "schedule")
    access_log = ("/access/log/", "log-rows")
    person_log = (f"/access/log/people/{world.child.public_id}/", "log-rows")
    home = ("/", None)
    return Borough(
        users={
            Role.RECEPTION: reception,
            Role.FAMILY_SUPPORT_WORKER: hub_worker,
            Role.LEAD_PROFESSIONAL: world.lead,
            Role.HEALTH_VISITOR: health_visitor,
            Role.SCHOOL_NURSE: school_nurse,
            Role.TRIAGE_OFFICER: world.triage,
            Role.TEAM_LEADER: world.team_leader,
            Role.SERVICE_MANAGER: service_manager,
            Role.COMMISSIONER: world.commissioner,
            Role.IG_LEAD: ig_lead,
            Role.ADMINISTRATOR: administrator,
        },
        pages={
            Role.RECEPTION: [home, register],
            Role.FAMILY_SUPPORT_WORKER: [home, register],
            Role.LEAD_PROFESSIONAL: [home, episode_page],
            Role.HEALTH_VISITOR: [home, worklist, child],
            Role.SCHOOL_NURSE: [home, ("/child-health/reviews/", None)],
            Role.TRIAGE_OFFICER: [home, ("/referrals/", None)],
            Role.TEAM_LEADER: [home, episode_page, indicator],
            Role.SERVICE_MANAGER: [home, indicator, ("/hubs/programmes/", "programmes-table")],
            Role.COMMISSIONER: [home, indicator, ("/planning/establishment/", None)],
            Role.IG_LEAD: [home, access_log, person_log],
            Role.ADMINISTRATOR: [home, indicator],
        },
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_page_scrolls_sideways_on_a_phone(page, browser_sign_in, borough, role):
    page.set_viewport_size(PHONE)
    browser_sign_in(borough.users[role])
    too_wide = []
    for url, testid in borough.pages[role]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if testid:
            expect(page.get_by_test_id(testid).first, f"{url} shows no {testid}").to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide.append(f"{url} is {width}px wide: {page.evaluate(CULPRITS)}")
    assert not too_wide, too_wide


def test_the_long_goal_wraps_inside_its_card(page, browser_sign_in, borough):
    page.set_viewport_size(PHONE)
    browser_sign_in(borough.users[Role.LEAD_PROFESSIONAL])
    page.goto(borough.pages[Role.LEAD_PROFESSIONAL][1][0])
    goal = page.get_by_test_id("goal")
    assert LONG_GOAL in goal.inner_text()
    box = goal.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] > 1000  # it wrapped onto many lines rather than running off the side
