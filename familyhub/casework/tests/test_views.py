from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.casework import services
from familyhub.casework.models import Episode, EpisodeStatus
from familyhub.casework.tests.test_services import open_episode
from familyhub.referrals.tests.factories import allocated_episode, level
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db

# Pages any member of the family's team may use, and pages for the lead and the team's managers.
TEAM_PAGES = ["episode", "team-member-add", "assessment", "goal-add", "review"]
MANAGER_PAGES = ["transfer", "step-up", "close"]


@pytest.fixture
def episode(world):
    ep = open_episode(world)
    services.goal_add(episode=ep, by=world.lead, need="education", description="Attend school")
    return ep


@pytest.mark.parametrize("name", TEAM_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 200), ("colleague", 200), ("team_leader", 200), ("outsider", 404), ("triage", 404)],
)
def test_team_pages_owner_colleague_outsider(client, signed_in, world, episode, name, who, status):
    response = signed_in(client, getattr(world, who)).get(
        reverse(f"casework:{name}", args=[episode.public_id])
    )
    assert response.status_code == status


@pytest.mark.parametrize("name", MANAGER_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 200),
        ("team_leader", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("outsider_leader", 404),
    ],
)
def test_manager_pages_owner_colleague_outsider(
    client, signed_in, world, episode, name, who, status
):
    response = signed_in(client, getattr(world, who)).get(
        reverse(f"casework:{name}", args=[episode.public_id])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("team_leader", 200), ("lead", 404), ("outsider_leader", 404)]
)
def test_allocate_page_is_for_the_teams_managers(client, signed_in, world, who, status):
    waiting = allocated_episode(world)
    response = signed_in(client, getattr(world, who)).get(
        reverse("casework:allocate", args=[waiting.public_id])
    )
    assert response.status_code == status


def test_a_team_around_the_family_member_from_another_team_can_open_the_episode(
    client, signed_in, world, episode
):
    services.team_member_add(episode=episode, by=world.lead, user=world.outsider)
    response = signed_in(client, world.outsider).get(
        reverse("casework:episode", args=[episode.public_id])
    )
    assert response.status_code == 200


