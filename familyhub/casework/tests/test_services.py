from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.casework import services
from familyhub.casework.models import Episode, EpisodeEvent, EpisodeStatus, TeamMember
from familyhub.casework.services import EpisodeConflict
from familyhub.referrals.tests.factories import allocated_episode, level
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def allocate(world, episode):
    return services.episode_allocate(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        lead_professional=world.lead,
        family_agrees=True,
    )


def assess(world, episode, needs=("education", "family_relationships", "housing")):
    return services.assessment_record(
        episode=episode,
        by=world.lead,
        needs=list(needs),
        strengths="A loving family.",
        child_voice="I want to go to school.",
        family_views="We need help with the flat.",
        level=level(3),
    )


def open_episode(world):
    episode = allocate(world, allocated_episode(world))
    assess(world, episode)
    episode.refresh_from_db()
    return episode


def test_allocation_records_the_lead_and_the_familys_agreement(world):
    episode = allocate(world, allocated_episode(world))
    assert episode.status == EpisodeStatus.OPEN
    assert episode.lead_professional == world.lead and episode.lead_agreed_by_family
    assert episode.lead_agreed_on == timezone.localdate()
    assert TeamMember.objects.filter(episode=episode, user=world.lead).exists()
    assert list(episode.events.values_list("kind", "from_state", "to_state")) == [
        ("opened", "", "awaiting"),
        ("allocated", "awaiting", "open"),
    ]


def test_allocation_needs_the_familys_answer_and_a_council_practitioner(world):
    episode = allocated_episode(world)
    with pytest.raises(ValidationError) as error:
        services.episode_allocate(
            episode=episode,
            by=world.team_leader,
            version=1,
            lead_professional=world.lead,
            family_agrees=None,
        )
    assert "family_agrees" in error.value.message_dict
    stranger = factories.UserFactory(role="lead_professional", username="nobody")
    with pytest.raises(ValidationError) as error:
        services.episode_allocate(
            episode=episode,
            by=world.team_leader,
            version=1,
            lead_professional=stranger,
            family_agrees=True,
        )
    assert "lead_professional" in error.value.message_dict


def test_allocating_twice_from_the_same_version_is_refused(world):
    episode = allocated_episode(world)
    stale = Episode.objects.get(pk=episode.pk)
    allocate(world, episode)
    with pytest.raises(EpisodeConflict):
        services.episode_allocate(
            episode=stale,
            by=world.team_leader,
            version=stale.version,
            lead_professional=world.colleague,
            family_agrees=True,
        )
    episode.refresh_from_db()
    assert episode.lead_professional == world.lead


def test_transfer_needs_a_handover_note_and_moves_the_team_around_the_family(world):
    episode = allocate(world, allocated_episode(world))
    with pytest.raises(ValidationError) as error:
        services.episode_transfer_lead(
            episode=episode,
            by=world.team_leader,
            version=episode.version,
            new_lead=world.colleague,
            handover_note="",
            family_agrees=True,
        )
    assert "handover_note" in error.value.message_dict
    episode = services.episode_transfer_lead(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        new_lead=world.colleague,
        handover_note="Mum prefers texts. School meeting on Friday.",
        family_agrees=True,
    )
    assert episode.lead_professional == world.colleague
    event = episode.events.get(kind="transferred")
    assert "Mum prefers texts" in event.note and event.by == world.team_leader
    assert TeamMember.objects.get(episode=episode, user=world.lead).left_on == timezone.localdate()
    assert TeamMember.objects.filter(episode=episode, user=world.colleague, left_on=None).exists()


def test_team_around_the_family_takes_practitioners_and_external_professionals(world):
    episode = allocate(world, allocated_episode(world))
    services.team_member_add(
        episode=episode,
        by=world.lead,
        name="Mr Hughes",
        organisation="Riverside Primary",
        role="Class teacher",
    )
    services.team_member_add(episode=episode, by=world.lead, user=world.colleague)
    with pytest.raises(ValidationError):
        services.team_member_add(episode=episode, by=world.lead)
    with pytest.raises(ValidationError):
        services.team_member_add(episode=episode, by=world.lead, user=world.colleague)
    assert episode.team_members.count() == 3


