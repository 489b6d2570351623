"""Referrals between any two services: a receiving service's inbox (accept, decline with a
reason, ask for more, allocate), what the referrer sees and hears, deadlines after accepting,
first contact, partners outside Familyhub, and what the receiving service may see."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from familyhub.notifications.models import Notification, NotificationKind
from familyhub.referrals import services
from familyhub.referrals.models import Referral, ReferralEvent, ReferralStatus
from familyhub.referrals.tests.factories import refer_to_hub

pytestmark = pytest.mark.django_db


def test_a_referral_to_a_service_lands_in_its_inbox_and_tells_its_team(world, partners):
    referral = refer_to_hub(world, partners)
    assert referral.owning_service == partners.hub
    assert referral.status == ReferralStatus.RECEIVED
    told = set(
        Notification.objects.filter(kind=NotificationKind.REFERRAL).values_list(
            "user__username", flat=True
        )
    )
    assert told == {"hubworker", "hubcolleague", "hubleader"}
    # The notification says where, never who.
    assert all("Jane" not in n.subject for n in Notification.objects.all())


def test_the_inbox_lists_it_and_the_front_door_queue_does_not(client, signed_in, world, partners):
    refer_to_hub(world, partners)
    body = signed_in(client, partners.hub_worker).get(reverse("referrals:inbox")).content.decode()
    assert "Jane Walker" in body and 'data-testid="inbox-waiting"' in body
    queue = signed_in(client, world.triage).get(reverse("referrals:queue")).content.decode()
    assert "Jane Walker" not in queue


def test_accepting_sets_deadlines_and_tells_the_referrer(world, partners):
    referral = refer_to_hub(world, partners)
    services.inbox_decide(
        referral=referral, by=partners.hub_worker, version=referral.version, decision="accepted"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.allocation_due_at and referral.first_contact_due_at
    assert referral.first_contact_due_at > referral.allocation_due_at
    update = Notification.objects.get(user=partners.health_visitor)
    assert update.kind == NotificationKind.REFERRAL_UPDATE and "accepted" in update.subject


def test_declining_needs_a_reason_that_the_referrer_then_reads(client, signed_in, world, partners):
    referral = refer_to_hub(world, partners)
    with pytest.raises(ValidationError) as raised:
        services.inbox_decide(
            referral=referral, by=partners.hub_worker, version=referral.version, decision="declined"
        )
    assert "reason" in raised.value.message_dict
    services.inbox_decide(
        referral=referral,
        by=partners.hub_worker,
        version=referral.version,
        decision="declined",
        reason="The group is full until March; try the Tuesday group at East.",
    )
    body = (
        signed_in(client, partners.health_visitor)
        .get(reverse("referrals:detail", args=[referral.public_id]))
        .content.decode()
    )
    assert "Declined" in body and "Tuesday group at East" in body


def test_asking_for_more_waits_for_the_referrers_answer(client, signed_in, world, partners):
    referral = refer_to_hub(world, partners)
    services.inbox_decide(
        referral=referral,
        by=partners.hub_worker,
        version=referral.version,
        decision="more_info",
        reason="Which days can she come?",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.MORE_INFO and referral.is_open
    hv = signed_in(client, partners.health_visitor)
    page = hv.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert "Which days can she come?" in page and 'data-testid="answer-form"' in page
    empty = hv.post(
        reverse("referrals:answer", args=[referral.public_id]),
        {"version": referral.version, "answer": ""},
    )
    assert empty.status_code == 400 and "Enter the information" in empty.content.decode()
    answered = hv.post(
        reverse("referrals:answer", args=[referral.public_id]),
        {"version": referral.version, "answer": "Mornings, Monday to Wednesday."},
    )
    assert answered.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    assert ReferralEvent.objects.filter(
        referral=referral, to_state="info_given", note__contains="Mornings"
    ).exists()


def test_two_workers_deciding_at_once_cannot_both_win(world, partners):
    referral = refer_to_hub(world, partners)
    seen = referral.version
    services.inbox_decide(
        referral=referral, by=partners.hub_worker, version=seen, decision="accepted"
    )
    with pytest.raises(services.DecisionConflict):
        services.inbox_decide(
            referral=Referral.objects.get(pk=referral.pk),
            by=partners.hub_colleague,
            version=seen,
            decision="declined",
            reason="Full",
        )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_allocation_goes_to_a_worker_of_the_service_only(world, partners):
    referral = refer_to_hub(world, partners)
    services.inbox_decide(
        referral=referral, by=partners.hub_leader, version=referral.version, decision="accepted"
    )
    referral.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        services.referral_assign(
            referral=referral, by=partners.hub_leader, version=referral.version, worker=world.lead
        )
    assert "worker" in raised.value.message_dict
    services.referral_assign(
        referral=referral,
        by=partners.hub_leader,
        version=referral.version,
        worker=partners.hub_colleague,
    )
    referral.refresh_from_db()
    assert referral.allocated_to == partners.hub_colleague
    assert Notification.objects.filter(
        user=partners.hub_colleague, kind=NotificationKind.ALLOCATION
    ).exists()


def test_the_first_contact_closes_the_step(world, partners):
    referral = refer_to_hub(world, partners)
    services.inbox_decide(
        referral=referral,
        by=partners.hub_worker,
        version=referral.version,
        decision="accepted",
        worker=partners.hub_worker,
    )
    today = timezone.localdate()
    assert services.first_contact_made(person=world.mother, service=partners.hub, on=today) == 1
    referral.refresh_from_db()
    assert referral.first_contact_on == today
    # Only the service the referral went to: health visiting's contact is not the hub's.
    assert (
        services.first_contact_made(person=world.mother, service=partners.health_visiting, on=today)
        == 0
    )


def test_a_partner_outside_familyhub_gets_a_letter(client, signed_in, world, partners):
    with pytest.raises(ValidationError) as raised:
        refer_to_hub(world, partners, to_service=partners.camhs)
    assert "sent_by" in raised.value.message_dict
    referral = refer_to_hub(world, partners, to_service=partners.camhs, sent_by="letter")
    assert referral.status == ReferralStatus.SENT and "Hospital Road" in referral.sent_to
    assert not Notification.objects.filter(kind=NotificationKind.REFERRAL).exists()
    letter = (
        signed_in(client, partners.health_visitor)
        .get(reverse("referrals:letter", args=[referral.public_id]))
        .content.decode()
    )
    assert "CAMHS" in letter and "Low mood after the birth" in letter


def test_the_receiving_service_sees_the_referral_but_not_other_services_records(
    client, signed_in, world, partners
):
    """The hub sees the referral and the family's core record while it is in its inbox; not the
    health visitor's health records, which no agreement shares with the hub."""
    from familyhub.childhealth.models import Measurement

    referral = refer_to_hub(world, partners)
    hub = signed_in(client, partners.hub_worker)
    assert hub.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 200
    assert hub.get(reverse("people:person", args=[world.mother.public_id])).status_code == 200
    from familyhub.access.layer import records_visible_to

    Measurement.objects.create(
        person=world.child,
        owning_service=partners.health_visiting,
        measured_on=timezone.localdate() - datetime.timedelta(days=3),
        weight_kg=20,
    )
    assert not records_visible_to(partners.hub_worker, Measurement.objects.all()).exists()
    # Someone in no service the referral went to sees nothing of it.
    other = signed_in(client, world.outsider)
    assert other.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404


