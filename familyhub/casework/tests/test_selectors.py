from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.casework import selectors, services
from familyhub.casework.models import Episode
from familyhub.casework.tests.test_services import allocate, assess, open_episode
from familyhub.referrals.tests.factories import allocated_episode, level, make_referral
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

ALL_PROGRESS = {"education": "achieved", "family_relationships": "partly", "housing": "achieved"}


def closed_long_ago(world, *, days_ago: int):
    episode = open_episode(world)
    episode = services.episode_close(
        episode=episode,
        by=world.lead,
        version=episode.version,
        reason="Done.",
        outcomes=ALL_PROGRESS,
    )
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    Episode.objects.filter(pk=episode.pk).update(
        start=end - datetime.timedelta(days=90),
        end=end,
        sustainment_from=end,
        sustainment_until=services.add_months(end, 6),
    )
    episode.refresh_from_db()
    return episode


def test_a_family_is_sustained_six_months_after_closure(world):
    sustained = closed_long_ago(world, days_ago=200)
    groups = selectors.sf_families(world.team_leader)
    assert groups["sustained"] == [sustained] and not groups["in_progress"]


def test_a_family_within_six_months_is_still_in_the_sustainment_period(world):
    episode = closed_long_ago(world, days_ago=30)
    assert selectors.sf_families(world.team_leader)["in_progress"] == [episode]


def test_a_new_referral_in_the_period_means_not_sustained(world):
    episode = closed_long_ago(world, days_ago=200)
    make_referral(
        world, person=world.mother, received_at=timezone.now() - datetime.timedelta(days=100)
    )
    groups = selectors.sf_families(world.team_leader)
    assert groups["not_sustained"] == [episode] and not groups["sustained"]


def test_the_evidence_is_only_for_the_families_team(world):
    closed_long_ago(world, days_ago=200)
    assert selectors.sf_families(world.outsider_leader)["sustained"] == []


def test_my_caseload_shows_next_review_and_overdue_actions(world):
    episode = open_episode(world)
    goal = services.goal_add(episode=episode, by=world.lead, need="education", description="Attend")
    services.action_add(
        goal=goal,
        by=world.lead,
        description="Meet the school",
        due_on=timezone.localdate() - datetime.timedelta(days=2),
        owner=world.lead,
        agreed_on=timezone.localdate() - datetime.timedelta(days=20),  # agreed at a meeting then
    )
    services.action_add(
        goal=goal,
        by=world.lead,
        description="Later",
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        owner=world.lead,
    )
    (row,) = selectors.my_caseload(world.lead)
    assert row == episode and row.overdue_actions == 1
    assert row.next_review_due is not None
    assert [a.description for a in selectors.my_overdue_actions(world.lead)] == ["Meet the school"]
    assert list(selectors.my_caseload(world.colleague)) == []


def test_my_caseload_filters(world):
    episode = open_episode(world)
    other = allocate(world, allocated_episode(world, person=world.mother))
    assess(world, other, needs=["health"])
    Episode.objects.filter(pk=other.pk).update(level=level(2))
    assert list(selectors.my_caseload(world.lead, selectors.WorklistFilters(q="Tom"))) == [episode]
    assert list(selectors.my_caseload(world.lead, selectors.WorklistFilters(level="2"))) == [other]
    Episode.objects.filter(pk=other.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert list(
        selectors.my_caseload(world.lead, selectors.WorklistFilters(overdue_only=True))
    ) == [other]


def test_unallocated_lists_waiting_episodes_of_my_teams(world):
    waiting = allocated_episode(world)
    assert list(selectors.unallocated_episodes(world.team_leader)) == [waiting]
    assert list(selectors.unallocated_episodes(world.outsider_leader)) == []
    allocate(world, waiting)
    assert list(selectors.unallocated_episodes(world.team_leader)) == []


def test_team_caseload_counts_and_weights_per_fte(world):
    open_episode(world)  # level 3: weight 1.5
    second = allocate(world, allocated_episode(world, person=world.mother))
    Episode.objects.filter(pk=second.pk).update(level=level(2))  # weight 1.0
    world.lead.memberships.update(fte=0.5)
    loads = {load.user: load for load in selectors.team_caseload(world.team_leader)}
    lead = loads[world.lead]
    assert lead.families == 2 and lead.weight == 2.5 and lead.weight_per_fte == 5.0
    assert loads[world.colleague].families == 0
    assert world.outsider not in loads
    assert selectors.team_caseload(world.lead) == []  # not a manager


def test_case_weights_are_configurable(settings):
    settings.FAMILYHUB_CASE_WEIGHTS = {3: 4}
    assert selectors.case_weight(3) == 4.0 and selectors.case_weight(2) == 1.0


def test_team_caseload_filters_by_team(world):
    open_episode(world)
    factories.TeamMembershipFactory(user=world.team_leader, team=world.east)
    loads = selectors.team_caseload(
        world.team_leader, selectors.WorklistFilters(team=str(world.east.public_id))
    )
    # Managers who lead no family are left out of the rows.
    assert {load.user for load in loads} == {world.outsider}


def test_time_in_state_follows_the_events(world):
    episode = open_episode(world)
    episode = services.episode_step_up(
        episode=episode, by=world.lead, version=episode.version, reason="Harm."
    )
    spells = selectors.time_in_state(episode)
    assert [spell.state for spell in spells] == ["awaiting", "open", "stepped_up"]
    assert spells[0].end == spells[1].start and spells[-1].end is None