def test_the_assessment_sets_needs_level_and_supporting_families(world):
    episode = open_episode(world)
    assert set(episode.needs.values_list("need", flat=True)) == {
        "education",
        "family_relationships",
        "housing",
    }
    assert episode.sf_eligible and episode.level == level(3)


def test_two_needs_are_not_eligible(world):
    episode = allocate(world, allocated_episode(world))
    assess(world, episode, needs=["education", "housing"])
    episode.refresh_from_db()
    assert not episode.sf_eligible


def test_without_dependent_children_a_family_is_not_eligible(world):
    adult = factories.PersonFactory(
        authority=world.authority, date_of_birth=datetime.date(1980, 1, 1)
    )
    episode = allocate(world, allocated_episode(world, person=adult))
    Episode.objects.filter(pk=episode.pk).update(household=None)
    episode.refresh_from_db()
    assess(world, episode)
    episode.refresh_from_db()
    assert not episode.sf_eligible


def test_a_pregnancy_makes_an_adult_family_eligible(world):
    mum = factories.PersonFactory(
        authority=world.authority, date_of_birth=datetime.date(1995, 1, 1)
    )
    household = factories.HouseholdFactory(authority=world.authority)
    factories.HouseholdMembershipFactory(household=household, person=mum)
    factories.HouseholdMembershipFactory(
        household=household,
        person=factories.PersonFactory(
            authority=world.authority,
            is_unborn=True,
            date_of_birth=None,
            expected_date_of_delivery=timezone.localdate() + datetime.timedelta(days=60),
        ),
    )
    episode = allocate(world, allocated_episode(world, person=mum))
    assess(world, episode)
    episode.refresh_from_db()
    assert episode.sf_eligible


def test_the_assessment_names_missing_parts(world):
    episode = allocate(world, allocated_episode(world))
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            episode=episode,
            by=world.lead,
            needs=[],
            strengths="",
            child_voice="",
            family_views="",
            level=None,
        )
    assert {"needs", "strengths", "child_voice", "family_views", "level"} <= set(
        error.value.message_dict
    )


def test_goals_are_tied_to_identified_needs_and_set_the_first_review(world):
    episode = open_episode(world)
    with pytest.raises(ValidationError) as error:
        services.goal_add(episode=episode, by=world.lead, need="crime", description="x")
    assert "need" in error.value.message_dict
    services.goal_add(
        episode=episode, by=world.lead, need="education", description="Tom at school every day"
    )
    episode.refresh_from_db()
    assert episode.next_review_due == timezone.localdate() + datetime.timedelta(weeks=6)


