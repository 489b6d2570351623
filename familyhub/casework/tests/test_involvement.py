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


def test_making_a_referral_does_not_make_the_family_visible_to_the_referrer(world):
    """Involvement comes from the receiving side's work, never the viewer's own click (issue
    13): the referrer sees what they sent (referrals' sent page), not the family's record."""
    make_referral(world, recorded_by=world.outsider)
    assert world.child not in visible_people(world.outsider)


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


def _close(world, *, days_ago: int, settings):
    import datetime

    from django.utils import timezone

    from familyhub.casework.models import Episode

    episode = open_episode(world)
    end = timezone.localdate() - datetime.timedelta(days=days_ago)
    Episode.objects.filter(pk=episode.pk).update(
        status="closed",
        start=end - datetime.timedelta(days=120),
        end=end,
        closure_reason="Goals met.",
        sustainment_until=None,
    )
    return Episode.objects.get(pk=episode.pk)


@pytest.mark.parametrize("days_ago,sees", [(10, True), (89, True), (91, False), (400, False)])
def test_a_closed_episode_keeps_its_team_involved_for_the_councils_days_then_not(
    world, settings, client, signed_in, days_ago, sees
):
    """FAMILYHUB_ACCESS_DAYS_AFTER_EPISODE (90 here): time to finish and hand over, then the
    team no longer involved sees neither the family nor the closed episode (issue 13.2)."""
    from django.urls import reverse

    settings.FAMILYHUB_ACCESS_DAYS_AFTER_EPISODE = 90
    episode = _close(world, days_ago=days_ago, settings=settings)
    assert (world.child in visible_people(world.colleague)) is sees
    assert (world.mother in visible_people(world.lead)) is sees
    page = signed_in(client, world.colleague).get(
        reverse("casework:episode", args=[episode.public_id])
    )
    assert page.status_code == (200 if sees else 404)
    if not sees:
        assert "Walker" not in page.content.decode()


@pytest.mark.parametrize("days_ago,sees", [(5, True), (31, False)])
def test_a_decided_referral_keeps_the_front_door_involved_for_the_councils_days(
    world, settings, days_ago, sees
):
    import datetime

    from django.utils import timezone

    from familyhub.referrals.models import Referral, ReferralStatus

    settings.FAMILYHUB_ACCESS_DAYS_AFTER_REFERRAL = 30
    referral = make_referral(world)
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.SIGNPOSTED,
        decided_at=timezone.now() - datetime.timedelta(days=days_ago),
        decision_reason="Universal services can meet the need.",
    )
    triage = User.objects.get(pk=world.triage.pk)
    assert (world.child in visible_people(triage)) is sees
