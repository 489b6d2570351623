"""What other parts notify: a break-glass on a record someone leads (access), an alert from a
health visiting review (child health)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.casework.tests.test_services import open_episode
from familyhub.childhealth import services as childhealth
from familyhub.childhealth.models import ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.childhealth.tests import conftest as childhealth_fixtures
from familyhub.notifications.models import Notification, NotificationKind
from familyhub.referrals.tests.factories import build_world
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

hv_service = childhealth_fixtures.hv_service
hv_team = childhealth_fixtures.hv_team
ward = childhealth_fixtures.ward
owner = childhealth_fixtures.owner
colleague = childhealth_fixtures.colleague
make_child = childhealth_fixtures.make_child


def told(kind) -> list[tuple[str, str]]:
    return sorted(
        (n.user.username, n.url)
        for n in Notification.objects.filter(kind=kind).select_related("user")
    )


# --- break-glass ------------------------------------------------------------------------------


def glass_notifications():
    # (The referral that opened the episode notified its inbox too: not what is tested here.)
    return Notification.objects.filter(kind=NotificationKind.BREAK_GLASS).exists()


@pytest.fixture
def world(db):
    return build_world()


def break_glass(world, user, person):
    from familyhub.access.services import break_glass_start

    return break_glass_start(
        user=user,
        person=person,
        ground="emergency",
        reason="Police called about the child tonight.",
    )


def test_break_glass_tells_the_lead_professional_of_the_live_episode(world):
    open_episode(world)  # the child's episode, led by world.lead
    break_glass(world, world.outsider, world.child)
    page = reverse("people:person", args=[world.child.public_id])
    assert told(NotificationKind.BREAK_GLASS) == [("lead", page)]
    notification = Notification.objects.get(kind=NotificationKind.BREAK_GLASS)
    assert "family you lead" in notification.subject
    assert notification.key.startswith("break-glass:")
    # Another use is another notification.
    break_glass(world, world.outsider_leader, world.child)
    assert told(NotificationKind.BREAK_GLASS) == [("lead", page), ("lead", page)]


def test_the_lead_is_not_told_of_their_own_break_glass(world):
    open_episode(world)
    break_glass(world, world.lead, world.child)
    assert not glass_notifications()


def test_no_lead_no_live_episode_no_notification(world):
    break_glass(world, world.outsider, world.mother)  # no episode at all
    episode = open_episode(world)
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.CLOSED, end=timezone.localdate(), closure_reason="Needs met"
    )
    break_glass(world, world.outsider, world.child)  # the episode has closed
    assert not glass_notifications()


def test_the_lead_hears_of_break_glass_on_a_household_member_only_if_they_lead_them(world):
    open_episode(world)
    break_glass(world, world.outsider, world.mother)  # the child's episode, not the mother's
    assert not glass_notifications()


# --- review alerts ----------------------------------------------------------------------------


def six_week_review(make_child, by, **answers):
    today = timezone.localdate()
    child = make_child(date_of_birth=today - timedelta(weeks=7))
    childhealth.schedule_refresh(child)
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.SIX_EIGHT_WEEK)
    fields = {"place": "home", "outcome": "completed", **answers}
    return child, childhealth.review_record(due=due, by=by, done_on=today, **fields)


def child_page(child) -> str:
    return reverse("childhealth:child", args=[child.public_id])


@pytest.fixture
def leaders(make_user, hv_team, hv_service, authority):
    """A team leader of the health visiting team, and one of another locality's team."""
    other = factories.TeamFactory(
        name="Health visiting East",
        service=hv_service,
        locality=factories.LocalityFactory(authority=authority, name="East"),
    )
    return (
        make_user(Role.TEAM_LEADER, team=hv_team, username="hv_leader"),
        make_user(Role.TEAM_LEADER, team=other, username="east_leader"),
    )


def test_an_alert_tells_the_named_health_visitor(make_child, owner, colleague, hv_team, leaders):
    today = timezone.localdate()
    child = make_child(date_of_birth=today - timedelta(weeks=7))
    childhealth.schedule_refresh(child)
    childhealth.allocation_set(person=child, practitioner=colleague, team=hv_team, by=leaders[0])
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.SIX_EIGHT_WEEK)
    review = childhealth.review_record(
        due=due, by=owner, done_on=today, place="home", outcome="completed", epds_total=20
    )
    assert told(NotificationKind.REVIEW_ALERT) == [("hv_colleague", child_page(child))]
    assert Notification.objects.get(kind=NotificationKind.REVIEW_ALERT).key == (
        f"review-alert:{review.public_id}"
    )


def test_an_alert_recorded_by_the_named_health_visitor_tells_the_teams_leaders(
    make_child, owner, hv_team, leaders
):
    today = timezone.localdate()
    child = make_child(date_of_birth=today - timedelta(weeks=7))
    childhealth.schedule_refresh(child)
    childhealth.allocation_set(person=child, practitioner=owner, team=hv_team, by=leaders[0])
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.SIX_EIGHT_WEEK)
    childhealth.review_record(
        due=due,
        by=owner,
        done_on=today,
        place="home",
        outcome="completed",
        epds_self_harm=1,
        epds_total=4,
    )
    assert told(NotificationKind.REVIEW_ALERT) == [("hv_leader", child_page(child))]


def test_without_a_named_health_visitor_the_local_teams_leaders_are_told(
    make_child, owner, leaders
):
    child, _ = six_week_review(make_child, owner, safeguarding_concern=True)
    # The child lives in the Central team's locality: not the East team's leader.
    assert told(NotificationKind.REVIEW_ALERT) == [("hv_leader", child_page(child))]


def test_an_inactive_named_health_visitor_is_passed_over(
    make_child, owner, colleague, hv_team, leaders
):
    today = timezone.localdate()
    child = make_child(date_of_birth=today - timedelta(weeks=7))
    childhealth.schedule_refresh(child)
    childhealth.allocation_set(person=child, practitioner=colleague, team=hv_team, by=leaders[0])
    colleague.is_active = False
    colleague.save()
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.SIX_EIGHT_WEEK)
    childhealth.review_record(
        due=due, by=owner, done_on=today, place="home", outcome="completed", epds_total=20
    )
    assert told(NotificationKind.REVIEW_ALERT) == [("hv_leader", child_page(child))]


def test_a_review_without_an_alert_tells_nobody(make_child, owner, leaders):
    six_week_review(make_child, owner, epds_total=3)
    assert not Notification.objects.exists()


def test_a_team_leader_recording_is_not_told_of_their_own_alert(make_child, leaders):
    six_week_review(make_child, leaders[0], epds_total=25)
    assert not Notification.objects.exists()