def test_action_pages_owner_colleague_outsider(client, signed_in, world, episode):
    goal = episode.goals.get()
    url = reverse("casework:action-add", args=[episode.public_id, goal.public_id])
    assert signed_in(client, world.outsider).get(url).status_code == 404
    response = signed_in(client, world.colleague).post(
        url,
        {
            "description": "Call school",
            "owner": world.lead.pk,
            **date_fields(
                "due_on", (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
            ),
        },
    )
    assert response.status_code == 302
    action = goal.actions.get()
    done = reverse("casework:action-done", args=[episode.public_id, action.public_id])
    assert signed_in(client, world.outsider).post(done).status_code == 404
    assert signed_in(client, world.lead).post(done).status_code == 302
    action.refresh_from_db()
    assert action.done_on is not None


def test_allocation_through_the_page(client, signed_in, world):
    waiting = allocated_episode(world)
    response = signed_in(client, world.team_leader).post(
        reverse("casework:allocate", args=[waiting.public_id]),
        {"version": waiting.version, "lead_professional": world.lead.pk, "family_agrees": "yes"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.lead_professional == world.lead and waiting.status == EpisodeStatus.OPEN


def test_a_stale_form_is_refused_with_a_message(client, signed_in, world, episode):
    stale_version = episode.version
    services.episode_step_up(
        episode=episode, by=world.lead, version=episode.version, reason="Harm."
    )
    response = signed_in(client, world.team_leader).post(
        reverse("casework:close", args=[episode.public_id]),
        {
            "version": stale_version,
            "reason": "Done",
            "outcome_education": "achieved",
            "outcome_family_relationships": "achieved",
            "outcome_housing": "achieved",
        },
        follow=True,
    )
    assert "Someone else changed this family" in response.content.decode()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP


def test_closing_with_unscored_needs_shows_the_errors(client, signed_in, world, episode):
    response = signed_in(client, world.lead).post(
        reverse("casework:close", args=[episode.public_id]),
        {"version": episode.version, "reason": "Done", "outcome_education": "achieved"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select the outcome for" in body and "secure housing" in body


def test_a_review_through_the_page(client, signed_in, world, episode):
    goal = episode.goals.get()
    response = signed_in(client, world.lead).post(
        reverse("casework:review", args=[episode.public_id]),
        {
            **date_fields("held_on", timezone.localdate().isoformat()),
            f"score_{goal.public_id}": "6",
            "notes": "Better.",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.latest_score == 6


def test_step_down_page(client, signed_in, world, episode):
    services.episode_step_up(
        episode=episode, by=world.lead, version=episode.version, reason="Harm."
    )
    episode.refresh_from_db()
    response = signed_in(client, world.team_leader).post(
        reverse("casework:step-down", args=[episode.public_id]),
        {"version": episode.version, "reason": "Closed by social care.", "level": level(2).pk},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN


@pytest.mark.parametrize(
    ("name", "allowed", "refused"),
    [
        ("my-caseload", "lead", "commissioner"),
        ("team-caseload", "team_leader", "lead"),
        ("unallocated", "team_leader", "lead"),
        ("supporting-families", "team_leader", "lead"),
    ],
)
def test_worklists_by_role(client, signed_in, world, name, allowed, refused):
    from django.test import Client

    assert (
        signed_in(client, getattr(world, allowed)).get(reverse(f"casework:{name}")).status_code
        == 200
    )
    assert (
        signed_in(Client(), getattr(world, refused)).get(reverse(f"casework:{name}")).status_code
        == 403
    )


def test_my_caseload_page_shows_overdue_work(client, signed_in, world, episode):
    goal = episode.goals.get()
    services.action_add(
        goal=goal,
        by=world.lead,
        description="Book GP",
        owner=world.lead,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        agreed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    Episode.objects.filter(pk=episode.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    body = signed_in(client, world.lead).get(reverse("casework:my-caseload")).content.decode()
    assert "Tom Walker" in body and "Book GP" in body and "Overdue" in body


def test_team_caseload_page(client, signed_in, world, episode):
    body = (
        signed_in(client, world.team_leader).get(reverse("casework:team-caseload")).content.decode()
    )
    assert str(world.lead) in body and 'data-testid="team-caseload"' in body


def test_unallocated_page_filters_by_name(client, signed_in, world):
    allocated_episode(world)
    client = signed_in(client, world.team_leader)
    assert "Tom Walker" in client.get(reverse("casework:unallocated")).content.decode()
    assert (
        "Tom Walker"
        not in client.get(reverse("casework:unallocated"), {"q": "Zed"}).content.decode()
    )


def test_unallocated_page_is_paged_keeping_the_filters(client, signed_in, world, monkeypatch):
    from familyhub.audit.models import AccessLog
    from familyhub.casework import views
    from familyhub.testing.factories import PersonFactory

    monkeypatch.setattr(views, "UNALLOCATED_PAGE_SIZE", 2)  # three families make two pages
    for given in ("Ann", "Bea", "Cal"):
        allocated_episode(world, person=PersonFactory(given_name=given, family_name="Walker"))
    client = signed_in(client, world.team_leader)
    first = client.get(reverse("casework:unallocated"), {"q": "Walker"}).content.decode()
    assert 'data-testid="pagination"' in first
    assert "q=Walker&amp;page=2" in first  # the next page keeps the filter
    logged = AccessLog.objects.count()
    second = client.get(reverse("casework:unallocated"), {"q": "Walker", "page": 2})
    body = second.content.decode()
    shown = [name for name in ("Ann", "Bea", "Cal") if f"{name} Walker" in body]
    assert len(shown) == 1
    assert AccessLog.objects.count() - logged == 1  # only the page's family is logged


def test_episodes_appear_on_the_family_timeline(world, episode):
    from familyhub.casework.models import Assessment

    assert "Early help with Early help Central" in episode.timeline_summary()
    assert "3 needs" in Assessment.objects.get(episode=episode).timeline_summary()
    assert episode.referral.timeline_summary().startswith("Referral from Riverside Primary School")


def test_a_step_up_without_a_reason_names_the_field(client, signed_in, world, episode):
    response = signed_in(client, world.team_leader).post(
        reverse("casework:step-up", args=[episode.public_id]),
        {"version": episode.version, "reason": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Enter the reasons") == 2 and "This field is required" not in body
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.OPEN


def test_the_assessment_saves_every_need_ticked(client, signed_in, world, episode):
    """The needs are standard GOV.UK checkboxes: several ticked, all saved."""
    client = signed_in(client, world.lead)
    page = client.get(reverse("casework:assessment", args=[episode.public_id])).content.decode()
    assert 'name="needs" type="checkbox"' in page
    response = client.post(
        reverse("casework:assessment", args=[episode.public_id]),
        {
            "needs": ["education", "health", "housing"],
            "strengths": "Close family.",
            "child_voice": "I like school.",
            "family_views": "We want help.",
            "level": level(3).pk,
        },
    )
    assert response.status_code == 302
    assert set(episode.needs.values_list("need", flat=True)) == {"education", "health", "housing"}


def test_a_closed_episode_shows_no_next_review_or_overdue_actions(
    client, signed_in, world, episode
):
    goal = episode.goals.get()
    services.action_add(
        goal=goal,
        by=world.lead,
        description="Call school",
        owner=None,
        owner_name="Mum",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        agreed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    Episode.objects.filter(pk=episode.pk).update(
        status=EpisodeStatus.CLOSED,
        end=timezone.localdate(),
        closure_reason="Done.",
        next_review_due=timezone.localdate() + datetime.timedelta(days=10),
    )
    body = (
        signed_in(client, world.lead)
        .get(reverse("casework:episode", args=[episode.public_id]))
        .content.decode()
    )
    main = body.split('id="main-content"', 1)[1]  # the menu's "Overdue work" is not the episode's
    assert 'data-testid="next-review"' not in main and "Overdue" not in main
