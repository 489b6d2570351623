"""Family Help as a level of the continuum (the threshold document as data), section 17 status,
and the step-up to the Multi-Agency Child Protection Team with its information pack and decision,
all in one episode."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from familyhub.casework import services
from familyhub.casework.models import EpisodeEvent, EpisodeStatus
from familyhub.casework.tests.test_services import open_episode
from familyhub.referrals.continuum import load_families_first
from familyhub.referrals.models import ContinuumLevel

pytestmark = pytest.mark.django_db


def families_first(world) -> dict[str, ContinuumLevel]:
    """The council adopts the Families First continuum (after its first families came in)."""
    load_families_first(world.authority)
    return {lv.name: lv for lv in ContinuumLevel.objects.filter(authority=world.authority)}


def test_a_council_loads_the_families_first_continuum_once(world, capsys):
    call_command("load_continuum", "--families-first")
    levels = ContinuumLevel.objects.filter(authority=world.authority)
    assert [lv.name for lv in levels] == [
        "Universal",
        "Early help",
        "Family Help",
        "Child protection",
    ]
    assert levels.get(name="Family Help").is_family_help
    assert levels.get(name="Child protection").is_child_protection
    call_command("load_continuum", "--families-first")
    assert "left as it is" in capsys.readouterr().out
    assert ContinuumLevel.objects.filter(authority=world.authority).count() == 4


def test_the_threshold_document_shows_the_councils_levels(client, signed_in, world):
    families_first(world)
    body = signed_in(client, world.lead).get(reverse("referrals:threshold")).content.decode()
    assert "Level 3: Family Help" in body and "section 17" in body
    assert body.count('data-testid="threshold-level"') == 4


def test_moving_to_family_help_keeps_the_assessment_and_records_section_17(world):
    episode = open_episode(world)
    levels = families_first(world)
    assessments = episode.assessments.count()
    episode = services.episode_level_change(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        level=levels["Family Help"],
        reason="Needs across four areas; the family agrees to Family Help.",
        child_in_need=True,
    )
    assert episode.level.is_family_help
    assert (
        episode.child_in_need_from == timezone.localdate() and episode.child_in_need_until is None
    )
    assert episode.assessments.count() == assessments  # nothing typed again
    assert EpisodeEvent.objects.filter(episode=episode, kind="level_changed").exists()
    # Back to early help: section 17 ends the same day.
    episode = services.episode_level_change(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        level=levels["Early help"],
        reason="Needs met; stepped down.",
    )
    assert episode.child_in_need_until == timezone.localdate()


def test_child_protection_is_a_step_up_not_a_level_change(world):
    episode = open_episode(world)
    levels = families_first(world)
    with pytest.raises(ValidationError) as raised:
        services.episode_level_change(
            episode=episode,
            by=world.team_leader,
            version=episode.version,
            level=levels["Child protection"],
            reason="Harm.",
        )
    assert "level" in raised.value.message_dict


def test_the_step_up_carries_the_pack_and_the_decision_and_back_down(client, signed_in, world):
    episode = open_episode(world)
    levels = families_first(world)
    services.goal_add(episode=episode, by=world.lead, need="education", description="Attend school")
    episode = services.episode_step_up(
        episode=episode, by=world.team_leader, version=episode.version, reason="Unexplained bruise."
    )
    pack = signed_in(client, world.lead).get(
        reverse("casework:information-pack", args=[episode.public_id])
    )
    body = pack.content.decode()
    assert pack.status_code == 200
    assert 'data-testid="pack-assessment"' in body and "Attend school" in body
    assert 'data-testid="pack-chronology"' in body and "Unexplained bruise." in body
    # Someone outside the family's services gets nothing.
    outsider = signed_in(client, world.outsider).get(
        reverse("casework:information-pack", args=[episode.public_id])
    )
    assert outsider.status_code == 404
    episode = services.episode_cp_decision(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        outcome="no_cp_action",
        reason="Explained at the strategy discussion; Family Help continues.",
    )
    decision = EpisodeEvent.objects.get(episode=episode, kind="cp_decision")
    assert decision.by == world.team_leader and "No child protection action" in decision.note
    episode = services.episode_step_down(
        episode=episode,
        by=world.team_leader,
        version=episode.version,
        reason="Back to Family Help.",
        level=levels["Family Help"],
    )
    assert episode.status == EpisodeStatus.OPEN and episode.level.is_family_help
    kinds = list(episode.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["stepped_up", "cp_decision", "stepped_down"]  # one record, one history


def test_the_decision_form_names_its_fields(client, signed_in, world):
    episode = open_episode(world)
    episode = services.episode_step_up(
        episode=episode, by=world.team_leader, version=episode.version, reason="Harm."
    )
    response = signed_in(client, world.team_leader).post(
        reverse("casework:cp-decision", args=[episode.public_id]),
        {"version": episode.version, "outcome": "", "reason": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select what the child protection team decided" in body and "Enter the reasons" in body
