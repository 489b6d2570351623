from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.access.records import Category
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.referrals.models import ContinuumLevel, Referral, ReferralEvent, ReferralStatus
from familyhub.referrals.services import (
    DecisionConflict,
    continuum_levels,
    referral_create,
    referral_decide,
)
from familyhub.referrals.tests.factories import level, make_referral
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_a_referral_is_received_with_an_event_and_a_deadline(world):
    referral = make_referral(world)
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.household == world.household
    assert referral.owning_service == world.front_door
    assert referral.category == Category.GENERAL
    assert referral.decision_due_at > referral.received_at
    (event,) = ReferralEvent.objects.filter(referral=referral)
    assert (event.from_state, event.to_state, event.by) == ("", "received", world.triage)


def test_a_child_at_risk_makes_the_referral_safeguarding_and_due_today(world):
    referral = make_referral(world, urgency="at_risk")
    assert referral.category == Category.SAFEGUARDING
    assert timezone.localtime(referral.decision_due_at).date() == timezone.localdate(
        referral.received_at
    )


def test_a_family_asking_for_help_agrees_to_it(world):
    referral = make_referral(
        world,
        referrer_kind="family",
        referrer_organisation="",
        consent="not_told",
        referrer_name="Jane Walker",
    )
    assert referral.consent == "agrees"
    assert referral.referrer_display == "the family"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person": None}, "person"),
        ({"concerns": "  "}, "concerns"),
        ({"referrer_name": ""}, "referrer_name"),
        ({"referrer_organisation": ""}, "referrer_organisation"),
        ({"needs": ["education", "astrology"]}, "needs"),
        ({"consent": "maybe"}, "consent"),
        ({"urgency": "whenever"}, "urgency"),
        ({"referrer_kind": "pigeon"}, "referrer_kind"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        make_referral(world, **overrides)
    assert field in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_referral_for_a_merged_record_goes_to_the_surviving_person(world):
    duplicate = factories.PersonFactory(authority=world.authority, merged_into=world.child)
    referral = make_referral(world, person=duplicate)
    assert referral.person == world.child


def test_without_a_front_door_service_the_referral_is_refused(world):
    other = factories.AuthorityFactory(code="E99999999", name="Elsewhere")
    person = factories.PersonFactory(authority=other)
    with pytest.raises(ValidationError, match="no front door"):
        referral_create(
            person=person,
            referrer_kind="gp",
            referrer_name="Dr Who",
            referrer_organisation="Surgery",
            concerns="x",
            consent="agrees",
            recorded_by=world.triage,
        )


def test_the_default_continuum_has_four_levels_and_a_council_can_set_its_own(world):
    assert [lv.level for lv in continuum_levels(world.authority)] == ["1", "2", "3", "4"]
    for rank, code in enumerate(["1", "2", "3", "4a", "4b"], start=1):
        ContinuumLevel.objects.create(authority=world.authority, level=code, rank=rank, name=code)
    assert [lv.level for lv in continuum_levels(world.authority)] == ["1", "2", "3", "4a", "4b"]


def decide(world, referral, **overrides):
    fields = {
        "referral": referral,
        "by": world.triage,
        "version": referral.version,
        "outcome": "signposted",
        "level": level(1),
        "reason": "Universal services will meet the need.",
    }
    fields.update(overrides)
    return referral_decide(**fields)


def test_signposting_is_recorded_with_who_and_when(world):
    referral = decide(world, make_referral(world))
    assert referral.status == ReferralStatus.SIGNPOSTED
    assert referral.decided_by == world.triage and referral.decided_at is not None
    assert referral.version == 2
    assert list(referral.events.values_list("from_state", "to_state")) == [
        ("", "received"),
        ("received", "signposted"),
    ]


def test_allocation_opens_an_episode_waiting_for_a_lead_professional(world):
    referral = decide(
        world, make_referral(world), outcome="allocated", level=level(3), team=world.central
    )
    episode = Episode.objects.get(referral=referral)
    assert episode.status == EpisodeStatus.AWAITING_ALLOCATION
    assert episode.team == world.central and episode.person == world.child
    assert episode.household == world.household and episode.level == level(3)
    assert episode.owning_service == world.early_help
    assert episode.events.get().kind == "opened"


def test_step_up_needs_a_statutory_level(world):
    referral = make_referral(world)
    with pytest.raises(ValidationError) as error:
        decide(world, referral, outcome="stepped_up", level=level(3))
    assert "level" in error.value.message_dict
    referral = decide(world, referral, outcome="stepped_up", level=level(4))
    assert referral.status == ReferralStatus.STEPPED_UP


def test_no_further_action(world):
    referral = decide(world, make_referral(world), outcome="nfa", level=level(1))
    assert referral.status == ReferralStatus.NO_FURTHER_ACTION


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"level": None}, "level"),
        ({"outcome": "ignore"}, "outcome"),
        ({"outcome": "allocated"}, "team"),
    ],
)
def test_a_decision_without_its_parts_is_refused(world, overrides, field):
    referral = make_referral(world)
    with pytest.raises(ValidationError) as error:
        decide(world, referral, **overrides)
    assert field in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and referral.version == 1


def test_a_team_in_another_council_is_refused(world):
    other = factories.TeamFactory(
        service=factories.ServiceFactory(
            authority=factories.AuthorityFactory(code="E1", name="Other")
        )
    )
    with pytest.raises(ValidationError) as error:
        decide(world, make_referral(world), outcome="allocated", level=level(3), team=other)
    assert "team" in error.value.message_dict


def test_the_second_decision_on_a_stale_version_is_refused_not_overwritten(world):
    referral = make_referral(world)
    seen_by_second = Referral.objects.get(pk=referral.pk)  # opened at the same time
    decide(world, referral, outcome="nfa", reason="First: no concerns once explained.")
    with pytest.raises(DecisionConflict) as conflict:
        decide(
            world,
            seen_by_second,
            by=world.triage2,
            version=seen_by_second.version,
            outcome="allocated",
            level=level(3),
            team=world.central,
            reason="Second.",
        )
    assert str(world.triage) in str(conflict.value)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NO_FURTHER_ACTION
    assert referral.decision_reason == "First: no concerns once explained."
    assert referral.decided_by == world.triage
    assert not Episode.objects.exists()
    assert referral.events.count() == 2
