from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from familyhub.audit.models import AccessLog
from familyhub.referrals.models import Referral, ReferralStatus
from familyhub.referrals.tests.factories import level, make_referral
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def test_triage_officers_see_the_queue_with_deadlines(client, signed_in, world):
    make_referral(world)
    response = signed_in(client, world.triage).get(reverse("referrals:queue"))
    assert response.status_code == 200
    assert "Tom Walker" in response.content.decode()
    assert 'data-testid="deadline"' in response.content.decode()


def test_the_queue_filters_by_urgency(client, signed_in, world):
    make_referral(world, urgency="at_risk")
    make_referral(world, person=world.mother)
    body = (
        signed_in(client, world.triage)
        .get(reverse("referrals:queue"), {"urgency": "standard"})
        .content.decode()
    )
    assert "Jane Walker" in body and "Tom Walker" not in body


def test_the_queue_is_not_for_practitioners(client, signed_in, world):
    assert signed_in(client, world.lead).get(reverse("referrals:queue")).status_code == 403


def test_another_councils_front_door_sees_nothing(client, signed_in, world):
    referral = make_referral(world)
    other = factories.AuthorityFactory(code="E2", name="Other Council")
    team = factories.TeamFactory(
        service=factories.ServiceFactory(authority=other, kind="front_door")
    )
    stranger = factories.UserFactory(role="triage_officer", username="stranger")
    factories.TeamMembershipFactory(user=stranger, team=team)
    client = signed_in(client, stranger)
    assert "Tom Walker" not in client.get(reverse("referrals:queue")).content.decode()
    assert client.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("triage", 200), ("triage2", 200), ("outsider", 404), ("lead", 404)]
)
def test_referral_page_owner_colleague_outsider(client, signed_in, world, who, status):
    referral = make_referral(world)
    response = signed_in(client, getattr(world, who)).get(
        reverse("referrals:detail", args=[referral.public_id])
    )
    assert response.status_code == status


def test_the_referrer_can_read_their_own_referral(client, signed_in, world):
    referral = make_referral(world, recorded_by=world.outsider)
    response = signed_in(client, world.outsider).get(
        reverse("referrals:detail", args=[referral.public_id])
    )
    assert response.status_code == 200
    assert "Record the decision" not in response.content.decode()


def test_the_episode_link_is_only_for_those_who_may_open_it(client, signed_in, world):
    from familyhub.referrals.tests.factories import allocated_episode

    episode = allocated_episode(world, recorded_by=world.outsider)
    url = reverse("referrals:detail", args=[episode.referral.public_id])
    episode_url = reverse("casework:episode", args=[episode.public_id])
    assert episode_url not in signed_in(client, world.outsider).get(url).content.decode()
    assert episode_url in signed_in(client, world.team_leader).get(url).content.decode()


def test_the_referral_page_shows_what_the_register_knows(client, signed_in, world):
    past = make_referral(world, person=world.mother)
    from familyhub.referrals.services import referral_decide

    referral_decide(
        referral=past,
        by=world.triage,
        version=1,
        outcome="allocated",
        level=level(3),
        reason="Needs early help.",
        team=world.central,
    )
    from familyhub.casework.services import episode_allocate

    episode_allocate(
        episode=past.episode,
        by=world.team_leader,
        version=1,
        lead_professional=world.lead,
        family_agrees=True,
    )
    referral = make_referral(world)
    body = (
        signed_in(client, world.triage)
        .get(reverse("referrals:detail", args=[referral.public_id]))
        .content.decode()
    )
    assert 'data-testid="register-knowledge"' in body
    assert "Jane Walker, from Riverside Primary School" in body
    assert str(world.lead) in body
    assert AccessLog.objects.filter(person_pk=world.child.pk, purpose="Read a referral").exists()


