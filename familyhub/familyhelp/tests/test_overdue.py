"""The duty reminder: a case at the point where the duty requires an offer (stepped up to
children's social care, or at a statutory level) with no offer recorded is overdue work."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.casework import services as casework
from familyhub.familyhelp.overdue import OFFER_LOOKBACK_DAYS, fgdm_offer_steps
from familyhub.familyhelp.tests.helpers import offer
from familyhub.referrals import deadlines
from familyhub.referrals.models import DeadlineRule, Step
from familyhub.referrals.overdue import Scope, overdue_steps

pytestmark = pytest.mark.django_db


def _ensure_rule():
    DeadlineRule.objects.get_or_create(
        authority=None,
        service=None,
        level=None,
        service_kind="",
        step=Step.FGDM_OFFER,
        defaults={"working_days": 0, "team_leader_after": 1, "manager_after": 3},
    )


def _step_up(world, episode):
    return casework.episode_step_up(
        episode=episode, by=world.team_leader, version=episode.version, reason="Section 47"
    )


def _next_working_day() -> datetime.date:
    return deadlines.add_working_days(timezone.localdate(), 1)


def _fgdm_steps(today):
    return [s for s in overdue_steps(Scope(None, today)) if s.step == Step.FGDM_OFFER]


def test_a_stepped_up_episode_with_no_offer_is_overdue(world, episode):
    _ensure_rule()
    assert _fgdm_steps(_next_working_day()) == []  # early help: the duty does not apply
    episode = _step_up(world, episode)
    # Due the day it was stepped up (0 working days), overdue from the next working day.
    assert _fgdm_steps(timezone.localdate()) == []
    (step,) = _fgdm_steps(_next_working_day())
    assert step.person_id == world.child.pk
    assert step.due == timezone.localdate()
    assert step.worker_id == world.lead.pk and step.team_id == world.central.pk
    assert step.url == reverse("familyhelp:fgdm", args=[episode.public_id])
    assert step.what == "Offer a family group decision-making meeting"


def test_with_an_offer_it_is_not(world, episode):
    _ensure_rule()
    episode = _step_up(world, episode)
    offer(world, episode, response="declined", declined_reason="Not now")
    assert _fgdm_steps(_next_working_day()) == []


def test_an_old_offer_does_not_meet_the_duty(world, episode):
    _ensure_rule()
    old = timezone.localdate() - datetime.timedelta(days=OFFER_LOOKBACK_DAYS + 5)
    offer(world, episode, offered_on=old)
    _step_up(world, episode)
    assert len(_fgdm_steps(_next_working_day())) == 1


def test_a_statutory_level_reaches_the_point_too(world, episode):
    from familyhub.casework.models import Episode
    from familyhub.referrals.models import ContinuumLevel

    _ensure_rule()
    statutory = ContinuumLevel.objects.filter(authority__isnull=True, is_statutory=True).first()
    assert statutory is not None
    Episode.objects.filter(pk=episode.pk).update(level=statutory)
    later = deadlines.add_working_days(episode.start, 1)
    assert [s.person_id for s in fgdm_offer_steps(Scope(None, later))] == [world.child.pk]


def test_the_council_rule_sets_the_days_and_scope_narrows(world, episode):
    _ensure_rule()
    DeadlineRule.objects.create(authority=world.authority, step=Step.FGDM_OFFER, working_days=5)
    _step_up(world, episode)
    assert list(fgdm_offer_steps(Scope(None, _next_working_day()))) == []
    six = deadlines.add_working_days(timezone.localdate(), 6)
    assert len(list(fgdm_offer_steps(Scope(None, six)))) == 1
    assert list(fgdm_offer_steps(Scope([world.front_door.pk], six))) == []


def test_the_episode_page_warns_until_an_offer_is_recorded(client, signed_in, world, episode):
    _ensure_rule()
    lead = signed_in(client, world.lead)
    url = reverse("casework:episode", args=[episode.public_id])
    assert 'data-testid="fgdm-reminder"' not in lead.get(url).content.decode()
    episode = _step_up(world, episode)
    page = lead.get(url).content.decode()
    assert 'data-testid="fgdm-reminder"' in page
    assert "no offer is recorded" in page
    offer(world, episode, response="no_answer")
    assert 'data-testid="fgdm-reminder"' not in lead.get(url).content.decode()
