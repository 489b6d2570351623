from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from familyhub.casework import services as casework
from familyhub.core import indicators as registry
from familyhub.familyhelp import indicators
from familyhub.familyhelp.tests.helpers import meeting, offer, plan
from familyhub.referrals.tests.factories import allocated_episode

pytestmark = pytest.mark.django_db


def _totals(key, world):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)
    found = registry.get(key)
    assert found is not None and found.part == "familyhelp"
    rows = list(found.compute(world.authority.pk, start, end))
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


def test_the_counts_for_the_council(world, episode):
    from familyhub.casework.tests.test_services import allocate

    casework.episode_step_up(
        episode=episode, by=world.team_leader, version=episode.version, reason="Section 47"
    )
    second = allocate(world, allocated_episode(world))
    casework.episode_step_up(
        episode=second, by=world.team_leader, version=second.version, reason="Section 47"
    )
    accepted = offer(world, episode)
    offer(world, episode, response="declined", declined_reason="Not now")
    held = meeting(world, accepted)
    plan(world, held)
    assert _totals("fgdm_offers_made", world) == (1, 2)  # one of two stepped up was offered
    assert _totals("fgdm_offers_accepted", world) == (1, 2)
    assert _totals("fgdm_meetings_held", world) == (1, 1)
    assert _totals("fgdm_family_plans", world) == (1, 1)
    days, meetings = _totals("fgdm_days_referral_to_meeting", world)
    referral_day = timezone.localtime(episode.referral.received_at).date()
    assert meetings == 1 and days == (held.held_on - referral_day).days
    today = timezone.localdate()
    assert indicators.median_days_to_meeting(world.authority.pk, today, today) == days


def test_the_people_behind_the_counts(world, episode):
    accepted = offer(world, episode)
    meeting(world, accepted)
    today = timezone.localdate()
    for key in ("fgdm_offers_accepted", "fgdm_meetings_held"):
        people = registry.get(key).people  # type: ignore[union-attr]
        assert people is not None
        assert list(people(world.authority.pk, today, today)) == [world.child]