def test_the_inbox_form_names_the_field_on_bad_input(client, signed_in, world, partners):
    referral = refer_to_hub(world, partners)
    response = signed_in(client, partners.hub_worker).post(
        reverse("referrals:inbox-decide", args=[referral.public_id]),
        {"version": referral.version, "decision": "declined", "reason": ""},
    )
    assert response.status_code == 400
    assert "Give the reason for declining" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.RECEIVED


def test_only_the_receiving_service_acts_on_its_inbox(client, signed_in, world, partners):
    referral = refer_to_hub(world, partners)
    response = signed_in(client, partners.health_visitor).post(
        reverse("referrals:inbox-decide", args=[referral.public_id]),
        {"version": referral.version, "decision": "accepted"},
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_a_secure_email_referral_is_sent_by_a_background_task(world, partners):
    from django.core import mail
    from django.core.management import call_command

    from familyhub.audit.models import AccessLog

    referral = refer_to_hub(world, partners, to_service=partners.camhs, sent_by="secure_email")
    assert referral.sent_to == "camhs.referrals@nhs.net"
    assert not mail.outbox  # nothing leaves until the worker runs
    call_command("db_worker", batch=True, startup_delay=False)
    (message,) = mail.outbox
    assert message.to == ["camhs.referrals@nhs.net"]
    assert "Jane Walker" in message.body and "Low mood after the birth" in message.body
    assert ReferralEvent.objects.filter(referral=referral, to_state="emailed").exists()
    assert AccessLog.objects.filter(
        person_pk=world.mother.pk, action="export", detail__contains="camhs.referrals@nhs.net"
    ).exists()


def test_secure_email_only_to_a_secure_domain(world, partners):
    partners.camhs.referral_email = "referrals@gmail.com"
    partners.camhs.save()
    with pytest.raises(ValidationError) as raised:
        refer_to_hub(world, partners, to_service=partners.camhs, sent_by="secure_email")
    assert "not on a secure email domain" in raised.value.message_dict["sent_by"][0]


def _api(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_the_api_refers_to_a_service_from_the_directory(world, partners):
    api = _api(partners.health_visitor)
    directory = api.get("/referrals/api/services/").json()
    by_name = {entry["name"]: entry for entry in directory}
    assert directory[0]["kind"] == "front_door"
    assert by_name["Family hub Central"]["on_familyhub"] is True
    assert by_name["CAMHS"]["on_familyhub"] is False
    made = api.post(
        "/referrals/api/referrals/",
        {
            "person": str(world.mother.public_id),
            "referrer_kind": "health_visitor",
            "referrer_name": "Helen Visitor",
            "referrer_organisation": "Health visiting",
            "needs": ["health"],
            "concerns": "Would like the postnatal group.",
            "consent": "agrees",
            "to_service": by_name["Family hub Central"]["id"],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["to_service"] == "Family hub Central"
    unknown = api.post(
        "/referrals/api/referrals/",
        {
            "person": str(world.mother.public_id),
            "referrer_kind": "health_visitor",
            "referrer_name": "Helen Visitor",
            "referrer_organisation": "Health visiting",
            "needs": ["health"],
            "concerns": "x",
            "consent": "agrees",
            "to_service": str(world.child.public_id),
        },
        format="json",
    )
    assert unknown.status_code == 400 and "to_service" in unknown.json()


def test_every_event_state_fits_its_column():
    """SQLite does not enforce a column's length; PostgreSQL does (this was found there)."""
    from familyhub.referrals.models import EVENT_LABELS

    width = ReferralEvent._meta.get_field("to_state").max_length
    assert all(len(state) <= width for state in [*EVENT_LABELS, *ReferralStatus.values])


def test_a_referral_lands_in_the_inbox_of_the_team_for_the_persons_locality(
    client, signed_in, world, partners
):
    """A county's family hubs: the referral goes to the team of the mother's locality, and the
    hub team of another locality neither sees it nor the family."""
    from familyhub.accounts.roles import Role
    from familyhub.testing import factories

    central = world.central.locality
    partners.hub_team.locality = central
    partners.hub_team.save()
    east_team = factories.TeamFactory(
        name="Family hub East team", service=partners.hub, locality=world.east.locality
    )
    east_worker = factories.UserFactory(role=Role.RECEPTION, username="hubeast")
    factories.TeamMembershipFactory(user=east_worker, team=east_team)
    referral = refer_to_hub(world, partners)
    assert referral.receiving_team == partners.hub_team
    assert not Notification.objects.filter(user=east_worker).exists()
    east = signed_in(client, east_worker)
    assert "Jane Walker" not in east.get(reverse("referrals:inbox")).content.decode()
    assert east.get(reverse("people:person", args=[world.mother.public_id])).status_code == 404
    assert east.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404