def test_actions_need_an_owner_and_a_date(world):
    episode = open_episode(world)
    goal = services.goal_add(episode=episode, by=world.lead, need="education", description="Attend")
    with pytest.raises(ValidationError) as error:
        services.action_add(goal=goal, by=world.lead, description="Walk to school", due_on=None)
    assert {"due_on", "owner"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.action_add(
            goal=goal,
            by=world.lead,
            description="Walk to school",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
            owner_name="Mum",
        )
    assert error.value.message_dict["due_on"] == [
        "The date the action is due must be today or later"
    ]
    action = services.action_add(
        goal=goal,
        by=world.lead,
        description="Walk to school",
        due_on=timezone.localdate(),
        owner_name="Mum",
    )
    assert action.owner_display == "Mum"
    services.action_complete(action=action, by=world.lead)
    assert action.done_on == timezone.localdate()


def test_a_review_scores_every_goal_and_sets_the_next(world):
    episode = open_episode(world)
    one = services.goal_add(episode=episode, by=world.lead, need="education", description="Attend")
    two = services.goal_add(episode=episode, by=world.lead, need="housing", description="Repairs")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.review_record(
            episode=episode, by=world.lead, held_on=today, scores={str(one.public_id): 5}
        )
    assert f"score_{two.public_id}" in error.value.message_dict
    services.review_record(
        episode=episode,
        by=world.lead,
        held_on=today,
        scores={str(one.public_id): 5, str(two.public_id): 8},
    )
    episode.refresh_from_db()
    two.refresh_from_db()
    assert two.latest_score == 8
    assert episode.next_review_due == today + datetime.timedelta(weeks=6)


def test_step_up_and_step_down_with_reasons(world):
    episode = open_episode(world)
    with pytest.raises(ValidationError):
        services.episode_step_up(episode=episode, by=world.lead, version=episode.version, reason="")
    episode = services.episode_step_up(
        episode=episode,
        by=world.lead,
        version=episode.version,
        reason="Disclosure of harm at school.",
    )
    assert episode.status == EpisodeStatus.STEPPED_UP
    episode = services.episode_step_down(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        reason="Social care closed; early help continues.",
        level=level(2),
    )
    assert episode.status == EpisodeStatus.OPEN and episode.level == level(2)
    kinds = list(episode.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EpisodeEvent.Kind.STEPPED_UP, EpisodeEvent.Kind.STEPPED_DOWN]


def test_stepping_down_an_open_episode_is_refused(world):
    episode = open_episode(world)
    with pytest.raises(EpisodeConflict):
        services.episode_step_down(
            episode=episode, by=world.lead, version=episode.version, reason="x"
        )


def test_closure_with_unscored_needs_is_refused(world):
    episode = open_episode(world)
    with pytest.raises(ValidationError) as error:
        services.episode_close(
            episode=episode,
            by=world.lead,
            version=episode.version,
            reason="Goals met.",
            outcomes={"education": "achieved"},
        )
    assert {"outcome_housing", "outcome_family_relationships"} <= set(error.value.message_dict)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN
    assert not episode.needs.exclude(outcome="").exists()


def test_closure_with_progress_on_every_need_starts_the_sustainment_clock(world):
    episode = open_episode(world)
    episode = services.episode_close(
        episode=episode,
        by=world.lead,
        version=episode.version,
        reason="Goals met.",
        outcomes={"education": "achieved", "family_relationships": "partly", "housing": "achieved"},
    )
    assert episode.status == EpisodeStatus.CLOSED and episode.end == timezone.localdate()
    assert episode.sustainment_from == episode.end
    assert episode.sustainment_until == services.add_months(episode.end, 6)


def test_closure_without_progress_on_a_need_starts_no_clock(world):
    episode = open_episode(world)
    episode = services.episode_close(
        episode=episode,
        by=world.lead,
        version=episode.version,
        reason="Family moved away.",
        outcomes={
            "education": "achieved",
            "family_relationships": "not_achieved",
            "housing": "achieved",
        },
    )
    assert episode.status == EpisodeStatus.CLOSED and episode.sustainment_until is None


def test_closure_needs_a_reason(world):
    episode = open_episode(world)
    with pytest.raises(ValidationError) as error:
        services.episode_close(
            episode=episode,
            by=world.lead,
            version=episode.version,
            reason="",
            outcomes={
                "education": "achieved",
                "family_relationships": "partly",
                "housing": "achieved",
            },
        )
    assert "reason" in error.value.message_dict


def test_add_months_keeps_to_the_end_of_short_months():
    assert services.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert services.add_months(datetime.date(2026, 1, 15), -12 * 18) == datetime.date(2008, 1, 15)


def test_a_closed_episode_takes_no_more_work(world):
    episode = open_episode(world)
    episode = services.episode_close(
        episode=episode,
        by=world.lead,
        version=episode.version,
        reason="Done.",
        outcomes={"education": "achieved", "family_relationships": "partly", "housing": "achieved"},
    )
    with pytest.raises(ValidationError):
        services.goal_add(episode=episode, by=world.lead, need="education", description="x")
    with pytest.raises(EpisodeConflict):
        services.episode_step_up(
            episode=episode, by=world.lead, version=episode.version, reason="x"
        )