def test_deciding_through_the_page(client, signed_in, world):
    referral = make_referral(world)
    response = signed_in(client, world.triage).post(
        reverse("referrals:decide", args=[referral.public_id]),
        {
            "version": 1,
            "level": level(3).pk,
            "outcome": "allocated",
            "team": world.central.pk,
            "reason": "Three needs and agreement.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ALLOCATED and referral.episode.team == world.central


def test_a_decision_without_a_reason_shows_the_error(client, signed_in, world):
    referral = make_referral(world)
    response = signed_in(client, world.triage).post(
        reverse("referrals:decide", args=[referral.public_id]),
        {"version": 1, "level": level(2).pk, "outcome": "signposted", "reason": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    # GOV.UK: the message names the field, in the summary and by the field.
    assert body.count("Enter the reasons for your decision") == 2
    assert "This field is required" not in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_allocation_without_a_team_names_the_field(client, signed_in, world):
    referral = make_referral(world)
    response = signed_in(client, world.triage).post(
        reverse("referrals:decide", args=[referral.public_id]),
        {"version": 1, "level": level(3).pk, "outcome": "allocated", "reason": "Needs help."},
    )
    assert response.status_code == 400
    assert "Choose the early help team" in response.content.decode()


def test_a_second_triage_on_the_page_is_refused_with_a_message(client, signed_in, world):
    referral = make_referral(world)
    first = signed_in(client, world.triage)
    first.post(
        reverse("referrals:decide", args=[referral.public_id]),
        {"version": 1, "level": level(1).pk, "outcome": "nfa", "reason": "First."},
    )
    from django.test import Client

    second = signed_in(Client(), world.triage2)
    response = second.post(
        reverse("referrals:decide", args=[referral.public_id]),
        {"version": 1, "level": level(2).pk, "outcome": "signposted", "reason": "Second."},
        follow=True,
    )
    body = response.content.decode()
    assert "already been decided" in body or "while you had it open" in body
    referral.refresh_from_db()
    assert referral.decision_reason == "First."


def test_the_stale_version_path_on_the_page(client, signed_in, world, monkeypatch):
    # The page was opened at version 1; someone decided before the POST arrives: the view reads
    # the referral as still open (as it was when fetched) and the conditional UPDATE refuses.
    referral = make_referral(world)
    from familyhub.referrals import services, views

    real = views.permissions.referral_for_decision

    def fetch_then_race(user, public_id):
        fetched = real(user, public_id)
        services.referral_decide(
            referral=Referral.objects.get(pk=fetched.pk),
            by=world.triage2,
            version=1,
            outcome="nfa",
            level=level(1),
            reason="Raced.",
        )
        return fetched

    monkeypatch.setattr(views.permissions, "referral_for_decision", fetch_then_race)
    response = signed_in(client, world.triage).post(
        reverse("referrals:decide", args=[referral.public_id]),
        {"version": 1, "level": level(2).pk, "outcome": "signposted", "reason": "Mine."},
        follow=True,
    )
    assert "while you had it open" in response.content.decode()
    referral.refresh_from_db()
    assert referral.decision_reason == "Raced."


def test_a_practitioner_refers_a_person_found_in_the_register(client, signed_in, world):
    client = signed_in(client, world.outsider)
    found = client.get(
        reverse("referrals:find-person"), {"family_name": "Walker", "given_name": "Tom"}
    )
    assert found.status_code == 200
    assert reverse("referrals:new", args=[world.child.public_id]) in found.content.decode()
    response = client.post(
        reverse("referrals:new", args=[world.child.public_id]),
        {
            "referrer_kind": "school",
            "referrer_name": "Ms Price",
            "referrer_organisation": "Riverside",
            "needs": ["education", "health"],
            "concerns": "Not attending.",
            "consent": "agrees",
            "urgency": "standard",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.recorded_by == world.outsider and referral.needs == ["education", "health"]


def test_the_referral_form_names_missing_fields(client, signed_in, world):
    response = signed_in(client, world.lead).post(
        reverse("referrals:new", args=[world.child.public_id]),
        {
            "referrer_kind": "school",
            "referrer_name": "Ms Price",
            "consent": "agrees",
            "urgency": "standard",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Enter what the concerns are" in body
    assert "This field is required" not in body
    assert not Referral.objects.exists()


def test_a_limit_only_the_model_knows_is_said_in_the_fields_words(client, signed_in, world):
    """The form takes an email address of up to 320 characters, the record 254: the record's
    check reached the page as Django's "Ensure this value has at most 254 characters (it has
    308)." until the form said it in the field's words."""
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"
    response = signed_in(client, world.outsider).post(
        reverse("referrals:new", args=[world.child.public_id]),
        {
            "referrer_kind": "school",
            "referrer_name": "Ms Price",
            "referrer_organisation": "Riverside",
            "referrer_email": email,
            "concerns": "Not attending.",
            "consent": "agrees",
            "urgency": "standard",
        },
    )
    body = response.content.decode()
    assert "The email address must be 254 characters or less" in body
    # No need ticked: the record's "This field cannot be blank." is said as the field's own.
    assert "Select the areas the concerns are about" in body
    assert "Ensure this value" not in body and "cannot be blank" not in body
    assert not Referral.objects.exists()


def test_the_referral_form_offers_the_needs_as_govuk_checkboxes(client, signed_in, world):
    """The standard form renderer draws the needs as checkboxes (no template of our own)."""
    body = (
        signed_in(client, world.lead)
        .get(reverse("referrals:new", args=[world.child.public_id]))
        .content.decode()
    )
    assert 'class="govuk-checkboxes"' in body
    assert body.count('type="checkbox" value=') >= 10 and 'name="needs" type="radio"' not in body


def test_a_person_of_another_council_cannot_be_referred(client, signed_in, world):
    other = factories.PersonFactory(authority=factories.AuthorityFactory(code="E3", name="X"))
    response = signed_in(client, world.lead).get(reverse("referrals:new", args=[other.public_id]))
    assert response.status_code == 404


def test_managers_see_late_decisions(client, signed_in, world):
    late = make_referral(world, received_at=timezone.now() - datetime.timedelta(days=7))
    make_referral(world, person=world.mother)
    factories.TeamMembershipFactory(user=world.team_leader, team=world.front_door_team)
    body = signed_in(client, world.team_leader).get(reverse("referrals:breaches")).content.decode()
    assert reverse("referrals:detail", args=[late.public_id]) in body
    assert "Jane Walker" not in body


def test_late_decisions_are_for_managers(client, signed_in, world):
    assert signed_in(client, world.triage).get(reverse("referrals:breaches")).status_code == 403


# The API ----------------------------------------------------------------------------------


def api_for(user):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def payload(world, **overrides):
    data = {
        "person": str(world.child.public_id),
        "referrer_kind": "school",
        "referrer_name": "Ms Price",
        "referrer_organisation": "Riverside Primary",
        "needs": ["education"],
        "concerns": "Attendance is falling.",
        "consent": "agrees",
    }
    data.update(overrides)
    return data


def test_the_api_takes_a_referral_with_a_token(world):
    response = api_for(world.lead).post("/referrals/api/referrals/", payload(world), format="json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert response.json()["id"] == str(referral.public_id)
    assert referral.decision_due_at is not None and referral.events.count() == 1


def test_the_api_refuses_a_referral_without_a_person(world):
    response = api_for(world.lead).post(
        "/referrals/api/referrals/", payload(world, person=""), format="json"
    )
    assert response.status_code == 400 and "person" in response.json()
    response = api_for(world.triage).post(
        "/referrals/api/referrals/",
        payload(world, person="00000000-0000-0000-0000-000000000000"),
        format="json",
    )
    assert response.status_code == 400 and "person" in response.json()
    assert not Referral.objects.exists()


def test_the_api_uses_the_same_validation_as_the_form(world):
    response = api_for(world.lead).post(
        "/referrals/api/referrals/", payload(world, referrer_organisation=""), format="json"
    )
    assert response.status_code == 400
    assert "referrer_organisation" in response.json()


def test_the_api_needs_authentication(world):
    response = APIClient().post("/referrals/api/referrals/", payload(world), format="json")
    assert response.status_code in (401, 403)


def test_the_api_lists_only_what_the_caller_may_see(world):
    mine = make_referral(world)
    assert api_for(world.triage).get("/referrals/api/referrals/").json()["count"] == 1
    assert api_for(world.outsider).get("/referrals/api/referrals/").json()["count"] == 0
    assert (
        api_for(world.outsider).get(f"/referrals/api/referrals/{mine.public_id}/").status_code
        == 404
    )
    assert (
        api_for(world.triage2).get(f"/referrals/api/referrals/{mine.public_id}/").status_code == 200
    )


def test_decision_times_count_decisions_in_time(world):
    from familyhub.referrals.selectors import decision_times
    from familyhub.referrals.services import referral_decide

    referral = make_referral(world)
    referral_decide(
        referral=referral,
        by=world.triage,
        version=1,
        outcome="nfa",
        level=level(1),
        reason="No need.",
    )
    times = decision_times(world.team_leader)
    assert times.decided == 1 and times.in_time == 1 and times.percent_in_time == 100


def test_a_familys_own_request_starts_with_the_family_as_referrer(client, signed_in, world):
    response = signed_in(client, world.colleague).get(
        reverse("referrals:new", args=[world.child.public_id]), {"kind": "family"}
    )
    body = response.content.decode()
    assert 'value="family" checked' in body
