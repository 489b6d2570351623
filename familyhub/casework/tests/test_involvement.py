"""Casework and the front door tell the access layer who is involved with which family."""

from __future__ import annotations

import pytest

from familyhub.access import involvement
from familyhub.access.layer import visible_people
from familyhub.access.timeline import family_timeline
from familyhub.accounts.models import User
from familyhub.casework.tests.test_services import open_episode
from familyhub.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def test_a_waiting_referral_lets_the_front_door_see_the_family(world):
    assert world.child not in visible_people(world.triage)
    make_referral(world)
    fresh = User.objects.get(pk=world.triage.pk)  # no per-request cache of teams
    people = set(visible_people(fresh))
    assert {world.child, world.mother} <= people  # the household comes with the child
    assert world.child not in visible_people(world.outsider)


def test_the_referrer_sees_the_family_while_the_referral_waits(world):
    make_referral(world, recorded_by=world.outsider)
    assert world.child in visible_people(world.outsider)


def test_a_live_episode_lets_the_team_see_the_family_and_names_the_lead(world):
    episode = open_episode(world)
    assert world.child in visible_people(world.colleague)
    assert world.child not in visible_people(world.outsider)
    rows = [
        row
        for row in involvement.services_involved([world.child.pk])
        if "Early help episode" in row.what
    ]
    assert rows and rows[0].lead_professional == str(world.lead)
    assert rows[0].team_name == episode.team.name


def test_the_episode_is_on_the_family_timeline(world):
    episode = open_episode(world)
    timeline = family_timeline(world.lead, [world.child.pk])
    summaries = [item.summary for item in timeline.items]
    assert episode.timeline_summary() in summaries
    urls = [item.url for item in timeline.items]
    assert f"/casework/{episode.public_id}/" in urls


def test_referrals_and_episodes_follow_the_family_through_a_merge_and_back(world):
    from familyhub.people.merging import person_merge, person_unmerge
    from familyhub.testing import factories

    duplicate = factories.PersonFactory(
        authority=world.authority,
        given_name="Tommy",
        family_name="Walker",
        date_of_birth=world.child.date_of_birth,
    )
    episode = open_episode(world)
    from familyhub.casework.models import Episode
    from familyhub.referrals.models import Referral

    Episode.objects.filter(pk=episode.pk).update(person=duplicate)
    Referral.objects.filter(pk=episode.referral_id).update(person=duplicate)
    merge = person_merge(
        survivor=world.child, duplicate=duplicate, by=world.team_leader, reason="Same boy"
    )
    episode.refresh_from_db()
    assert episode.person == world.child
    assert Referral.objects.get(pk=episode.referral_id).person == world.child
    assert episode.assessments.get().person == world.child
    person_unmerge(merge=merge, by=world.team_leader, reason="Not the same boy")
    episode.refresh_from_db()
    assert episode.person == duplicate
