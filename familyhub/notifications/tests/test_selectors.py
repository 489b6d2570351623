"""Choosing recipients: the members of teams and of services, by role."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.notifications import selectors
from familyhub.notifications.services import notify
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def names(users) -> list[str]:
    return sorted(user.username for user in users)


def test_team_members_are_the_active_current_members(council, make_user):
    today = timezone.localdate()
    left = make_user(Role.FAMILY_SUPPORT_WORKER, username="left")
    factories.TeamMembershipFactory(
        user=left, team=council.central, end=today - datetime.timedelta(days=1)
    )
    leaving = make_user(Role.FAMILY_SUPPORT_WORKER, username="leaving")
    factories.TeamMembershipFactory(user=leaving, team=council.central, end=today)
    starting = make_user(Role.FAMILY_SUPPORT_WORKER, username="starting")
    factories.TeamMembershipFactory(
        user=starting, team=council.central, start=today + datetime.timedelta(days=3)
    )
    gone = make_user(Role.FAMILY_SUPPORT_WORKER, team=council.central, username="gone")
    gone.is_active = False
    gone.save()
    assert names(selectors.team_members([council.central.pk])) == ["leader", "leaving", "worker"]
    assert names(selectors.team_members([council.central.pk, council.east.pk])) == [
        "eastworker",
        "leader",
        "leaving",
        "worker",
    ]
    assert names(selectors.team_members([])) == []


def test_team_members_by_role(council):
    leaders = selectors.team_members([council.central.pk], roles=[Role.TEAM_LEADER])
    assert names(leaders) == ["leader"]
    assert names(selectors.team_members([council.east.pk], roles={Role.TEAM_LEADER})) == []


def test_service_members_are_the_members_of_its_teams(council, authority, make_user):
    other = factories.TeamFactory(
        service=factories.ServiceFactory(authority=authority, name="Health visiting")
    )
    make_user(Role.HEALTH_VISITOR, team=other, username="hv")
    # One person in two teams of the service is one recipient.
    factories.TeamMembershipFactory(user=council.worker, team=council.east)
    assert names(selectors.service_members([council.service.pk])) == [
        "eastworker",
        "leader",
        "worker",
    ]
    assert names(
        selectors.service_members([council.service.pk], roles=[Role.FAMILY_SUPPORT_WORKER])
    ) == ["eastworker", "worker"]
    assert names(selectors.service_members([council.service.pk, other.service_id])) == [
        "eastworker",
        "hv",
        "leader",
        "worker",
    ]


def test_recipients_feed_notify(council):
    told = notify(
        selectors.team_members([council.central.pk]),
        kind="referral",
        subject="A new referral is in the Early help Central inbox",
        url="/referrals/",
    )
    assert told == 2


def test_unread_count_and_for_user(council):
    from django.contrib.auth.models import AnonymousUser

    for n in range(3):
        notify([council.worker], kind="overdue", subject=f"Step {n} is overdue", url="/casework/")
    notify([council.leader], kind="overdue", subject="Another", url="/casework/")
    assert selectors.unread_count(council.worker) == 3
    assert selectors.unread_count(AnonymousUser()) == 0
    rows = list(selectors.for_user(council.worker))
    assert [row.subject for row in rows] == [
        "Step 2 is overdue",
        "Step 1 is overdue",
        "Step 0 is overdue",
    ]
    rows[0].read_at = timezone.now()
    rows[0].save()
    assert selectors.unread_count(council.worker) == 2


def test_owning_team_ids(council, authority):
    area = factories.AreaFactory(authority=authority, locality=council.central.locality)
    assert selectors.owning_team_ids(team_id=council.east.pk, service_id=None, area_id=None) == [
        council.east.pk
    ]
    assert selectors.owning_team_ids(
        team_id=None, service_id=council.service.pk, area_id=area.pk
    ) == [council.central.pk]
    assert sorted(
        selectors.owning_team_ids(team_id=None, service_id=council.service.pk, area_id=None)
    ) == sorted([council.central.pk, council.east.pk])
    assert selectors.owning_team_ids(team_id=None, service_id=None, area_id=area.pk) == []
